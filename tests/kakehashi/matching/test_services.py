"""Match runs: the snapshot, the run and its job, reproducibility, publishing, round two."""

import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

import kakehashi_match as km
from kakehashi.audit.models import AuditEntry
from kakehashi.jobs.models import Job
from kakehashi.matching.models import MatchRun
from kakehashi.matching.selectors import match_instance_build
from kakehashi.matching.services import (
    result_json,
    run_publish,
    run_start,
    run_start_second_round,
)
from kakehashi.offers.models import Offer
from kakehashi.offers.services import round_two_start
from kakehashi.programs.policy import MatchPolicy
from tests import factories
from tests.kakehashi.matching.conftest import cid, close_phase, open_phase


def _verbs(call) -> list[str]:
    return list(AuditEntry.objects.for_scope(call).values_list("verb", flat=True))


def _o(org) -> str:
    return f"o{org.pk}"


def _s(user) -> str:
    return f"s{user.pk}"


# Snapshot ------------------------------------------------------------------------


def test_snapshot_is_the_engine_instance_of_the_call(market):
    m = market

    instance = match_instance_build(call=m.call, policy=MatchPolicy())

    assert instance == {
        "students": {
            cid(m.c1): ["p-a", "p-b"],
            cid(m.c2): ["p-a", "p-b"],
            cid(m.c3): ["p-a", "p-b"],
            cid(m.c4): ["p-c"],
        },
        "projects": {
            "p-a": {"capacity": 1, "supervisor": _s(m.sup_a)},
            "p-b": {"capacity": 1, "supervisor": _s(m.sup_b)},
            "p-c": {"capacity": 1, "supervisor": _s(m.sup_c)},
        },
        "supervisors": {
            _s(m.sup_a): {
                "ranking": [cid(m.c2), cid(m.c1), cid(m.c3)],
                "organisation": _o(m.kyoto),
            },
            _s(m.sup_b): {
                "ranking": [cid(m.c1), cid(m.c2), cid(m.c3)],
                "organisation": _o(m.tokyo),
            },
            _s(m.sup_c): {"ranking": [], "organisation": _o(m.ubc)},
        },
        "organisations": {_o(m.kyoto): {}, _o(m.tokyo): {}, _o(m.ubc): {}},
        "meta": {"call": "summer", "round": 1},
    }


def test_snapshot_leaves_out_withdrawn_unranked_and_unapproved(market):
    m = market
    draft = factories.ProjectFactory(call=m.call, key="p-draft", status="draft")
    factories.ApplicationFactory(candidate=m.c4, project=draft, rank=2)
    m.c3.applications.filter(project=m.p_b).update(status="withdrawn")
    m.c1.applications.filter(project=m.p_b).update(rank=None)
    second = factories.UserFactory()
    m.p_a.supervisions.create(person=second, role="industry", order=1)

    instance = match_instance_build(call=m.call, policy=MatchPolicy())

    assert instance["students"] == {
        cid(m.c1): ["p-a"],
        cid(m.c2): ["p-a", "p-b"],
        cid(m.c3): ["p-a"],
        cid(m.c4): ["p-c"],
    }
    assert sorted(instance["projects"]) == ["p-a", "p-b", "p-c"]
    assert instance["projects"]["p-a"]["supervisor"] == _s(m.sup_a)
    assert _s(second) not in instance["supervisors"]


def test_snapshot_caps_become_disjoint_groups_with_reserves(market):
    m = market
    policy = MatchPolicy.from_data(
        {
            "mode": "student",
            "caps": [
                {
                    "label": "Japan",
                    "kind": "direction",
                    "values": ["CA_JP"],
                    "capacity": 1,
                    "reserves": {str(m.tokyo.pk): 1},
                },
                {"label": "West", "kind": "region", "values": ["CA-BC"], "capacity": 0},
            ],
        }
    )

    instance = match_instance_build(call=m.call, policy=policy)

    assert instance["groups"] == {
        "Japan": {
            "organisations": sorted([_o(m.kyoto), _o(m.tokyo)]),
            "capacity": 1,
            "targets": {_o(m.tokyo): 1},
        },
        "West": {"organisations": [_o(m.ubc)], "capacity": 0},
    }


def test_snapshot_refuses_overlapping_caps(market):
    policy = MatchPolicy.from_data(
        {
            "caps": [
                {"label": "Kanto", "kind": "region", "values": ["JP-13"], "capacity": 1},
                {"label": "Firms", "kind": "sector", "values": ["company"], "capacity": 1},
            ]
        }
    )

    with pytest.raises(ValidationError, match="Tokyo Robotics KK falls under two caps"):
        match_instance_build(call=market.call, policy=policy)


