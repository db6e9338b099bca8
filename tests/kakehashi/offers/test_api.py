"""API of results, offers and interns: the same services as the pages, one error shape."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from kakehashi.offers.models import Offer
from tests import factories
from tests.kakehashi.api_helpers import API, body, error, session_client, token_client
from tests.kakehashi.offers.test_views import _extra_call

OFFER_FIELDS = {"id", "status", "deadline", "deadline_in_call_zone", "responded_at", "project"}


def test_my_results_lists_placement_reasons_and_offer(world, published):
    client = token_client(world.candidate)

    data = body(client.get(f"{API}/me/results"))

    assert data["count"] == 1
    [item] = data["items"]
    assert item["call"] == {
        "id": world.call.pk,
        "slug": "summer",
        "name": "2027 Summer",
        "timezone": "Asia/Tokyo",
    }
    [entry] = item["rounds"]
    assert {k: entry[k] for k in ("run_id", "round", "placed", "rank", "list_length")} == {
        "run_id": published.run.pk,
        "round": 1,
        "placed": True,
        "rank": 2,
        "list_length": 2,
    }
    assert entry["project"]["key"] == "eeg-decoding"
    assert entry["better_choices"] == [
        {
            "project_key": "robotics",
            "project_title": "ロボット制御の研究",
            "rank": 1,
            "reason": "project_full",
            "your_position": 2,
            "cutoff_position": 1,
            "message": "Your choice 1, “ロボット制御の研究”: all its places went to candidates "
            "its host ranked higher than you. On the host's list you were number 2; the last "
            "candidate admitted was number 1.",
        }
    ]
    assert set(entry["offer"]) == OFFER_FIELDS
    assert (entry["offer"]["id"], entry["offer"]["status"]) == (published.offer.pk, "pending")
    assert entry["offer"]["deadline"] == "2027-03-01T09:00:00Z"
    assert entry["offer"]["deadline_in_call_zone"] == "2027-03-01T18:00:00+09:00"


def test_my_results_unplaced_has_no_offer(world, published):
    data = body(token_client(world.third).get(f"{API}/me/results"))

    [entry] = data["items"][0]["rounds"]
    assert (entry["placed"], entry["project"], entry["offer"]) == (False, None, None)
    assert entry["better_choices"][0]["reason"] == "project_full"


def test_accept_endpoint_accepts(world, published):
    response = token_client(world.candidate).post(f"{API}/offers/{published.offer.pk}/accept")

    data = body(response)
    assert (response.status_code, data["status"], data["project"]["key"]) == (
        200,
        "accepted",
        "eeg-decoding",
    )
    published.offer.refresh_from_db()
    assert published.offer.status == "accepted"


def test_decline_endpoint_declines(world, published):
    response = token_client(world.candidate).post(f"{API}/offers/{published.offer.pk}/decline")

    assert (response.status_code, body(response)["status"]) == (200, "declined")


def test_accept_endpoint_after_deadline_is_422_naming_it(world, published):
    Offer.objects.filter(pk=published.offer.pk).update(
        deadline=dt.datetime(2026, 1, 15, 3, 0, tzinfo=dt.UTC)
    )

    response = token_client(world.candidate).post(f"{API}/offers/{published.offer.pk}/accept")

    assert response.status_code == 422
    assert body(response) == error(
        422,
        "deadline_passed",
        "The deadline to answer this offer has passed: it was Jan. 15, 2026, noon (Asia/Tokyo).",
    )


def test_accept_endpoint_twice_is_422(world, published):
    client = token_client(world.candidate)
    client.post(f"{API}/offers/{published.offer.pk}/accept")

    response = client.post(f"{API}/offers/{published.offer.pk}/decline")

    assert body(response) == error(
        422, "already_answered", "This offer has already been answered: Accepted."
    )


@pytest.mark.parametrize("action", ["accept", "decline"])
@pytest.mark.parametrize("who", ["other_candidate", "supervisor", "officer"])
def test_answer_endpoint_someone_elses_offer_is_404(world, published, action, who):
    response = token_client(getattr(world, who)).post(f"{API}/offers/{published.offer.pk}/{action}")

    assert (response.status_code, body(response)) == (404, error(404, "not_found", "Not found."))
    published.offer.refresh_from_db()
    assert published.offer.status == "pending"


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", "/me/results"),
        ("get", "/me/interns"),
        ("post", "/offers/1/accept"),
        ("post", "/offers/1/decline"),
    ],
)
def test_endpoints_anonymous_is_401(db, method, url):
    response = getattr(Client(), method)(API + url)

    assert (response.status_code, body(response)["error"]["code"]) == (401, "not_authenticated")


def test_answer_endpoint_with_session_needs_csrf(world, published):
    client = session_client(world.candidate, enforce_csrf=True)

    response = client.post(f"{API}/offers/{published.offer.pk}/accept")

    assert (response.status_code, body(response)["error"]["code"]) == (403, "forbidden")


@pytest.mark.parametrize(
    ("who", "status"),
    [("candidate", 200), ("other_candidate", 200), ("supervisor", 403), ("officer", 403)],
)
def test_my_results_permissions(world, published, who, status):
    response = token_client(getattr(world, who)).get(f"{API}/me/results")

    assert response.status_code == status
    if status == 403:
        assert body(response) == error(403, "forbidden", "Only candidates have match results.")


@pytest.mark.parametrize(
    ("who", "status"),
    [("candidate", 403), ("other_candidate", 403), ("supervisor", 200), ("officer", 403)],
)
def test_my_interns_permissions(world, published, who, status):
    response = token_client(getattr(world, who)).get(f"{API}/me/interns")

    assert response.status_code == status
    if status == 403:
        assert body(response) == error(403, "forbidden", "Only host supervisors have interns.")


def test_my_interns_lists_offers_and_cutoff(world, published):
    data = body(token_client(world.other_supervisor).get(f"{API}/me/interns"))

    [item] = data["items"]
    assert (item["project"]["key"], item["call"]["slug"]) == ("robotics", "summer")
    assert item["cutoffs"] == [
        {
            "round": 1,
            "capacity": 1,
            "filled": 1,
            "candidate": {"id": world.other_candidate.pk, "display_name": "Chloé Roy"},
            "position": 1,
        }
    ]
    assert [(o["id"], o["round"], o["status"]) for o in item["offers"]] == [
        (published.other_offer.pk, 1, "pending")
    ]


def test_my_results_lapses_stale_offers(world, published):
    Offer.objects.filter(pk=published.offer.pk).update(
        deadline=dt.datetime(2026, 1, 15, 3, 0, tzinfo=dt.UTC)
    )

    data = body(token_client(world.candidate).get(f"{API}/me/results"))

    assert data["items"][0]["rounds"][0]["offer"]["status"] == "lapsed"


@pytest.mark.parametrize(
    ("url", "who"), [("/me/results", "candidate"), ("/me/interns", "supervisor")]
)
def test_list_endpoints_queries_do_not_grow(world, published, django_assert_num_queries, url, who):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = token_client(getattr(world, who))
    with CaptureQueriesContext(connection) as ctx:
        first = client.get(API + url)
    for n in range(2):
        candidate = world.candidate if who == "candidate" else factories.candidate()
        _extra_call(n, candidate=candidate, supervisor=world.supervisor)

    with django_assert_num_queries(len(ctx.captured_queries)):
        second = client.get(API + url)
    assert [body(r)["count"] for r in (first, second)] == [1, 3]
