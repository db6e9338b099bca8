"""A whole call in Chromium, on the demo data: every role's journey, in order.

The officer drives the call's phases from the call page (“Open now”, “Close
now”); three candidates, with the interface in English, French and Japanese,
apply and rank; the two demo supervisors rank their applicants; the officer
runs the match without and with a regional cap, compares the two runs and
publishes the capped one; candidates decline, accept or learn why they were not
placed; supervisors see their interns; round two places the candidate the cap
left out, and is published.

Each step runs as one person in their own browser context and checks what that
person sees: headings, status messages, figures and names. The steps depend on
one another (a published run needs the rankings before it), and pytest-django
empties the database after every test that uses the live server, so the journey
is one test whose parts are named after their role (`step(...)` adds the step's
name to any failure). Screenshots: artifacts/screenshots/call-*.png.
"""

from __future__ import annotations

import re
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from .test_keyboard import assert_focus_visible, tab_to

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

CALL = "2027-summer"
ATR_EEG = "atr-eeg-decoding"
ATR_NEUROFEEDBACK = "atr-decoded-neurofeedback"
UBC = "ubc-ja-en-speech-translation"
BC_CAP = "CA-BC = 1"

# The interface texts the French and Japanese candidates read, as the catalogues
# translate them (src/kakehashi/locale/*/LC_MESSAGES/django.po).
FR = {
    "applied": "Vous avez postulé à ce projet",
    "saved": "Votre classement a été enregistré.",
    "my_result": "Mon résultat",
    "match_result": "Résultat du jumelage",
    "round_2_result": "Résultat du tour 2",
    "not_placed": "Vous n’avez pas obtenu de place dans ce tour.",
    "why_not_each": "Pourquoi vous n’avez obtenu aucun de vos choix",
    "choice_1_of_1": "votre choix 1 sur 1",
    "accepted": "Acceptée",
    "you_accepted": "Vous avez accepté l’offre pour « {project} ».",
}
JA = {
    "applied": "このプロジェクトに応募しました",
    "saved": "順位を保存しました。",
    "rank_applicants": "応募者に順位を付ける",
    "my_result": "マッチング結果",
    "match_result": "マッチング結果",
    "choice_1_of_1": "1 件中 第 1 希望",
    "awaiting": "回答待ち",
    "accepted": "承諾済み",
    "you_accepted": "「{project}」のオファーを承諾しました。",
    "my_interns": "受入インターン",
    "no_intern": "このプロジェクトに配置されたインターンはいません。",
}


@contextmanager
def step(name: str):
    """Name the step of the journey in any failure inside it."""
    started = time.monotonic()
    try:
        yield
    except BaseException as exc:
        exc.add_note(f"Journey step: {name}")
        raise
    finally:
        print(f"{name}: {time.monotonic() - started:.1f}s")


@dataclass
class World:
    """What the steps share: the officer's page, a page per person, the runs."""

    page: object
    new_page: object
    screenshot: object
    pages: dict = field(default_factory=dict)
    runs: dict = field(default_factory=dict)

    def as_user(self, username: str, locale: str = "en-CA"):
        """The page of `username`, logged in (once) in a browser of `locale`."""
        if username in self.pages:
            return self.pages[username]
        page = self.page if username == "officer" else self.new_page(locale)
        page.goto("/accounts/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", "kakehashi")
        page.click("main button[type=submit]")
        page.wait_for_url(lambda url: urlsplit(url).path == "/home/")  # signing in leads home
        self.pages[username] = page
        return page

    def shot(self, name: str, page) -> None:
        self.screenshot(f"call-{name}", page)


def user(username: str):
    from kakehashi.people.models import User

    return User.objects.get(username=username)


def name_of(username: str, language: str) -> str:
    from kakehashi.people.names import person_name

    return person_name(user(username), language)


def title_of(key: str, language: str) -> str:
    from django.utils import translation

    from kakehashi.projects.models import Project

    with translation.override(language):
        return Project.objects.get(key=key).translated("title")


