"""A proposal's discussion between its reviewers: who reads and posts it (pages and
API), the one error shape, query counts."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kakehashi.audit.models import AuditEntry
from kakehashi.review.models import Assignment, DiscussionComment
from kakehashi.review.services import (
    assignment_apply,
    assignment_release,
    comment_post,
    review_save,
)
from tests.kakehashi.api_helpers import API, body, error, session_client, token_client
from tests.kakehashi.review.helpers import open_round, run

pytestmark = pytest.mark.django_db

SUBMIT_FIRST = (
    "The discussion opens once every reviewer of this proposal has submitted their review."
)


def _submit(assignment, comment="Sound plan."):
    return review_save(
        reviewer=assignment.reviewer,
        assignment=assignment,
        scores={"merit": 4, "feasibility": 3},
        comment_authors=comment,
        submit=True,
    )


@pytest.fixture
def released(world, django_capture_on_commit_callbacks):
    rnd = open_round(world)
    assignment_apply(
        actor=world["officer"], run=run(world, rnd, django_capture_on_commit_callbacks)
    )
    assignment_release(actor=world["officer"], round=rnd)
    p2 = rnd.proposals.get(project__key="p2")
    first, second = Assignment.objects.filter(proposal=p2).order_by("pk")
    assigned = {first.reviewer_id, second.reviewer_id}
    outsider = next(
        world[k]
        for k in ("r_en", "r_ja", "r_kanji", "r_parent", "r_co")
        if world[k].pk not in assigned
    )
    return {
        **world,
        "round": rnd,
        "p2": p2,
        "first": first,
        "second": second,
        "outsider": outsider,
    }


def test_api_discussion_per_role(released):
    p2, first, second = released["p2"], released["first"], released["second"]
    path = f"{API}/review/proposals/{p2.pk}/comments"
    post = {"text": "I scored feasibility low: the EEG rig is not budgeted."}
    # Nobody but its released reviewers and officers knows the proposal: 404.
    for who in (released["outsider"], released["supervisors"]["grant"], released["candidate"]):
        client = token_client(who)
        assert client.get(path).status_code == 404
        assert client.post(path, post, content_type="application/json").status_code == 404
    assert Client().get(path).status_code == 401
    # A reviewer of it, before submitting their own review: refused, with the reason.
    client = token_client(first.reviewer)
    assert body(client.get(path)) == error(403, "forbidden", SUBMIT_FIRST)
    response = client.post(path, post, content_type="application/json")
    assert body(response) == error(403, "forbidden", SUBMIT_FIRST)
    # Having submitted is not enough while another review of it is still to come.
    _submit(second)
    client = token_client(second.reviewer)
    assert body(client.get(path)) == error(403, "forbidden", SUBMIT_FIRST)
    # Officers read and post at any time.
    officer = token_client(released["officer"])
    response = officer.post(path, {"text": "Noted."}, content_type="application/json")
    assert response.status_code == 201
    # Once every reviewer has submitted, they read and post.
    _submit(first)
    assert body(client.get(path))["count"] == 1
    response = client.post(path, post, content_type="application/json")
    assert response.status_code == 201
    posted = body(response)
    assert (posted["proposal_id"], posted["author_id"], posted["text"]) == (
        p2.pk,
        second.reviewer_id,
        post["text"],
    )
    assert [c["text"] for c in body(officer.get(path))["items"]] == ["Noted.", post["text"]]
    assert body(token_client(first.reviewer).get(path))["count"] == 2
    # One error shape for a bad comment (422, naming the field).
    message = "Write a comment."
    response = officer.post(path, {"text": "   "}, content_type="application/json")
    assert body(response) == error(422, "empty", message, fields={"text": [message]})
    response = officer.post(path, {"text": "x" * 10_001}, content_type="application/json")
    assert response.status_code == 422
    assert body(response)["error"]["fields"].keys() == {"text"}
    assert AuditEntry.objects.filter(verb="review.commented").count() == 2


def test_authors_never_see_the_discussion(released):
    _submit(released["first"])
    _submit(released["second"])
    comment_post(actor=released["second"].reviewer, proposal=released["p2"], text="Private.")
    author = released["supervisors"]["grant"]
    page = session_client(author).get(reverse("review:discussion", args=[released["p2"].pk]))
    assert page.status_code == 404
    assert body(token_client(author).get(f"{API}/me/review-decisions"))["count"] == 0


def test_discussion_page_per_role(released):
    p2, first, second = released["p2"], released["first"], released["second"]
    url = reverse("review:discussion", args=[p2.pk])
    response = Client().get(url)
    assert response.status_code == 302 and "/login/" in response["Location"]
    for who in (released["outsider"], released["supervisors"]["grant"], first.reviewer):
        assert session_client(who).get(url).status_code == 404
        assert session_client(who).post(url, {"text": "x"}).status_code == 404
    # Submitted, but another review of it is still to come: closed, and the review
    # page says so instead of linking to it.
    _submit(second)
    client = session_client(second.reviewer)
    assert client.get(url).status_code == 404
    review_page = client.get(reverse("review:review", args=[second.pk])).content.decode()
    assert url not in review_page
    assert "The discussion opens once every reviewer of this proposal" in review_page
    _submit(first)
    page = client.get(url).content.decode()
    assert "No comment yet." in page and "The authors never see it." in page
    response = client.post(url, {"text": "Budget looks thin."})
    assert response.status_code == 302 and response["Location"] == url
    assert DiscussionComment.objects.get().text == "Budget looks thin."
    assert client.post(url, {"text": ""}).status_code == 400
    page = session_client(released["officer"]).get(url).content.decode()
    assert "Budget looks thin." in page
    # Open now: the review page links to it.
    review_page = client.get(reverse("review:review", args=[second.pk])).content.decode()
    assert url in review_page


def test_reviewers_of_other_proposals_never_see_its_reviews_or_comments(released):
    """A reviewer who submitted their review of another proposal still sees nothing of
    this one."""
    outsider = released["outsider"]
    theirs = Assignment.objects.filter(reviewer=outsider).first()
    if theirs is not None:
        _submit(theirs)
    _submit(released["first"])
    _submit(released["second"])
    comment_post(actor=released["second"].reviewer, proposal=released["p2"], text="Hidden.")
    client = token_client(outsider)
    p2 = released["p2"].pk
    assert client.get(f"{API}/review/proposals/{p2}/reviews").status_code == 404
    assert client.get(f"{API}/review/proposals/{p2}/comments").status_code == 404


def test_discussion_queries_are_fixed(released):
    """1 and 3 comments cost the same queries, on the page and in the API."""
    _submit(released["first"])
    _submit(released["second"])
    officer_page = session_client(released["officer"])
    api = token_client(released["second"].reviewer)
    url = reverse("review:discussion", args=[released["p2"].pk])
    api_url = f"{API}/review/proposals/{released['p2'].pk}/comments"
    counts = []
    for batch in (1, 2):
        for i in range(batch):
            comment_post(actor=released["officer"], proposal=released["p2"], text=f"C{i}")
        with CaptureQueriesContext(connection) as page_queries:
            assert officer_page.get(url).status_code == 200
        with CaptureQueriesContext(connection) as api_queries:
            assert body(api.get(api_url))["count"] == DiscussionComment.objects.count()
        counts.append((len(page_queries), len(api_queries)))
    assert counts[0] == counts[1]
