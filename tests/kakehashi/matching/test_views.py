"""Officers' pages of the match: runs, one run, comparison, publishing, files."""

import csv
import io
import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from kakehashi.matching.models import MatchRun
from kakehashi.matching.services import run_publish
from kakehashi.offers.models import Offer
from tests import factories
from tests.kakehashi.api_helpers import session_client
from tests.kakehashi.matching.conftest import cid, close_phase, open_phase

HTMX = {"hx-request": "true"}


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, response.content[:500]
    return len(ctx.captured_queries)


def _urls(market, run) -> list[str]:
    slug = market.call.slug
    return [
        reverse("matching:runs", args=[slug]),
        reverse("matching:run", args=[run.pk]),
        reverse("matching:compare", args=[slug]) + f"?a={run.pk}&b={run.pk}",
        reverse("matching:export", args=[run.pk, "csv"]),
        reverse("matching:export", args=[run.pk, "xlsx"]),
        reverse("matching:export", args=[run.pk, "json"]),
        reverse("matching:audit", args=[slug, "csv"]),
        reverse("matching:audit", args=[slug, "json"]),
    ]


# Who may see ----------------------------------------------------------------------


def test_pages_are_officers_only(market, start, client):
    run = start(market)
    urls = _urls(market, run)
    assert urls[:2] == ["/calls/summer/runs/", f"/runs/{run.pk}/"]
    for url in urls:
        assert client.get(url)["Location"].startswith(reverse("login")), url
        for user in (market.c1, market.sup_a):
            assert session_client(user).get(url).status_code == 404, (url, user)
        assert session_client(market.officer).get(url).status_code == 200, url


@pytest.mark.parametrize("user", ["c1", "sup_a"])
def test_posts_are_404_for_non_officers(market, start, user):
    run = start(market)
    client = session_client(getattr(market, user))

    assert (
        client.post(reverse("matching:runs", args=["summer"]), {"mode": "student"}).status_code
        == 404
    )
    assert client.post(reverse("matching:publish", args=[run.pk])).status_code == 404
    assert client.post(reverse("offers:second_round", args=["summer"])).status_code == 404
    assert MatchRun.objects.count() == 1 and not Offer.objects.exists()


def test_unknown_call_and_run_are_404(market):
    client = session_client(market.officer)

    assert client.get("/calls/nope/runs/").status_code == 404
    assert client.get("/runs/999/").status_code == 404


# Runs of a call ---------------------------------------------------------------------


def test_start_run_from_the_form(market, django_capture_on_commit_callbacks):
    client = session_client(market.officer)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/calls/summer/runs/",
            {"label": "baseline", "mode": "student", "seed": "4", "cap_by": ""},
        )

    run = MatchRun.objects.get()
    assert (response.status_code, response["Location"]) == (302, f"/runs/{run.pk}/")
    assert (run.label, run.mode, run.seed, run.status) == ("baseline", "student", 4, "done")
    html = client.get(f"/runs/{run.pk}/").content.decode()
    assert "The run has started." in html


def test_start_run_with_caps_from_the_form(market, django_capture_on_commit_callbacks):
    client = session_client(market.officer)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/calls/summer/runs/",
            {"mode": "student", "seed": "0", "cap_by": "region", "caps": "JP-13 JP-14 = 0"},
        )

    run = MatchRun.objects.get()
    assert run.mode == "flexible"
    assert run.policy["caps"] == [
        {
            "label": "JP-13+JP-14",
            "kind": "region",
            "values": ["JP-13", "JP-14"],
            "capacity": 0,
            "reserves": {},
        }
    ]
    assert run.result["assignments"][cid(market.c1)] is None