def offers_deadline(language: str) -> str:
    """The close of the offers phase, written as the page writes it in the call's zone."""
    import zoneinfo

    from django.utils import formats, translation

    from kakehashi.programs.models import CallPhase

    phase = CallPhase.objects.get(call__slug=CALL, kind="offers")
    with translation.override(language):
        return formats.date_format(
            phase.closes_at.astimezone(zoneinfo.ZoneInfo("Asia/Tokyo")), "DATETIME_FORMAT"
        )


def nav_link(page, name: str):
    """A link of the main navigation (the header's menu)."""
    return page.locator("nav.site-nav").get_by_role("link", name=name, exact=True)


def phase_state(page, kind: str):
    return page.locator(f"#phase-{kind} td").nth(3)


def officer_switches_phase(page, kind: str, action: str, notice: str, state: str) -> None:
    """Press “Open now” or “Close now” on a phase row of the call page (htmx swaps the
    phases) and check the notice and the phase's new state."""
    if action == "Close now":
        # Closing asks first: a page with what will happen, whose button posts.
        page.locator(f"#phase-{kind}").get_by_role("link", name="Close now…").click()
        expect(page.locator("h1")).to_contain_text("phase?")
        page.locator("main form button[type=submit]").click()
        expect(page.locator("main .messages")).to_have_text(notice)
    else:
        page.locator(f"#phase-{kind}").get_by_role("button", name=action).click()
        expect(page.locator("#phases [role=status]")).to_have_text(notice)
    expect(phase_state(page, kind)).to_have_text(state)


def candidate_applies(page, key: str, status: str) -> None:
    page.goto(f"/projects/{key}/")
    page.locator("#apply button[type=submit]").click()
    expect(page.locator("#apply [role=status]")).to_contain_text(status)


def rank(page, path: str, items: list[str], saved: str) -> None:
    """Add `items` (selectors of unranked items) to the ranking in order, then save."""
    page.goto(path)
    for item in items:
        page.locator(f'[data-list="unranked"] {item} button[data-move="add"]').click()
    page.locator('button[name="action"][value="save"]').click()
    expect(page.locator("#ranking [role=status]")).to_have_text(saved)


def ranked_labels(page) -> list[str]:
    return page.locator('[data-list="ranked"] .reorder-item').evaluate_all(
        "items => items.map(i => i.dataset.label)"
    )


def project_item(key: str) -> str:
    return f'.reorder-item:has(a[href="/projects/{key}/"])'


def person_item(label: str) -> str:
    return f'.reorder-item[data-label="{label}"]'


# ---------------------------------------------------------------- applications phase


def officer_finds_the_call_with_applications_open(w: World) -> None:
    page = w.as_user("officer")
    nav_link(page, "Calls").click()
    page.get_by_role("link", name="2027 Summer").click()
    expect(page.locator("h1")).to_have_text("2027 Summer")
    expect(page.locator("#phases-title")).to_have_text("Phases and deadlines")
    expect(phase_state(page, "applications")).to_have_text("Open")
    for kind in ("host_ranking", "matching", "offers"):
        expect(phase_state(page, kind)).to_have_text("Not open yet")
    w.shot("officer-phases-applications-open", page)


def candidate_en_applies_and_ranks(w: World) -> None:
    page = w.as_user("candidate")
    for key in (ATR_EEG, ATR_NEUROFEEDBACK):
        candidate_applies(page, key, "You applied to this project on")
    rank(
        page,
        f"/calls/{CALL}/ranking/",
        [project_item(ATR_EEG), project_item(ATR_NEUROFEEDBACK)],
        "Your ranking has been saved.",
    )
    expect(page.locator("h1")).to_have_text("Rank my applications")
    assert ranked_labels(page) == [title_of(ATR_EEG, "en"), title_of(ATR_NEUROFEEDBACK, "en")]
    w.shot("candidate-en-ranked", page)


