"""The review pages, per role, and their query counts."""

import pytest
from django.test import Client
from django.urls import reverse

from kakehashi.review.models import Assignment, Bid, Review
from kakehashi.review.services import assignment_apply, assignment_release
from tests.kakehashi.api_helpers import session_client
from tests.kakehashi.review.helpers import open_round, released_assignment, run

pytestmark = pytest.mark.django_db


def test_pages_refuse_every_other_role(world):
    open_round(world)
    reviewer_pages = [reverse("review:reviewing"), reverse("review:profile")]
    officer_pages = [reverse("review:call", args=["rev-call"])]
    for path in reviewer_pages + officer_pages:
        response = Client().get(path)
        assert response.status_code == 302 and "/login/" in response["Location"]
    for who in ("candidate", "officer"):
        for path in reviewer_pages:
            assert session_client(world[who]).get(path).status_code == 404
    for who in ("candidate", "r_en"):
        assert session_client(world[who]).get(officer_pages[0]).status_code == 404
    for path in reviewer_pages:
        assert session_client(world["r_en"]).get(path).status_code == 200
    assert session_client(world["officer"]).get(officer_pages[0]).status_code == 200


def test_officer_opens_review_from_the_page(world):
    client = session_client(world["officer"])
    page = client.get(reverse("review:call", args=["rev-call"]))
    assert b"Open review" in page.content
    response = client.post(
        reverse("review:open", args=["rev-call"]),
        {"kind": "projects", "form": world["form"].pk, "reviewers_per_proposal": 2},
    )
    assert response.status_code == 302
    page = client.get(reverse("review:call", args=["rev-call"])).content.decode()
    assert "Same name in another script" in page
    assert "森本拓也 ~ Takuya Morimoto" in page


def test_bid_with_htmx(world):
    rnd = open_round(world)
    p3 = rnd.proposals.get(project__key="p3")
    client = session_client(world["r_ja"])
    response = client.post(
        reverse("review:bid", args=[p3.pk]), {"level": "willing"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert f'id="bid-{p3.pk}"' in response.content.decode()
    assert Bid.objects.get().level == "willing"
    p1 = rnd.proposals.get(project__key="p1")
    response = session_client(world["r_kanji"]).post(
        reverse("review:bid", args=[p1.pk]), {"level": "eager"}
    )
    assert response.status_code == 404


def test_review_page_in_japanese(world, django_capture_on_commit_callbacks):
    rnd = open_round(world)
    officer = session_client(world["officer"])
    a = released_assignment(
        world, rnd, officer, django_capture_on_commit_callbacks, key="p2", reviewer=world["r_ja"]
    )
    rnd.refresh_from_db()
    assert rnd.status == "reviewing"
    client = session_client(world["r_ja"])
    page = client.get(reverse("review:review", args=[a.pk]), HTTP_ACCEPT_LANGUAGE="ja")
    assert "脳波デコーディング" in page.content.decode()  # the translation, not the English
    response = client.post(
        reverse("review:review", args=[a.pk]),
        {
            "score-merit": "4",
            "score-feasibility": "5",
            "comment_authors": "良い計画です。",
            "language": "ja",
            "submit": "1",
        },
    )
    assert response.status_code == 302
    review = Review.objects.get()
    assert (review.language, review.scores, review.submitted) == (
        "ja",
        {"merit": 4, "feasibility": 5},
        True,
    )
    other = Assignment.objects.exclude(reviewer=world["r_ja"]).first()
    assert client.get(reverse("review:review", args=[other.pk])).status_code == 404


@pytest.mark.parametrize("extra", [0, 2])
def test_page_queries_are_fixed(
    world, extra, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    from tests import factories

    # Imported here: the other tests use the world as it is.
    for i in range(extra):
        factories.ProjectFactory(call=world["call"], status="submitted", key=f"more-{i}")
    rnd = open_round(world)
    started = run(world, rnd, django_capture_on_commit_callbacks)
    assignment_apply(actor=world["officer"], run=started)
    officer = session_client(world["officer"])
    reviewer = session_client(world["r_ja"])
    with django_assert_max_num_queries(40):
        assert officer.get(reverse("review:call", args=["rev-call"])).status_code == 200
    with django_assert_max_num_queries(25):
        assert reviewer.get(reverse("review:reviewing")).status_code == 200
    assignment_release(actor=world["officer"], round=rnd)
    with django_assert_max_num_queries(25):
        assert reviewer.get(reverse("review:reviewing")).status_code == 200
    with django_assert_max_num_queries(25):
        assert (
            session_client(world["supervisors"]["grant"])
            .get(reverse("review:decisions"))
            .status_code
            == 200
        )


def test_reviewer_home_lists_the_rounds_taking_bids_and_the_assignments(
    world, django_capture_on_commit_callbacks
):
    """The reviewer's home card shows the calls taking bids, then each assignment with a
    link to its review page (the card's template reads its own context, `c`)."""
    rnd = open_round(world)
    client = session_client(world["r_ja"])
    html = client.get("/home/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    card = html[html.index('id="home-reviewer"') :]
    assert f"1 call takes bids: {world['call']}." in card
    assert "Nothing assigned to you yet." in card
    officer = session_client(world["officer"])
    a = released_assignment(
        world, rnd, officer, django_capture_on_commit_callbacks, key="p2", reviewer=world["r_ja"]
    )
    html = client.get("/home/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    card = html[html.index('id="home-reviewer"') :]
    assert f'<a href="{reverse("review:review", args=[a.pk])}">' in card
    assert "to review" in card
    assert "Nothing assigned to you yet." not in card