def test_start_run_refusal_is_shown_on_the_form(market):
    close_phase(market.call, "matching")

    response = session_client(market.officer).post(
        "/calls/summer/runs/", {"mode": "student", "seed": "0", "cap_by": ""}
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "The Matching phase closed on" in html
    assert MatchRun.objects.count() == 0


def test_start_run_caps_with_host_mode_refused_on_the_form(market):
    response = session_client(market.officer).post(
        "/calls/summer/runs/",
        {"mode": "host", "seed": "0", "cap_by": "direction", "caps": "CA_JP = 1"},
    )

    assert "Caps are applied only by student-proposing matching" in response.content.decode()
    assert MatchRun.objects.count() == 0


def test_runs_page_lists_runs(market, start):
    run = start(market, label="baseline")

    html = session_client(market.officer).get("/calls/summer/runs/").content.decode()

    assert f'<a href="/runs/{run.pk}/">Run {run.pk}</a>' in html
    assert "baseline" in html
    assert 'href="/calls/summer/audit.csv"' in html


@pytest.mark.parametrize("rows", [1, 3])
def test_runs_page_queries_do_not_grow(market, start, rows):
    for _ in range(rows):
        start(market)
    assert _queries(session_client(market.officer), "/calls/summer/runs/") == RUNS_QUERIES


RUNS_QUERIES = 7


# One run ------------------------------------------------------------------------------


def test_run_page_shows_certificate_fill_ranks_and_unmatched(market, start):
    run = start(market)

    html = session_client(market.officer).get(f"/runs/{run.pk}/").content.decode()

    assert "Every capacity is respected (project, supervisor, organisation)." in html
    assert "0 blocking pairs" in html
    assert run.input_hash in html
    assert "Engine version" in html
    assert '<svg class="chart"' in html and 'role="img"' in html
    assert "Tokyo Robotics KK" in html
    assert "Sam Cand3" in html
    assert "every ranked project was full with candidates ranked higher" in html
    assert "no host of a ranked project ranked this candidate" in html
    assert "Supervisors who ranked nobody: 1" in html
    assert "Publish this run" in html
    assert " style=" not in html
    assert "hx-trigger" not in html


def test_run_page_polls_while_the_run_is_queued(market):
    run = MatchRun.objects.create(call=market.call, status="queued")
    client = session_client(market.officer)

    fragment = client.get(f"/runs/{run.pk}/", headers=HTMX).content.decode()

    assert fragment.lstrip().startswith(f'<div id="run-{run.pk}" class="run-body"')
    assert f'hx-get="/runs/{run.pk}/" hx-trigger="every 1s"' in fragment
    assert "<progress" in fragment


@pytest.mark.parametrize("rows", [1, 3])
def test_run_page_queries_do_not_grow(market, start, rows):
    for n in range(rows):
        extra = factories.candidate(user__username=f"extra-{n}")
        factories.ApplicationFactory(candidate=extra, project=market.p_c, rank=1)
    run = start(market)
    assert _queries(session_client(market.officer), f"/runs/{run.pk}/") == RUN_QUERIES


RUN_QUERIES = 9


def test_publish_from_the_run_page(market, start):
    run = start(market)
    client = session_client(market.officer)

    response = client.post(f"/runs/{run.pk}/publish/")

    assert (response.status_code, response["Location"]) == (302, f"/runs/{run.pk}/")
    html = client.get(f"/runs/{run.pk}/").content.decode()
    assert "The run is published and its offers have been made." in html
    assert '<span class="published-badge">Published</span>' in html
    assert "Publish this run" not in html
    assert Offer.objects.filter(run=run).count() == 2


def test_publish_refusal_is_a_message(market, start):
    first, second = start(market), start(market)
    run_publish(run=first, user=market.officer)
    client = session_client(market.officer)

    client.post(f"/runs/{second.pk}/publish/")

    html = client.get(f"/runs/{second.pk}/").content.decode()
    assert f"Round 1 of this call is already published (run {first.pk})." in html


def test_second_round_from_the_runs_page(market, start, django_capture_on_commit_callbacks):
    base = start(market)
    run_publish(run=base, user=market.officer)
    Offer.objects.filter(run=base, candidate=market.c1).update(status="lapsed")
    close_phase(market.call, "matching")
    open_phase(market.call, "offers")
    client = session_client(market.officer)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/calls/summer/runs/second-round/", {"mode": "student", "seed": "0"})

    run = MatchRun.objects.get(round=2)
    assert response["Location"] == f"/runs/{run.pk}/"
    assert run.result["assignments"] == {cid(market.c3): "p-b", cid(market.c4): None}


def test_runs_page_forms_have_unique_ids_and_labels(market, start):
    """The start form and the round-two form share field names; each label must name
    its own form's field (they once both pointed at id_label, id_mode, id_seed)."""
    run_publish(run=start(market), user=market.officer)

    html = session_client(market.officer).get("/calls/summer/runs/").content.decode()

    ids = re.findall(r'\sid="([^"]+)"', html)
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    for name in ("label", "mode", "seed"):
        assert f'<label for="id_round2_{name}">' in html
        assert f'id="id_round2_{name}"' in html and f'id="id_{name}"' in html


# Comparison --------------------------------------------------------------------------


def test_compare_shows_moves_figures_and_charts(market, start):
    a = start(market)
    caps = [{"label": "Kanto", "kind": "region", "values": ["JP-13"], "capacity": 0}]
    b = start(market, policy={"caps": caps})

    html = (
        session_client(market.officer)
        .get(f"/calls/summer/compare/?a={a.pk}&b={b.pk}")
        .content.decode()
    )

    assert "1 candidate moves" in html
    assert "Alex Cand1" in html and "Robot hands" in html and "not placed" in html
    # Ranks, four flows and the flows by home country (balanced exchange's figures).
    assert html.count('<svg class="chart"') == 6
    assert '<title id="flow-sector-title">Placements per sector</title>' in html
    assert "Both runs solved the same rank lists and capacities; only their caps differ." in html
    ids = re.findall(r' id="([^"]+)"', html)
    assert len(ids) == len(set(ids))
    assert " style=" not in html


def test_compare_refuses_runs_of_another_call(market, start):
    a = start(market)
    other = MatchRun.objects.create(call=factories.CallFactory(), status="done")

    html = (
        session_client(market.officer)
        .get(f"/calls/summer/compare/?a={a.pk}&b={other.pk}")
        .content.decode()
    )

    assert "Choose two runs of this call." in html


@pytest.mark.parametrize("rows", [1, 3])
def test_compare_queries_do_not_grow(market, start, rows):
    a = start(market)
    for n in range(rows):
        extra = factories.candidate(user__username=f"extra-{n}")
        factories.ApplicationFactory(candidate=extra, project=market.p_b, rank=1)
        factories.HostRankFactory(
            supervisor=market.sup_b, call=market.call, candidate=extra, rank=10 + n
        )
    b = start(market)
    url = f"/calls/summer/compare/?a={a.pk}&b={b.pk}"
    assert _queries(session_client(market.officer), url) == COMPARE_QUERIES


# One more than before the balanced exchange: the organisations of the flows by home.
COMPARE_QUERIES = 10


# Files -------------------------------------------------------------------------------


def test_export_csv_lists_every_candidate(market, start):
    run = start(market)

    response = session_client(market.officer).get(f"/runs/{run.pk}/export.csv")

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="run-{run.pk}-assignments.csv"'
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [
        (r["candidate"], r["project"], r["rank"], r["host"], r["supervisor"]) for r in rows
    ] == [
        ("Alex Cand1", "p-b", "2", "Tokyo Robotics KK", "Ben Baba"),
        ("Chloé Cand2", "p-a", "1", "Kyoto Test University", "Aiko Abe"),
        ("Sam Cand3", "", "", "", ""),
        ("Yui Cand4", "", "", "", ""),
    ]


def test_export_xlsx_and_json_hold_the_same_rows(market, start):
    run = start(market)
    client = session_client(market.officer)

    book = load_workbook(io.BytesIO(client.get(f"/runs/{run.pk}/export.xlsx").content))
    data = json.loads(client.get(f"/runs/{run.pk}/export.json").content)

    sheet = list(book.active.iter_rows(values_only=True))
    assert sheet[0] == (
        "run",
        "round",
        "candidate_id",
        "candidate",
        "project",
        "project_title",
        "rank",
        "host",
        "supervisor",
    )
    assert sheet[1][3:5] == ("Alex Cand1", "p-b")
    assert [(r["candidate_id"], r["project"], r["rank"]) for r in data] == [
        (market.c1.pk, "p-b", 2),
        (market.c2.pk, "p-a", 1),
        (market.c3.pk, "", None),
        (market.c4.pk, "", None),
    ]


def test_audit_export(market, start):
    run = start(market)
    client = session_client(market.officer)

    rows = list(csv.DictReader(io.StringIO(client.get("/calls/summer/audit.csv").content.decode())))
    data = json.loads(client.get("/calls/summer/audit.json").content)

    assert [(r["verb"], r["actor"], r["target"]) for r in rows] == [
        ("run.started", "officer-m", f"run {run.pk}"),
        ("run.finished", "officer-m", f"run {run.pk}"),
    ]
    assert data[1]["data"]["input_hash"] == run.input_hash


@pytest.mark.parametrize("rows", [1, 3])
def test_audit_export_queries_do_not_grow(market, start, rows):
    for _ in range(rows):
        start(market)
    assert _queries(session_client(market.officer), "/calls/summer/audit.json") == AUDIT_QUERIES


AUDIT_QUERIES = 5


def test_second_round_needs_a_published_round_one(market):
    client = session_client(market.officer)

    response = client.post("/calls/summer/runs/second-round/", {"mode": "student", "seed": "0"})

    assert (response.status_code, response["Location"]) == (302, "/calls/summer/runs/")
    html = client.get("/calls/summer/runs/").content.decode()
    assert "Round two starts from the published run of round one." in html
    assert not MatchRun.objects.exists()


def test_start_run_form_rejects_a_malformed_cap(market):
    response = session_client(market.officer).post(
        "/calls/summer/runs/",
        {"mode": "student", "seed": "0", "cap_by": "region", "caps": "Kanto lots"},
    )

    assert "“Kanto lots” is not a cap; write “values = places”." in response.content.decode()
    assert not MatchRun.objects.exists()


def test_publish_asks_first_with_what_will_happen(market, start):
    run = start(market)
    client = session_client(market.officer)
    assignments = run.result["assignments"]
    placed = sum(1 for key in assignments.values() if key)

    run_page = client.get(f"/runs/{run.pk}/").content.decode()
    page = client.get(f"/runs/{run.pk}/publish/").content.decode()

    assert f'<a class="button primary" href="/runs/{run.pk}/publish/">Publish this run…</a>' in (
        run_page
    )
    assert f"<h1>Publish run {run.pk}?</h1>" in page
    assert (placed, len(assignments)) == (2, 4)
    assert "2 offers are made (one per placed candidate)." in page
    assert "2 candidates are told they were not placed." in page
    assert "6 mails are sent (4 to candidates, 2 to supervisors)." in page
    assert f'<form method="post" action="/runs/{run.pk}/publish/">' in page
    assert not MatchRun.objects.get(pk=run.pk).is_published and not Offer.objects.exists()
    assert session_client(market.c1).get(f"/runs/{run.pk}/publish/").status_code == 404