def candidate_fr_applies_and_ranks(w: World) -> None:
    page = w.as_user("candidate-fr", "fr-CA")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    candidate_applies(page, UBC, FR["applied"])
    rank(page, f"/calls/{CALL}/ranking/", [project_item(UBC)], FR["saved"])
    assert ranked_labels(page) == [title_of(UBC, "fr")]
    w.shot("candidate-fr-ranked", page)


def candidate_ja_applies_and_ranks(w: World) -> None:
    page = w.as_user("candidate-ja", "ja-JP")
    expect(page.locator("html")).to_have_attribute("lang", "ja")
    candidate_applies(page, UBC, JA["applied"])
    rank(page, f"/calls/{CALL}/ranking/", [project_item(UBC)], JA["saved"])
    assert ranked_labels(page) == [title_of(UBC, "ja")]
    w.shot("candidate-ja-ranked", page)


# ---------------------------------------------------------------- host ranking phase


def officer_closes_applications_and_opens_host_ranking(w: World) -> None:
    page = w.as_user("officer")
    page.goto(f"/calls/{CALL}/")
    officer_switches_phase(
        page,
        "applications",
        "Close now",
        "The Applications and candidate ranking phase is now closed.",
        "Closed",
    )
    officer_switches_phase(
        page, "host_ranking", "Open now", "The Host ranking phase is now open.", "Open"
    )
    expect(page.locator("#phases")).to_contain_text("To open it again, set a later closing time.")
    w.shot("officer-phases-host-ranking-open", page)


def supervisor_ja_ranks_applicants(w: World) -> None:
    """The ATR supervisor, in Japanese, puts the English-speaking candidate first."""
    page = w.as_user("supervisor", "ja-JP")
    first = name_of("candidate", "ja")
    # A Latin-script name keeps its own order on Japanese pages.
    assert first == "Olivia Grant"
    path = f"/supervising/calls/{CALL}/ranking/"
    page.goto(path)
    expect(page.locator("h1")).to_have_text(JA["rank_applicants"])
    others = page.locator('[data-list="unranked"] .reorder-item').evaluate_all(
        "items => items.map(i => i.dataset.label)"
    )
    order = [first] + [label for label in others if label != first]
    rank(page, path, [person_item(label) for label in order], JA["saved"])
    assert ranked_labels(page) == order
    w.shot("supervisor-ja-ranked", page)


def supervisor_ca_ranks_applicants(w: World) -> None:
    page = w.as_user("supervisor-ca")
    first = [name_of("candidate-ja", "en"), name_of("candidate-fr", "en")]
    # A Japanese name is family name first in English too.
    assert first == ["Sasaki Aoi", "Antoine Lefebvre"]
    path = f"/supervising/calls/{CALL}/ranking/"
    page.goto(path)
    expect(page.locator("h1")).to_have_text("Rank my applicants")
    others = page.locator('[data-list="unranked"] .reorder-item').evaluate_all(
        "items => items.map(i => i.dataset.label)"
    )
    order = first + [label for label in others if label not in first]
    rank(page, path, [person_item(label) for label in order], "Your ranking has been saved.")
    assert ranked_labels(page) == order
    w.shot("supervisor-ca-ranked", page)


# ---------------------------------------------------------------- matching phase


def officer_opens_matching(w: World) -> None:
    page = w.as_user("officer")
    page.goto(f"/calls/{CALL}/")
    # “Close now” is refused in the second the phase opened; the rankings took longer.
    officer_switches_phase(
        page, "host_ranking", "Close now", "The Host ranking phase is now closed.", "Closed"
    )
    officer_switches_phase(page, "matching", "Open now", "The Matching phase is now open.", "Open")
    w.shot("officer-phases-matching-open", page)


