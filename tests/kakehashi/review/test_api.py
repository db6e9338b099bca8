"""Proposal review through /api/v1/: every role, exact errors, query counts."""

import pytest
from django.test import Client

from kakehashi.review.models import Assignment, Review
from kakehashi.review.services import (
    assignment_apply,
    assignment_release,
    review_save,
)
from tests.kakehashi.api_helpers import API, body, error, token_client
from tests.kakehashi.review.helpers import open_round, run

pytestmark = pytest.mark.django_db

ONLY_OFFICERS = "Only program officers manage reviews."
ONLY_REVIEWERS = "Only reviewers do this."


@pytest.fixture
def opened(world):
    rnd = open_round(world)
    return {**world, "round": rnd, "p": {p.project.key: p for p in rnd.proposals.all()}}


@pytest.fixture
def released(opened, django_capture_on_commit_callbacks):
    started = run(opened, opened["round"], django_capture_on_commit_callbacks)
    assignment_apply(actor=opened["officer"], run=started)
    assignment_release(actor=opened["officer"], round=opened["round"])
    return opened


def test_anonymous_gets_401(opened):
    rid = opened["round"].pk
    for path in ("/review/rounds", f"/review/rounds/{rid}/proposals", "/me/review-assignments"):
        assert Client().get(API + path).status_code == 401


def test_officer_opens_review_and_others_cannot(world):
    payload = {"kind": "projects", "form_id": world["form"].pk, "reviewers_per_proposal": 2}
    for who in ("candidate", "r_en"):
        response = token_client(world[who]).post(
            f"{API}/calls/rev-call/review", payload, content_type="application/json"
        )
        assert body(response) == error(403, "forbidden", ONLY_OFFICERS)
    response = token_client(world["officer"]).post(
        f"{API}/calls/rev-call/review", payload, content_type="application/json"
    )
    assert response.status_code == 201
    assert body(response)["status"] == "bidding"
    response = token_client(world["officer"]).post(
        f"{API}/calls/rev-call/review", payload, content_type="application/json"
    )
    assert body(response) == error(422, "exists", "Review is already open for this call.")


def test_reviewer_sees_only_proposals_without_conflict(opened):
    rid = opened["round"].pk
    titles = body(token_client(opened["r_kanji"]).get(f"{API}/review/rounds/{rid}/proposals"))
    assert sorted(item["project_id"] for item in titles["items"]) == sorted(
        [opened["p"]["p2"].project_id, opened["p"]["p3"].project_id]
    )
    assert (
        body(token_client(opened["officer"]).get(f"{API}/review/rounds/{rid}/proposals"))["count"]
        == 3
    )
    response = token_client(opened["candidate"]).get(f"{API}/review/rounds/{rid}/proposals")
    assert response.status_code == 404