# Starting a run ------------------------------------------------------------------


def test_run_start_is_for_officers_only(market):
    with pytest.raises(PermissionDenied, match="Only program officers"):
        run_start(call=market.call, user=market.sup_a, label="")
    assert MatchRun.objects.count() == 0


def test_run_start_refused_unless_matching_phase_open(market):
    close_phase(market.call, "matching")

    with pytest.raises(ValidationError, match=r"The Matching phase closed on .* \(Asia/Tokyo\)"):
        run_start(call=market.call, user=market.officer, label="")
    assert MatchRun.objects.count() == 0


def test_run_start_refuses_caps_outside_student_mode(market):
    caps = [{"label": "Kanto", "kind": "region", "values": ["JP-13"], "capacity": 0}]

    with pytest.raises(ValidationError, match="Caps are applied only by student-proposing"):
        run_start(call=market.call, user=market.officer, policy={"mode": "host", "caps": caps})


def test_run_start_lays_run_choices_over_call_policy(market, start):
    market.call.match_policy = {"mode": "host", "seed": 7, "caps": []}
    market.call.save()

    run = start(market, policy={"seed": 11})

    assert (run.mode, run.seed, run.policy) == (
        "host",
        11,
        {"mode": "host", "seed": 11, "caps": []},
    )


# Running ---------------------------------------------------------------------------


def test_run_solves_and_summarises(market, start):
    m = market

    run = start(m, label="baseline")

    assert (run.status, run.error, run.engine_version) == ("done", "", km.ENGINE_VERSION)
    assert run.result["assignments"] == {
        cid(m.c1): "p-b",
        cid(m.c2): "p-a",
        cid(m.c3): None,
        cid(m.c4): None,
    }
    s = run.summary
    assert (s["candidates"], s["placements"], s["unmatched"], s["places"]) == (4, 2, 2, 3)
    assert (s["mean_rank"], s["rank_distribution"], s["blocking_pairs"]) == (
        1.5,
        {"1": 1, "2": 1},
        0,
    )
    assert s["certificate"] == {
        "valid": True,
        "stable": True,
        "capacity_violations": 0,
        "unacceptable_assignments": 0,
        "check_ok": True,
        "check_violations": [],
    }
    assert s["projects"] == [
        {"project": "p-a", "organisation": _o(m.kyoto), "capacity": 1, "filled": 1},
        {"project": "p-b", "organisation": _o(m.tokyo), "capacity": 1, "filled": 1},
        {"project": "p-c", "organisation": _o(m.ubc), "capacity": 1, "filled": 0},
    ]
    assert {o["organisation"]: (o["filled"], o["places"]) for o in s["organisations"]} == {
        _o(m.kyoto): (1, 1),
        _o(m.tokyo): (1, 1),
        _o(m.ubc): (0, 1),
    }
    assert [(u["candidate"], u["reason"]) for u in s["unmatched_candidates"]] == [
        (cid(m.c3), "full"),
        (cid(m.c4), "not_ranked"),
    ]
    assert s["unmatched_candidates"][0]["choices"] == [
        {"project": "p-a", "rank": 1, "reason": "project_full"},
        {"project": "p-b", "rank": 2, "reason": "project_full"},
    ]
    assert s["flows"] == {
        "direction": {"CA_JP": 2},
        "country": {"JP": 2},
        "region": {"JP-13": 1, "JP-26": 1},
        "sector": {"company": 1, "university": 1},
    }
    kinds = {w["kind"]: w["count"] for w in s["warnings"]}
    assert kinds == {
        "short_rank_list": 4,
        "unmatched": 2,
        "ranked_project_whose_host_did_not_rank_student": 1,
        "supervisor_without_ranking": 1,
    }
    assert _verbs(m.call) == ["run.started", "run.finished"]
    job = Job.objects.get(pk=run.job_id)
    assert (job.kind, job.status, job.progress_done, job.progress_total) == (
        "match.run",
        "succeeded",
        4,
        4,
    )


def test_run_is_reproducible_byte_for_byte(market, start):
    first = start(market, policy={"seed": 3})
    second = start(market, policy={"seed": 3})

    replay = km.solve(first.snapshot, mode=first.mode, seed=first.seed).to_json()

    assert result_json(first.result) == replay
    assert result_json(second.result) == replay
    assert first.input_hash == second.input_hash == km.instance_hash(first.snapshot)
    assert first.input_hash == first.result["run"]["input_hash"]
    assert first.input_hash.startswith("sha256:")