def start_run(page, label: str, caps: str | None) -> int:
    page.goto(f"/calls/{CALL}/runs/")
    expect(page.locator("h1")).to_have_text("Match runs")
    form = page.locator("form", has=page.get_by_role("button", name="Run the match"))
    form.get_by_label("Label").fill(label)
    form.get_by_label("Mode").select_option("student")
    if caps is None:
        form.get_by_label(re.compile(r"^Caps")).select_option("")
    else:
        form.get_by_label(re.compile(r"^Caps")).select_option("region")
        form.get_by_label("Places per cap").fill(caps)
    form.get_by_role("button", name="Run the match").click()
    heading = page.locator("h1")
    expect(heading).to_have_text(re.compile(rf"^Run \d+ \(round 1\): {re.escape(label)}$"))
    expect(page.locator(".run-body dl")).to_contain_text("Done")
    return int(re.search(r"Run (\d+)", heading.inner_text()).group(1))


def stat(page, label: str):
    return page.locator(".stat", has=page.get_by_text(label, exact=True)).locator(".value")


def officer_runs_the_match_without_and_with_a_regional_cap(w: World) -> None:
    page = w.as_user("officer")
    w.runs["open"] = start_run(page, "Without caps", caps=None)
    expect(page.locator("#cert-title")).to_have_text("Certificate")
    expect(page.locator(".certificate")).to_contain_text(
        "Every capacity is respected (project, supervisor, organisation)."
    )
    expect(page.locator(".certificate")).to_contain_text(
        "The independent check of the result passed."
    )
    expect(stat(page, "Placements")).to_have_text("24")
    expect(stat(page, "Candidates without a placement")).to_have_text("0")
    w.shot("officer-run-without-caps", page)

    w.runs["capped"] = start_run(page, "British Columbia capped", caps=BC_CAP)
    expect(page.locator(".run-body dl")).to_contain_text("Student-proposing with caps")
    expect(page.locator(".run-body dl")).to_contain_text("CA-BC (region: CA-BC) = 1")
    expect(stat(page, "Placements")).to_have_text("23")
    expect(stat(page, "Candidates without a placement")).to_have_text("1")
    unplaced = page.locator("section[aria-labelledby=unmatched-title] tbody tr")
    expect(unplaced).to_have_count(1)
    expect(unplaced.locator("th")).to_have_text(name_of("candidate-fr", "en"))
    expect(unplaced).to_contain_text("the cap of its region, sector or direction was reached")
    w.shot("officer-run-bc-cap", page)


def officer_compares_the_two_policies(w: World) -> None:
    page = w.as_user("officer")
    page.goto(f"/calls/{CALL}/runs/")
    runs = page.locator("table").first
    expect(runs.locator("tbody tr")).to_have_count(2)
    page.select_option("#compare-a", str(w.runs["open"]))
    page.select_option("#compare-b", str(w.runs["capped"]))
    page.get_by_role("button", name="Compare", exact=True).click()
    expect(page.locator("h1")).to_have_text("Compare two runs")
    expect(page.locator("main")).to_contain_text(
        "Both runs solved the same rank lists and capacities; only their caps differ."
    )
    figures = page.locator("section[aria-labelledby=figures-title] tbody")
    expect(figures.locator("tr", has_text="Placements").locator("td")).to_have_text(
        ["24", "23", "-1"]
    )
    expect(page.locator("#moves-title")).to_have_text("2 candidates move")
    moved = page.locator("section[aria-labelledby=moves-title] tbody tr", has_text="Antoine")
    expect(moved.locator("th")).to_have_text(name_of("candidate-fr", "en"))
    expect(moved.locator("td")).to_have_text([title_of(UBC, "en"), "1", "not placed", "—"])
    w.shot("officer-compare", page)


