"""The match-run API: the same services as the pages, the one error shape."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kakehashi.matching.models import MatchRun
from kakehashi.matching.services import run_publish
from kakehashi.offers.models import Offer
from tests.kakehashi.api_helpers import API, body, error, session_client, token_client
from tests.kakehashi.matching.conftest import cid, close_phase, open_phase

ONLY_OFFICERS = "Only program officers run, publish and export matches."


def _post(client, url, payload=None):
    return client.post(url, payload or {}, content_type="application/json")


def test_start_run_returns_the_finished_run(market, django_capture_on_commit_callbacks):
    client = token_client(market.officer)

    with django_capture_on_commit_callbacks(execute=True):
        response = _post(client, f"{API}/calls/{market.call.pk}/runs", {"label": "api", "seed": 2})

    assert response.status_code == 202
    run = MatchRun.objects.get()
    data = body(client.get(f"{API}/runs/{run.pk}"))
    assert {
        k: data[k] for k in ("id", "round", "label", "mode", "seed", "status", "published")
    } == {
        "id": run.pk,
        "round": 1,
        "label": "api",
        "mode": "student",
        "seed": 2,
        "status": "done",
        "published": False,
    }
    assert data["progress"] == {"done": 4, "total": 4, "percent": 100, "message": "Done"}
    assert (data["input_hash"], data["engine_version"]) == (run.input_hash, run.engine_version)
    assert (data["placements"], data["mean_rank"], data["blocking_pairs"]) == (2, 1.5, 0)
    assert data["summary"]["unmatched"] == 2


def test_start_run_refused_when_phase_closed(market):
    close_phase(market.call, "matching")

    response = _post(token_client(market.officer), f"{API}/calls/{market.call.pk}/runs")

    data = body(response)
    assert (response.status_code, data["error"]["code"]) == (422, "phase_closed")
    assert data["error"]["message"].startswith("The Matching phase closed on")


def test_start_run_caps_need_student_mode(market):
    payload = {
        "mode": "host",
        "caps": [{"label": "K", "kind": "region", "values": ["JP-13"], "capacity": 1}],
    }

    response = _post(token_client(market.officer), f"{API}/calls/{market.call.pk}/runs", payload)

    assert response.status_code == 422
    assert body(response)["error"]["code"] == "caps_need_student_mode"
    assert body(response)["error"]["fields"] == {
        "mode": [
            "Caps are applied only by student-proposing matching; "
            "choose that mode or remove the caps."
        ]
    }


@pytest.mark.parametrize("user", ["c1", "sup_a"])
def test_call_endpoints_are_403_for_non_officers(market, start, user):
    client = token_client(getattr(market, user))
    base = f"{API}/calls/{market.call.pk}"

    for response in (
        client.get(f"{base}/runs"),
        _post(client, f"{base}/runs"),
        client.get(f"{base}/audit"),
        client.get(f"{base}/audit/export?format=csv"),
        client.get(f"{base}/compare?a=1&b=1"),
    ):
        assert (response.status_code, body(response)) == (
            403,
            error(403, "forbidden", ONLY_OFFICERS),
        )


@pytest.mark.parametrize("user", ["c1", "sup_a"])
def test_run_endpoints_are_404_for_non_officers(market, start, user):
    run = start(market)
    client = token_client(getattr(market, user))

    for response in (
        client.get(f"{API}/runs/{run.pk}"),
        _post(client, f"{API}/runs/{run.pk}/publish"),
        client.get(f"{API}/runs/{run.pk}/publish-preview"),
        _post(client, f"{API}/runs/{run.pk}/second-round"),
        client.get(f"{API}/runs/{run.pk}/export?format=csv"),
    ):
        assert (response.status_code, body(response)) == (
            404,
            error(404, "not_found", "Not found."),
        )
    assert not Offer.objects.exists()


def test_publish_and_refuse_second(market, start):
    first, second = start(market), start(market)
    client = token_client(market.officer)

    ok = _post(client, f"{API}/runs/{first.pk}/publish")
    refused = _post(client, f"{API}/runs/{second.pk}/publish")

    assert (ok.status_code, body(ok)["published"]) == (200, True)
    assert (refused.status_code, body(refused)) == (
        422,
        error(
            422, "round_published", f"Round 1 of this call is already published (run {first.pk})."
        ),
    )
    assert Offer.objects.filter(run=first).count() == 2


def test_second_round(market, start, django_capture_on_commit_callbacks):
    base = start(market)
    run_publish(run=base, user=market.officer)
    Offer.objects.filter(run=base, candidate=market.c1).update(status="declined")
    close_phase(market.call, "matching")
    open_phase(market.call, "offers")
    client = token_client(market.officer)

    with django_capture_on_commit_callbacks(execute=True):
        response = _post(
            client, f"{API}/runs/{base.pk}/second-round", {"mode": "student", "seed": 1}
        )

    data = body(response)
    assert (response.status_code, data["round"], data["base_run_id"]) == (202, 2, base.pk)
    run = MatchRun.objects.get(round=2)
    assert run.result["assignments"] == {cid(market.c3): "p-b", cid(market.c4): None}


def test_compare(market, start):
    a = start(market)
    caps = [{"label": "Kanto", "kind": "region", "values": ["JP-13"], "capacity": 0}]
    b = start(market, policy={"caps": caps})

    data = body(
        token_client(market.officer).get(f"{API}/calls/{market.call.pk}/compare?a={a.pk}&b={b.pk}")
    )

    assert data["moves"] == [
        {"candidate": cid(market.c1), "a": "p-b", "b": None, "rank_a": 2, "rank_b": None}
    ]
    assert data["metrics"][0] == {"metric": "placements", "a": 2.0, "b": 1.0, "delta": -1.0}
    assert data["flows"]["sector"] == [
        {"key": "company", "a": 1, "b": 0},
        {"key": "university", "a": 1, "b": 1},
    ]
    assert (data["same_input"], data["same_market"]) == (False, True)


def test_exports(market, start):
    run = start(market)
    client = token_client(market.officer)

    as_json = client.get(f"{API}/runs/{run.pk}/export")
    as_csv = client.get(f"{API}/runs/{run.pk}/export?format=csv")
    as_xlsx = client.get(f"{API}/runs/{run.pk}/export?format=xlsx")
    audit = client.get(f"{API}/calls/{market.call.pk}/audit/export?format=csv")

    assert [r["project"] for r in body(as_json)] == ["p-b", "p-a", "", ""]
    assert [r["project"] for r in csv.DictReader(io.StringIO(as_csv.content.decode()))] == [
        "p-b",
        "p-a",
        "",
        "",
    ]
    assert (
        as_xlsx["Content-Type"]
        == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert as_xlsx.content[:2] == b"PK"
    assert [r["verb"] for r in csv.DictReader(io.StringIO(audit.content.decode()))] == [
        "run.started",
        "run.finished",
    ]


def test_export_of_unfinished_run_is_422(market):
    run = MatchRun.objects.create(call=market.call, status="running")

    response = token_client(market.officer).get(f"{API}/runs/{run.pk}/export")

    assert (response.status_code, body(response)) == (
        422,
        error(422, "not_done", "Only a finished run can be exported."),
    )


def test_audit_list(market, start):
    run = start(market)

    data = body(token_client(market.officer).get(f"{API}/calls/summer/audit"))

    assert data["count"] == 2
    assert [(e["verb"], e["actor"], e["target"]) for e in data["items"]] == [
        ("run.started", "officer-m", f"run {run.pk}"),
        ("run.finished", "officer-m", f"run {run.pk}"),
    ]


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("rows", [1, 3])
def test_list_queries_do_not_grow(market, start, rows):
    for _ in range(rows):
        start(market)
    client = token_client(market.officer)
    assert _count(client, f"{API}/calls/{market.call.pk}/runs") == LIST_QUERIES
    assert _count(client, f"{API}/calls/{market.call.pk}/audit") == LIST_QUERIES


#: The token with its user, the call, its phases, the page (shorter than the limit: no COUNT).
LIST_QUERIES = 4


def test_publish_preview_says_what_the_confirmation_page_says(market, start):
    run = start(market)
    client = token_client(market.officer)

    data = body(client.get(f"{API}/runs/{run.pk}/publish-preview"))

    assert data == {
        "run_id": run.pk,
        "round": 1,
        "publishable": True,
        "refusal": None,
        "irreversible": True,
        "candidates": 4,
        "offers": 2,
        "unplaced": 2,
        "supervisors": 2,
        "mails": 6,
        "consequences": [
            "2 offers are made (one per placed candidate).",
            "2 candidates are told they were not placed.",
            "6 mails are sent (4 to candidates, 2 to supervisors).",
        ],
    }
    page = session_client(market.officer).get(f"/runs/{run.pk}/publish/").content.decode()
    for sentence in data["consequences"]:
        assert f"<li>{sentence}</li>" in page
    assert not MatchRun.objects.get(pk=run.pk).is_published and not Offer.objects.exists()


def test_publish_preview_of_a_published_run_says_why_not(market, start):
    run = start(market)
    run_publish(run=run, user=market.officer)
    data = body(token_client(market.officer).get(f"{API}/runs/{run.pk}/publish-preview"))
    assert (data["publishable"], data["refusal"]) == (False, "This run is already published.")


def test_publish_preview_asks_anonymous_callers_to_authenticate(market, start, client):
    run = start(market)
    response = client.get(f"{API}/runs/{run.pk}/publish-preview")
    assert (response.status_code, body(response)["error"]["code"]) == (401, "not_authenticated")