def test_bid_and_declare(opened):
    p1, p3 = opened["p"]["p1"], opened["p"]["p3"]
    client = token_client(opened["r_ja"])
    response = client.put(
        f"{API}/review/proposals/{p3.pk}/bid", {"level": "eager"}, content_type="application/json"
    )
    assert body(response) == {"proposal_id": p3.pk, "level": "eager"}
    response = client.post(
        f"{API}/review/proposals/{p1.pk}/conflict",
        {"detail": "co-author"},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert body(response)["reason"] == "declared"
    # A detected conflict hides the proposal: 404, nothing changes.
    response = token_client(opened["r_kanji"]).put(
        f"{API}/review/proposals/{p1.pk}/bid", {"level": "eager"}, content_type="application/json"
    )
    assert response.status_code == 404
    response = client.put(
        f"{API}/review/proposals/{p3.pk}/bid", {"level": "keen"}, content_type="application/json"
    )
    assert response.status_code == 422


def test_runs_conflicts_assignments_officer_only(opened, django_capture_on_commit_callbacks):
    rid = opened["round"].pk
    reviewer = token_client(opened["r_en"])
    for path in (f"/review/rounds/{rid}/conflicts", f"/review/rounds/{rid}/assignments"):
        assert body(reviewer.get(API + path)) == error(403, "forbidden", ONLY_OFFICERS)
    officer = token_client(opened["officer"])
    conflicts = body(officer.get(f"{API}/review/rounds/{rid}/conflicts"))
    assert sorted(c["reason"] for c in conflicts["items"]) == [
        "co_supervision",
        "name_variant",
        "related_organisation",
    ]
    with django_capture_on_commit_callbacks(execute=True):
        response = officer.post(
            f"{API}/review/rounds/{rid}/runs", {"mode": "fair"}, content_type="application/json"
        )
    assert response.status_code == 202
    run_id = body(response)["id"]
    detail = body(officer.get(f"{API}/review/runs/{run_id}"))
    assert detail["done"] is True and detail["feasible"] is True
    assert sum(len(v) for v in detail["assignment"].values()) == 6
    response = officer.post(f"{API}/review/runs/{run_id}/apply")
    assert body(response)["applied"] is True
    assert body(officer.get(f"{API}/review/rounds/{rid}/assignments"))["count"] == 6
    p1 = opened["p"]["p1"]
    response = officer.post(
        f"{API}/review/rounds/{rid}/assignments",
        {"proposal_id": p1.pk, "reviewer_id": opened["r_kanji"].pk},
        content_type="application/json",
    )
    message = "Conflict of interest: Same name in another script (森本拓也 ~ Takuya Morimoto)."
    assert body(response) == error(422, "conflict", message, fields={"reviewer": [message]})
    response = reviewer.post(f"{API}/review/rounds/{rid}/release")
    assert body(response) == error(403, "forbidden", ONLY_OFFICERS)
    response = officer.post(f"{API}/review/rounds/{rid}/release")
    assert body(response)["status"] == "reviewing"


def test_reviewer_never_sees_a_proposal_not_assigned(released):
    assigned = Assignment.objects.filter(reviewer=released["r_ja"]).values_list(
        "proposal_id", flat=True
    )
    other = next(p for p in released["p"].values() if p.pk not in set(assigned))
    client = token_client(released["r_ja"])
    assert client.get(f"{API}/review/proposals/{other.pk}/reviews").status_code == 404
    mine = body(client.get(f"{API}/me/review-assignments"))
    assert sorted(a["proposal_id"] for a in mine["items"]) == sorted(assigned)
    # Not before release either: nothing while bidding.
    assert body(token_client(released["candidate"]).get(f"{API}/me/review-assignments")) == error(
        403, "forbidden", ONLY_REVIEWERS
    )


def test_others_reviews_only_after_submitting(released):
    p2 = released["p"]["p2"]
    first, second = Assignment.objects.filter(proposal=p2).order_by("pk")
    review_save(
        reviewer=second.reviewer,
        assignment=second,
        scores={"merit": 3, "feasibility": 3},
        comment_authors="OK.",
        submit=True,
    )
    client = token_client(first.reviewer)
    assert body(client.get(f"{API}/review/proposals/{p2.pk}/reviews"))["count"] == 0
    response = client.put(
        f"{API}/review/assignments/{first.pk}/review",
        {
            "scores": {"merit": 5, "feasibility": 4},
            "comment_authors": "良い計画です。",
            "language": "ja",
            "submit": True,
        },
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert body(response)["language"] == "ja"
    assert body(client.get(f"{API}/review/proposals/{p2.pk}/reviews"))["count"] == 2
    # Someone else's assignment: 404.
    other = token_client(
        released["r_kanji"] if first.reviewer != released["r_kanji"] else released["r_parent"]
    )
    response = other.put(
        f"{API}/review/assignments/{first.pk}/review",
        {"scores": {}},
        content_type="application/json",
    )
    assert response.status_code == 404


def test_decision_reaches_the_author_anonymised(released):
    p2 = released["p"]["p2"]
    first = Assignment.objects.filter(proposal=p2).order_by("pk").first()
    review_save(
        reviewer=first.reviewer,
        assignment=first,
        scores={"merit": 5, "feasibility": 4},
        comment_authors="良い計画です。",
        comment_committee="Fund it.",
        language="ja",
        submit=True,
    )
    response = token_client(released["r_en"]).post(
        f"{API}/review/proposals/{p2.pk}/decision",
        {"decision": "approve"},
        content_type="application/json",
    )
    assert response.status_code in (403, 404)
    response = token_client(released["officer"]).post(
        f"{API}/review/proposals/{p2.pk}/decision",
        {"decision": "approve", "note": "Well done."},
        content_type="application/json",
    )
    assert body(response)["decision"] == "approve"
    author = token_client(released["supervisors"]["grant"])
    assert body(author.get(f"{API}/me/review-decisions")) == {
        "items": [
            {
                "proposal_id": p2.pk,
                "title": "Decoding EEG for brain-computer interfaces",
                "decision": "approve",
                "note": "Well done.",
                "reviews": [
                    {
                        "number": 1,
                        "scores": {"merit": 5, "feasibility": 4},
                        "comment": "良い計画です。",
                        "language": "ja",
                    }
                ],
            }
        ],
        "count": 1,
    }
    assert (
        body(token_client(released["supervisors"]["sup3"]).get(f"{API}/me/review-decisions"))[
            "count"
        ]
        == 0
    )
    assert Review.objects.count() == 1


def test_profile(world):
    client = token_client(world["r_en"])
    response = client.put(
        f"{API}/me/reviewer-profile",
        {"expertise": "EEG", "languages": ["en", "fr"], "max_load": 2, "min_load": 3},
        content_type="application/json",
    )
    assert body(response)["error"]["code"] == "invalid"
    response = client.put(
        f"{API}/me/reviewer-profile",
        {"expertise": "EEG", "languages": ["en", "fr"], "max_load": 2},
        content_type="application/json",
    )
    assert body(response)["languages"] == ["en", "fr"]
    assert body(client.get(f"{API}/me/reviewer-profile"))["max_load"] == 2
    response = token_client(world["candidate"]).get(f"{API}/me/reviewer-profile")
    assert body(response) == error(403, "forbidden", ONLY_REVIEWERS)


# ------------------------------------------------------------------ query counts


def _more_proposals(world, n):
    from tests import factories

    # Imported here: the fixtures of this module need no factories otherwise.
    for i in range(n):
        factories.ProjectFactory(call=world["call"], status="submitted", key=f"extra-{i}")


@pytest.mark.parametrize("extra", [0, 2])
def test_list_queries_are_fixed(
    world, extra, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    """1 and 3 rows of every list (runs, assignments, decisions included) cost the same."""
    _more_proposals(world, extra)
    rnd = open_round(world)
    for _i in range(1 + extra):
        started = run(world, rnd, django_capture_on_commit_callbacks)
    assignment_apply(actor=world["officer"], run=started)
    assignment_release(actor=world["officer"], round=rnd)
    for a in Assignment.objects.filter(reviewer=world["r_ja"]):
        review_save(
            reviewer=world["r_ja"],
            assignment=a,
            scores={"merit": 3, "feasibility": 3},
            comment_authors="x",
            submit=True,
        )
    from kakehashi.review.services import proposal_decide

    for p in rnd.proposals.filter(assignments__reviewer=world["r_ja"]):
        proposal_decide(actor=world["officer"], proposal=p, decision="approve")
    officer = token_client(world["officer"])
    for client, path in (
        (officer, f"/review/rounds/{rnd.pk}/proposals"),
        (officer, f"/review/rounds/{rnd.pk}/conflicts"),
        (officer, f"/review/rounds/{rnd.pk}/assignments"),
        (officer, f"/review/rounds/{rnd.pk}/runs"),
        (officer, "/review/rounds"),
        (token_client(world["r_ja"]), "/me/review-assignments"),
        (token_client(world["supervisors"]["morimoto"]), "/me/review-decisions"),
        (token_client(world["supervisors"]["sup3"]), "/me/review-decisions"),
    ):
        with django_assert_max_num_queries(12):
            assert client.get(API + path).status_code == 200