def officer_publishes_the_capped_run_with_the_keyboard(w: World) -> None:
    page = w.as_user("officer")
    page.goto(f"/runs/{w.runs['capped']}/")
    tab_to(page, 'a[href$="/publish/"]')
    assert_focus_visible(page)
    page.keyboard.press("Enter")
    # Publishing asks first: offers, candidates not placed and mails, then the button.
    expect(page.locator(".consequences li")).to_have_count(3)
    tab_to(page, 'form[action$="/publish/"] button[type=submit]')
    assert_focus_visible(page)
    page.keyboard.press("Enter")
    expect(page.locator("main .messages")).to_contain_text(
        "The run is published and its offers have been made."
    )
    expect(page.locator(".run-body dl .published-badge")).to_have_text("Published")
    expect(page.locator("section[aria-labelledby=publish-title]")).to_contain_text(
        "This run is the published result of its round."
    )
    w.shot("officer-run-published", page)

    page.goto(f"/runs/{w.runs['open']}/")
    expect(page.locator("section[aria-labelledby=publish-title]")).to_contain_text(
        f"Run {w.runs['capped']} is already the published result of this round."
    )
    page.goto(f"/calls/{CALL}/")
    officer_switches_phase(
        page, "matching", "Close now", "The Matching phase is now closed.", "Closed"
    )
    officer_switches_phase(page, "offers", "Open now", "The Offers phase is now open.", "Open")
    w.shot("officer-phases-offers-open", page)


# ---------------------------------------------------------------- offers phase


def candidate_en_declines_with_the_keyboard(w: World) -> None:
    page = w.as_user("candidate")
    nav_link(page, "My result").click()
    expect(page.locator("h1")).to_have_text("My result")
    result = page.locator("article.result")
    expect(result.locator("h3")).to_have_text("Match result")
    title = title_of(ATR_EEG, "en")
    expect(result.locator(".lead")).to_have_text(
        re.compile(rf"^\s*You were placed in {re.escape(title)} at ")
    )
    expect(result.locator("dl")).to_contain_text("your choice 1 of 2")
    offer = result.locator("section.offer")
    expect(offer.locator(".offer-status")).to_have_text("Awaiting answer")
    expect(offer.locator(".deadline strong")).to_have_text(offers_deadline("en"))
    w.shot("candidate-en-offer", page)

    tab_to(page, "section.offer a.danger")
    page.keyboard.press("Enter")
    expect(offer.locator("h4")).to_have_text(f"Decline the offer for “{title}”?")
    # The link is gone with the swap: the focus moves to the question, one Tab from “Yes”.
    question = offer.locator("[role=status]")
    expect(question).to_have_text(
        "The place will go to another candidate in the second round. You cannot take it back."
    )
    expect(question).to_be_focused()
    page.keyboard.press("Tab")
    expect(offer.get_by_role("button", name="Yes, decline the offer")).to_be_focused()
    assert_focus_visible(page)
    w.shot("candidate-en-decline-confirm", page)
    page.keyboard.press("Space")
    done = offer.locator("[role=status]")
    expect(done).to_have_text(f"You declined the offer for “{title}”.")
    expect(done).to_be_focused()
    expect(offer.locator(".offer-status")).to_have_text("Declined")
    w.shot("candidate-en-declined", page)


def candidate_ja_accepts_with_the_keyboard(w: World) -> None:
    page = w.as_user("candidate-ja")
    page.goto("/results/")
    expect(page.locator("h1")).to_have_text(JA["my_result"])
    result = page.locator("article.result")
    expect(result.locator("h3")).to_have_text(JA["match_result"])
    title = title_of(UBC, "ja")
    expect(result.locator(".lead strong")).to_have_text(title)
    expect(result.locator("dl dd").first).to_have_text(JA["choice_1_of_1"])
    offer = result.locator("section.offer")
    expect(offer.locator(".offer-status")).to_have_text(JA["awaiting"])
    w.shot("candidate-ja-offer", page)
    tab_to(page, "section.offer button.primary")
    page.keyboard.press("Enter")
    done = offer.locator("[role=status]")
    expect(done).to_have_text(JA["you_accepted"].format(project=title))
    expect(done).to_be_focused()
    expect(offer.locator(".offer-status")).to_have_text(JA["accepted"])
    w.shot("candidate-ja-accepted", page)