def test_run_with_caps_runs_flexible_mode(market, start):
    caps = [{"label": "Kanto", "kind": "region", "values": ["JP-13"], "capacity": 0}]

    run = start(market, policy={"caps": caps})

    assert (run.mode, run.status) == ("flexible", "done")
    assert run.result["assignments"][cid(market.c1)] is None
    assert run.summary["groups"] == {"Kanto": 0}
    assert result_json(run.result) == km.solve(run.snapshot, mode="flexible", seed=0).to_json()


def test_run_failure_is_recorded_and_audited(market, start):
    caps = [
        {"label": "Kanto", "kind": "region", "values": ["JP-13"], "capacity": 1},
        {"label": "Firms", "kind": "sector", "values": ["company"], "capacity": 1},
    ]

    run = start(market, policy={"caps": caps})

    assert run.status == "failed"
    assert run.error.startswith("Tokyo Robotics KK falls under two caps")
    assert _verbs(market.call) == ["run.started", "run.failed"]
    assert Job.objects.get(pk=run.job_id).status == "failed"


# Publishing --------------------------------------------------------------------------


def test_publish_makes_offers_and_freezes_the_run(market, start):
    run = start(market)

    run_publish(run=run, user=market.officer)

    run.refresh_from_db()
    assert run.published_at is not None and run.published_by == market.officer
    offers = sorted(Offer.objects.filter(run=run).values_list("candidate_id", "project__key"))
    assert offers == sorted([(market.c1.pk, "p-b"), (market.c2.pk, "p-a")])
    assert _verbs(market.call)[-2:] == ["run.published", "offers.created"]
    run.label = "changed"
    with pytest.raises(ValidationError, match=re.escape("A published run cannot be changed.")):
        run.save()


def test_publish_refuses_a_second_run_of_the_round(market, start):
    first, second = start(market), start(market, policy={"mode": "host"})
    run_publish(run=first, user=market.officer)

    with pytest.raises(
        ValidationError, match=rf"Round 1 of this call is already published \(run {first.pk}\)"
    ):
        run_publish(run=second, user=market.officer)
    with pytest.raises(ValidationError, match=re.escape("This run is already published.")):
        run_publish(run=first, user=market.officer)


def test_publish_refuses_unfinished_run_and_non_officers(market):
    run = MatchRun.objects.create(call=market.call, status="queued")

    with pytest.raises(
        ValidationError,
        match=re.escape("Only a finished run can be published; this one is Queued."),
    ):
        run_publish(run=run, user=market.officer)
    with pytest.raises(PermissionDenied):
        run_publish(run=run, user=market.c1)


# Round two ---------------------------------------------------------------------------


@pytest.fixture
def round_one(market, start):
    run = start(market)
    run_publish(run=run, user=market.officer)
    close_phase(market.call, "matching")
    open_phase(market.call, "offers")
    return run


def test_second_round_fills_freed_places(market, round_one, django_capture_on_commit_callbacks):
    m = market
    Offer.objects.filter(run=round_one, candidate=m.c1).update(status="declined")

    with django_capture_on_commit_callbacks(execute=True):
        run = round_two_start(call=m.call, base_run=round_one, user=m.officer, seed=5)
    run.refresh_from_db()

    assert (run.round, run.base_run, run.status) == (2, round_one, "done")
    assert run.result["assignments"] == {cid(m.c3): "p-b", cid(m.c4): None}
    assert run.snapshot["projects"]["p-a"]["capacity"] == 0
    assert run.snapshot["meta"]["declined"] == [cid(m.c1)]
    assert (run.summary["round_one_kept"], run.summary["declined"]) == (1, 1)
    assert result_json(run.result) == km.solve(run.snapshot, mode="student", seed=5).to_json()
    assert "round2.started" in _verbs(m.call)

    run_publish(run=run, user=m.officer)

    assert list(Offer.objects.filter(run=run).values_list("candidate_id", "project__key")) == [
        (m.c3.pk, "p-b")
    ]


def test_second_round_needs_the_published_round_one(market, start):
    draft = start(market)

    with pytest.raises(
        ValidationError, match=re.escape("Round two starts from the published run of round one.")
    ):
        run_start_second_round(call=market.call, base_run=draft, user=market.officer, declined=[])


def test_run_uses_the_call_caps_unless_replaced(market, start):
    caps = [{"label": "Kanto", "kind": "region", "values": ["JP-13"], "capacity": 0}]
    market.call.match_policy = {"mode": "student", "seed": 0, "caps": caps}
    market.call.save()

    with_caps = start(market)
    without = start(market, policy={"caps": []})

    assert (with_caps.mode, list(with_caps.snapshot["groups"])) == ("flexible", ["Kanto"])
    assert (without.mode, "groups" in without.snapshot) == ("student", False)
    assert without.result["assignments"][cid(market.c1)] == "p-b"
