"""Proposal review, one journey through the real browser: the officer opens review for
the demo's call, reviewers bid, the officer runs the assignment in `sum` and `fair`
modes and compares them, a conflict through a kana/romaji name variant is shown and
refused by hand, the `reviewer` account reviews in Japanese an English proposal that has
a Japanese translation and comments on its discussion, the officer decides, and the
author reads the anonymised review.
Screenshots: artifacts/screenshots/review-*.png."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from kakehashi.review.models import Assignment, Proposal
from kakehashi.review.services import review_save
from tests.kakehashi.browser.helpers import sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

CALL = "/calls/{slug}/review/"


@pytest.fixture
def char_encoder(settings, tmp_path):
    # The engine's character n-gram encoder and a fresh cache: the journey needs no model.
    settings.RECOMMENDATIONS_ENCODER = "tests.kakehashi.recommendations.fakes.counting_encoder"
    settings.RECOMMENDATIONS_EMBEDDING_CACHE = str(tmp_path / "embeddings")


def test_review_journey(page, new_page, demo, char_encoder, screenshot, axe_check):
    from kakehashi.programs.models import Call

    # Imported here: the call exists only once the `demo` fixture has run. The demo's
    # current call is the one holding the review demo's proposal (past calls do not).
    call = Call.objects.filter(projects__key="review-demo-sea-ice").order_by("-pk").first()
    url = CALL.format(slug=call.slug)

    # 1. The officer opens review of the call's submitted projects, two reviewers each.
    sign_in(page, "officer")
    page.goto(url)
    page.select_option("#id_kind", "projects")
    page.select_option("#id_form", label="Demo review form (invented)")
    page.fill("#id_reviewers_per_proposal", "2")
    page.get_by_role("button", name="Open review").click()
    expect(page.get_by_text("Review is open: reviewers can bid.")).to_be_visible()
    conflicts = page.locator("tr.conflict")
    expect(conflicts).to_have_count(1)
    expect(conflicts.first).to_contain_text("Same name in another script")
    expect(conflicts.first).to_contain_text("イシカワマイ ~ Ishikawa Mai")
    axe_check(page)
    screenshot("review-opened")

    # 2. The `reviewer` account (Japanese browser) bids eager on the English proposal.
    english = Proposal.objects.get(project__key="review-demo-sea-ice")
    reviewer = new_page("ja-JP")
    sign_in(reviewer, "reviewer")
    reviewer.goto("/review/")
    row = reviewer.locator(f"#bid-{english.pk}")
    row.locator("select").select_option("eager")
    row.get_by_role("button").click()
    expect(reviewer.locator(f"#bid-{english.pk} [role=status]")).to_be_visible()
    axe_check(reviewer)
    screenshot("review-bids", reviewer)
    # Ishikawa, conflicted with the KDDI proposal, is never offered it to bid on.
    kddi = Proposal.objects.get(project__key="kddi-ran-energy")
    ishikawa = new_page("ja-JP")
    sign_in(ishikawa, "reviewer-ishikawa")
    ishikawa.goto("/review/")
    expect(ishikawa.locator(f"#bid-{english.pk}")).to_have_count(1)
    expect(ishikawa.locator(f"#bid-{kddi.pk}")).to_have_count(0)

    # 3. The officer runs `sum`, then `fair`, and compares them side by side.
    for mode in ("sum", "fair"):
        page.goto(url)
        page.select_option("#id_mode", mode)
        page.get_by_role("button", name="Run the assignment").click()
        expect(page.get_by_text("The assignment run is queued")).to_be_visible()
    page.goto(url)
    runs = page.locator("section[aria-labelledby=runs] tbody tr")
    expect(runs).to_have_count(2)
    expect(page.locator("th", has_text=re.compile(r"Score in run #\d+ \(sum\)"))).to_have_count(1)
    expect(page.locator("th", has_text=re.compile(r"Score in run #\d+ \(fair\)"))).to_have_count(1)
    screenshot("review-compare")
    sum_row = runs.filter(has_text="Largest total affinity")
    sum_row.get_by_role("button", name=re.compile("Use this assignment")).click()
    expect(page.get_by_text("This run's assignment is now the round's.")).to_be_visible()
    assert not Assignment.objects.filter(
        proposal=kddi, reviewer__username="reviewer-ishikawa"
    ).exists()

    # A manual change is checked: Ishikawa on the KDDI proposal is refused, with the reason.
    page.select_option(f"#add-{kddi.pk}", value=str(_user_pk("reviewer-ishikawa")))
    page.locator(f"#proposal-{kddi.pk}").get_by_role("button", name="Add a reviewer").click()
    expect(page.locator(".error, [role=alert]").first).to_contain_text(
        "Conflict of interest: Same name in another script (イシカワマイ ~ Ishikawa Mai)."
    )
    screenshot("review-conflict-refused")
    if not Assignment.objects.filter(proposal=english, reviewer__username="reviewer").exists():
        page.select_option(f"#add-{english.pk}", value=str(_user_pk("reviewer")))
        page.locator(f"#proposal-{english.pk}").get_by_role("button", name="Add a reviewer").click()
        expect(page.get_by_text("Reviewer assigned.")).to_be_visible()
    page.get_by_role("button", name="Release the assignment to reviewers").click()
    expect(page.get_by_text("The assignment is released")).to_be_visible()

    # 4. The reviewer reads the proposal in Japanese (its translation) and reviews in Japanese.
    assignment = Assignment.objects.get(proposal=english, reviewer__username="reviewer")
    reviewer.goto("/review/")
    reviewer.locator(f"a[href='/review/assignments/{assignment.pk}/']").click()
    expect(reviewer.locator("h1")).to_contain_text("衛星レーダーによる海氷厚推定")
    for key, value in (("merit", "4"), ("training", "5"), ("feasibility", "3")):
        reviewer.select_option(f"#score-{key}", value)
    reviewer.fill(
        "#comment_authors",
        "課題設定は明確で、研修生の学びも大きいと考えます。検証データの計画を示してください。",
    )
    reviewer.fill("#comment_committee", "採択を推薦します。")
    reviewer.select_option("#language", "ja")
    axe_check(reviewer)
    screenshot("review-write", reviewer)
    reviewer.locator("button[name=submit]").click()
    expect(reviewer.locator("[role=status]").first).to_be_visible()
    # The discussion opens once every reviewer of the proposal has submitted: the
    # other reviewers submit theirs, and the review page then links to it (the authors
    # never see it).
    others = Assignment.objects.filter(proposal=english).exclude(reviewer__username="reviewer")
    for other in others:
        review_save(
            reviewer=other.reviewer,
            assignment=other,
            scores={"merit": 3, "training": 4, "feasibility": 3},
            comment_authors="A clear plan; the validation data need a date.",
            submit=True,
        )
    reviewer.reload()
    reviewer.locator(f"a[href='/review/proposals/{english.pk}/discussion/']").click()
    reviewer.fill("#id_text", "検証データの入手時期を確認したいと思います。")
    reviewer.locator("main form button[type=submit]").click()
    expect(reviewer.locator("ol.comments")).to_contain_text("検証データの入手時期")
    axe_check(reviewer)
    screenshot("review-discussion", reviewer)

    # 5. The officer sees the scores and decides.
    page.goto(url)
    row = page.locator(f"#proposal-{english.pk}")
    expect(row).to_contain_text(f"{1 + len(others)} reviews submitted")
    row.locator("select[name=decision]").select_option("approve")
    row.get_by_role("button", name="Decide").click()
    expect(page.get_by_text("Decision recorded.")).to_be_visible()
    screenshot("review-decided")

    # 6. The author reads the decision and the review, with no reviewer's name.
    author = new_page("en-CA")
    sign_in(author, "sup-toronto")
    author.goto("/review/decisions/")
    section = author.locator("section").filter(has_text="Sea-ice thickness from satellite radar")
    expect(section).to_contain_text("Approve")
    expect(section).to_contain_text("Reviewer 1")
    expect(section).to_contain_text("課題設定は明確で")
    expect(section).not_to_contain_text("Aoki")
    for other in others:
        expect(section).not_to_contain_text(str(other.reviewer))
    expect(section).not_to_contain_text("採択を推薦します")  # the committee's comment
    expect(section).not_to_contain_text("検証データの入手時期")  # the discussion
    axe_check(author)
    screenshot("review-author", author)


def _user_pk(username: str) -> int:
    from kakehashi.people.models import User

    # Imported here like the call above: models are read once the demo is in.
    return User.objects.get(username=username).pk