def candidate_fr_reads_why_not_placed(w: World) -> None:
    page = w.as_user("candidate-fr")
    page.goto("/results/")
    expect(page.locator("h1")).to_have_text(FR["my_result"])
    result = page.locator("article.result")
    expect(result.locator("h3")).to_have_text(FR["match_result"])
    expect(result.locator(".lead")).to_have_text(FR["not_placed"])
    expect(result.locator("h4")).to_have_text(FR["why_not_each"])
    expect(result.locator("ol.explanation li")).to_have_attribute(
        "data-reason", "group_cap_reached"
    )
    expect(result.locator("section.offer")).to_have_count(0)
    w.shot("candidate-fr-not-placed", page)


def supervisors_see_their_interns(w: World) -> None:
    page = w.as_user("supervisor-ca")
    nav_link(page, "My interns").click()
    expect(page.locator("h1")).to_have_text("My interns")
    card = page.locator("section.card", has=page.locator(f"#interns-{UBC}"))
    row = card.locator("tbody tr")
    expect(row).to_have_count(1)
    expect(row.locator("th")).to_have_text("Sasaki Aoi")
    expect(row.locator(".offer-status")).to_have_text("Accepted")
    expect(card.locator("ul.plain li").first).to_contain_text(
        "The lowest-ranked candidate admitted was Sasaki Aoi, number 1 on the ranking "
        "the match used. (1 of 2 places filled)"
    )
    w.shot("supervisor-ca-interns", page)

    page = w.as_user("supervisor")
    nav_link(page, JA["my_interns"]).click()
    expect(page.locator("h1")).to_have_text(JA["my_interns"])
    card = page.locator("section.card", has=page.locator(f"#interns-{ATR_EEG}"))
    # The only intern offered a place declined it: nobody holds one; the decline is listed.
    expect(card.locator("tbody tr")).to_have_count(0)
    expect(card.locator("p.empty")).to_have_text(JA["no_intern"])
    expect(card.locator("ul.plain li").last).to_have_text(
        re.compile(r"^Olivia Grant さんが \d{4}年\d+月\d+日\d+:\d{2} に辞退しました。$")
    )
    w.shot("supervisor-ja-interns", page)


# ---------------------------------------------------------------- round two


def officer_runs_and_publishes_round_two(w: World) -> None:
    page = w.as_user("officer")
    page.goto(f"/calls/{CALL}/runs/")
    expect(page.locator("#round2-title")).to_have_text("Second round")
    round2 = page.locator("section[aria-labelledby=round2-title]")
    expect(round2).to_contain_text(
        f"Places freed by declined or lapsed offers of run {w.runs['capped']}"
    )
    round2.get_by_label("Label").fill("Round two")
    round2.get_by_role("button", name="Run round two").click()
    heading = page.locator("h1")
    expect(heading).to_have_text(re.compile(r"^Run \d+ \(round 2\): Round two$"))
    w.runs["round2"] = int(re.search(r"Run (\d+)", heading.inner_text()).group(1))
    expect(stat(page, "Placements")).to_have_text("1")
    expect(stat(page, "Places kept from round one")).to_have_text("22")
    page.get_by_role("link", name="Publish this run…").click()
    w.shot("officer-publish-confirm", page)
    page.get_by_role("button", name="Publish this run").click()
    expect(page.locator(".run-body dl .published-badge")).to_have_text("Published")
    w.shot("officer-round-two-published", page)
    page.goto(f"/calls/{CALL}/runs/")
    expect(round2).to_contain_text(f"Round two is published (run {w.runs['round2']}).")
    w.shot("officer-runs", page)


def candidate_fr_accepts_round_two(w: World) -> None:
    page = w.as_user("candidate-fr")
    page.goto("/results/")
    results = page.locator("article.result")
    expect(results).to_have_count(2)
    expect(results.locator("h3")).to_have_text([FR["match_result"], FR["round_2_result"]])
    second = results.nth(1)
    title = title_of(UBC, "fr")
    expect(second.locator(".lead strong")).to_have_text(title)
    expect(second.locator("dl dd").first).to_have_text(FR["choice_1_of_1"])
    tab_to(page, "section.offer button.primary")
    page.keyboard.press("Enter")
    expect(second.locator("[role=status]")).to_have_text(FR["you_accepted"].format(project=title))
    expect(second.locator(".offer-status")).to_have_text(FR["accepted"])
    w.shot("candidate-fr-round-two-accepted", page)


def supervisor_ca_sees_round_two_intern(w: World) -> None:
    page = w.as_user("supervisor-ca")
    page.goto("/interns/")
    card = page.locator("section.card", has=page.locator(f"#interns-{UBC}"))
    rows = card.locator("tbody tr")
    expect(rows.locator("th")).to_have_text(["Sasaki Aoi", "Antoine Lefebvre"])
    expect(rows.nth(1).locator("td").first).to_have_text("2")
    expect(rows.locator(".offer-status")).to_have_text(["Accepted", "Accepted"])
    w.shot("supervisor-ca-interns-round-two", page)


def everyone_was_mailed_in_their_language(w: World) -> None:
    """The e-mail each step sent, in the reader's language, with names as they write them."""
    from django.core import mail

    def mails(username: str) -> list:
        address = user(username).email
        return [m for m in mail.outbox if m.to == [address]]

    ubc_ja, ubc_fr = title_of(UBC, "ja"), title_of(UBC, "fr")
    assert [m.subject for m in mails("candidate-ja")] == [
        f"【架け橋】「{ubc_ja}」のオファーが届いています",
        f"【架け橋】「{ubc_ja}」のオファーを承諾しました",
    ]
    assert mails("candidate-ja")[0].body.startswith("佐々木葵 様")
    unplaced, offer, accepted = mails("candidate-fr")
    assert unplaced.subject == "Kakehashi : votre résultat de jumelage — Été 2027"
    assert unplaced.body.startswith("Bonjour Antoine Lefebvre,")
    assert "les places permises pour son groupe d’organismes d’accueil" in unplaced.body
    assert offer.subject == f"Kakehashi : vous avez une offre pour « {ubc_fr} »"
    assert accepted.subject == f"Kakehashi : vous avez accepté l’offre pour « {ubc_fr} »"
    eeg = title_of(ATR_EEG, "en")
    assert [m.subject for m in mails("candidate")] == [
        f"Kakehashi: you have an offer for “{eeg}”",
        f"Kakehashi: you declined the offer for “{eeg}”",
    ]
    declined = mails("supervisor")[-1]
    assert declined.subject == (
        f"【架け橋】Olivia Grant さんが「{title_of(ATR_EEG, 'ja')}」のオファーを辞退しました"
    )
    assert declined.body.startswith("森本拓也 様")
    assert [m.subject for m in mails("supervisor-ca")][-2:] == [
        "Kakehashi: match results for your projects in 2027 Summer",
        f"Kakehashi: Antoine Lefebvre accepted the offer for “{title_of(UBC, 'en')}”",
    ]


JOURNEY = [
    officer_finds_the_call_with_applications_open,
    candidate_en_applies_and_ranks,
    candidate_fr_applies_and_ranks,
    candidate_ja_applies_and_ranks,
    officer_closes_applications_and_opens_host_ranking,
    supervisor_ja_ranks_applicants,
    supervisor_ca_ranks_applicants,
    officer_opens_matching,
    officer_runs_the_match_without_and_with_a_regional_cap,
    officer_compares_the_two_policies,
    officer_publishes_the_capped_run_with_the_keyboard,
    candidate_en_declines_with_the_keyboard,
    candidate_ja_accepts_with_the_keyboard,
    candidate_fr_reads_why_not_placed,
    supervisors_see_their_interns,
    officer_runs_and_publishes_round_two,
    candidate_fr_accepts_round_two,
    supervisor_ca_sees_round_two_intern,
    everyone_was_mailed_in_their_language,
]


def test_full_call(page, new_page, screenshot, demo):
    world = World(page=page, new_page=new_page, screenshot=screenshot)
    for part in JOURNEY:
        with step(part.__name__):
            part(world)
