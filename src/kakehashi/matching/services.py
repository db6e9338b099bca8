"""Writes of match runs: start a run, execute it (the job), publish it, start round two.

Every consequential action is appended to the call's audit record
(``run.started``, ``run.finished``, ``run.failed``, ``run.published``,
``round2.started``).
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext as _

import kakehashi_match as km
from kakehashi.audit.services import audit_record
from kakehashi.jobs.services import job_enqueue
from kakehashi.jobs.signals import job_failed, job_retried
from kakehashi.matching.enums import RunStatus
from kakehashi.matching.labels import EXCHANGE_REASONS, FULL_REASONS
from kakehashi.matching.models import HomePriority, MatchRun
from kakehashi.matching.rules import can_run_match
from kakehashi.matching.selectors import (
    administered_organisations,
    candidate_homes,
    home_candidates,
    match_instance_build,
    project_facts,
    published_run,
)
from kakehashi.matching.signals import run_published, run_publishing
from kakehashi.matching.validators import policy_for_run
from kakehashi.programs.enums import PhaseKind
from kakehashi.programs.models import Call
from kakehashi.programs.policy import ROUND_TWO_MODES, MatchPolicy
from kakehashi.programs.services import phase_require_open, policy_with_budget_caps
from kakehashi_match.rounds import residual_instance

RUN_JOB = "match.run"
#: The steps a run reports as progress.
STEPS = 4


def run_audit(run: MatchRun, *, verb: str, actor, data: dict[str, Any]) -> None:
    """Record `verb` on `run` in its call's audit record."""
    audit_record(scope=run.call, verb=verb, actor=actor, target=f"run {run.pk}", data=data)


def _require_officer(user) -> None:
    if not can_run_match(user):
        raise PermissionDenied(_("Only program officers run, publish and export matches."))


def result_json(result: dict[str, Any]) -> str:
    """A stored result as the engine writes it (byte for byte ``Result.to_json()``)."""
    return json.dumps(result, sort_keys=True, ensure_ascii=False, separators=(",", ":")) + "\n"


# ---------------------------------------------------------------- start


def _queue(
    *,
    call: Call,
    user,
    policy: MatchPolicy,
    label: str,
    verb: str,
    audit: dict,
    base_run: MatchRun | None = None,
    snapshot: dict[str, Any] | None = None,
) -> MatchRun:
    """Create a queued run, record `verb` in the audit, and hand the run to a job.

    A `snapshot` given here is the run's frozen input (round two freezes what round
    one left when it starts); without one, the job freezes the call's rankings. The
    job parses it once and stores it in the engine's canonical form with its hash."""
    run = MatchRun(
        call=call,
        round=2 if base_run is not None else 1,
        base_run=base_run,
        label=label.strip(),
        policy=policy.to_data(),
        mode=policy.engine_mode,
        seed=policy.seed,
        engine_version=km.ENGINE_VERSION,
        created_by=user,
        snapshot=snapshot or {},
    )
    run.full_clean()
    run.save()
    run_audit(
        run,
        verb=verb,
        actor=user,
        data={**audit, "label": run.label, "policy": run.policy},
    )
    run.job = job_enqueue(kind=RUN_JOB, params={"run_id": run.pk}, user=user)
    run.save(update_fields=["job", "updated_at"])
    return run


@transaction.atomic
def run_start(
    *, call: Call, policy: dict[str, Any] | None = None, label: str = "", user
) -> MatchRun:
    """Queue a round-one run of the match on `call` under the call's policy with
    `policy` laid over it. Officers only, while the matching phase is open."""
    _require_officer(user)
    phase_require_open(call=call, kinds=(PhaseKind.MATCHING,))
    return _queue(
        call=call,
        user=user,
        policy=policy_with_budget_caps(
            call=call, policy=policy_for_run(call_policy=call.policy, overrides=policy)
        ),
        label=label,
        verb="run.started",
        audit={"round": 1},
    )


@transaction.atomic
def run_start_second_round(
    *,
    call: Call,
    base_run: MatchRun,
    user,
    declined: list[str],
    mode: str = "student",
    seed: int = 0,
    label: str = "",
) -> MatchRun:
    """Queue round two on what round one left: places freed by declined or lapsed
    offers and places never filled, for candidates round one did not place.
    Accepted and pending offers keep their places; candidates who declined or let
    their offer lapse (`declined`, engine ids, as the offers app knows them) leave
    the market. The residual market is frozen now, as the run's snapshot."""
    _require_officer(user)
    if mode not in ROUND_TWO_MODES:
        raise ValidationError(
            _("Round two does not rebalance an exchange: choose another mode."),
            code="round_two_mode",
        )
    base_run = MatchRun.objects.get(pk=base_run.pk)
    if base_run.call_id != call.pk:
        raise ValidationError(_("The base run belongs to another call."), code="wrong_call")
    if base_run.round != 1 or not base_run.is_published:
        raise ValidationError(
            _("Round two starts from the published run of round one."), code="base_not_published"
        )
    phase_require_open(call=call, kinds=(PhaseKind.MATCHING, PhaseKind.OFFERS))
    if published_run(call=call, round=2) is not None:
        raise ValidationError(
            _("Round two of this call is already published."), code="already_published"
        )
    # Round two keeps round one's placements; caps do not carry over (the engine's
    # residual market has no groups).
    declined = sorted(declined)
    data, _kept = residual_instance(base_run.snapshot, base_run.result["assignments"], declined)
    data["meta"] = {
        **data.get("meta", {}),
        "round": 2,
        "base_input_hash": base_run.input_hash,
        "declined": declined,
    }
    return _queue(
        call=call,
        user=user,
        policy=MatchPolicy.from_data({"mode": mode, "seed": seed}),
        label=label,
        verb="round2.started",
        audit={"base_run": base_run.pk},
        base_run=base_run,
        snapshot=data,
    )


# ---------------------------------------------------------------- execute (the job)


def _snapshot(run: MatchRun) -> tuple[km.Instance, dict[str, Any]]:
    """The instance to solve, parsed once (its ``to_dict()`` is the canonical
    snapshot), and round-two facts."""
    if run.base_run_id is None:
        data = match_instance_build(call=run.call, policy=MatchPolicy.from_stored(run.policy))
        return km.Instance.from_dict(data), {}
    # Round two was frozen when it started; what it keeps follows from round one.
    base = run.base_run
    declined = run.snapshot["meta"]["declined"]
    _data, kept = residual_instance(base.snapshot, base.result["assignments"], declined)
    return km.Instance.from_dict(run.snapshot), {"kept": kept, "declined": declined}


def _unmatched_reason(entry: dict[str, Any]) -> str:
    reasons = {c["reason"] for c in entry.get("better_choices", [])}
    if not entry.get("list_length"):
        return "empty_list"
    if reasons == {"not_ranked_by_host"}:
        return "not_ranked"
    if reasons and reasons <= FULL_REASONS:
        return "full"
    if reasons & EXCHANGE_REASONS:
        return "exchange"
    return "mixed"


def run_summary(
    *,
    snapshot: dict[str, Any],
    result: dict[str, Any],
    check: dict[str, Any],
    facts: dict[str, dict[str, str]],
    round_two: dict[str, Any] | None = None,
    homes: dict[str, dict[str, str]] | None = None,
) -> dict[str, Any]:
    """What the pages, the API and the comparison show of a run (plain data, ids only).

    With `homes` (each candidate's home organisation and country), the exchange
    flows: placements per home country and host country, and per organisation its
    exports (its candidates placed at other organisations) and imports."""
    engine = result["summary"]
    assignments = result["assignments"]
    students = result.get("students", {})
    project_rows = []
    org_fill: dict[str, dict[str, int]] = {}
    for key, node in sorted(result.get("projects", {}).items()):
        org = facts.get(key, {}).get("organisation", "")
        project_rows.append(
            {
                "project": key,
                "organisation": org,
                "capacity": node["capacity"],
                "filled": node["filled"],
            }
        )
        row = org_fill.setdefault(org, {"places": 0, "filled": 0})
        row["places"] += node["capacity"]
        row["filled"] += node["filled"]
    org_nodes = result.get("organisations", {})
    org_rows = [
        {
            "organisation": org,
            "places": row["places"],
            "capacity": (org_nodes.get(org) or {}).get("capacity"),
            "filled": row["filled"],
        }
        for org, row in sorted(org_fill.items())
    ]
    unmatched = [
        {
            "candidate": sid,
            "list_length": students.get(sid, {}).get("list_length", 0),
            "reason": _unmatched_reason(students.get(sid, {})),
            "choices": [
                {"project": c["project"], "rank": c["rank"], "reason": c["reason"]}
                for c in students.get(sid, {}).get("better_choices", [])
            ],
        }
        for sid in sorted(assignments)
        if assignments[sid] is None
    ]
    warnings: dict[str, list[str]] = {}
    for w in result.get("warnings", []):
        warnings.setdefault(w["kind"], []).append(w.get("student", ""))
    for key, node in sorted(snapshot.get("projects", {}).items()):
        if "supervisor" not in node:
            warnings.setdefault("project_without_supervisor", []).append(key)
    for sid, node in sorted(snapshot.get("supervisors", {}).items()):
        if not node.get("ranking"):
            warnings.setdefault("supervisor_without_ranking", []).append(sid)
    flows: dict[str, Counter] = {
        "direction": Counter(),
        "country": Counter(),
        "region": Counter(),
        "sector": Counter(),
    }
    for key in assignments.values():
        if key is None:
            continue
        fact = facts.get(key, {})
        for dim in flows:
            flows[dim][fact.get(dim, "")] += 1
    places = sum(node["capacity"] for node in snapshot.get("projects", {}).values())
    summary = {
        "candidates": engine["students"],
        "placements": engine["matched"],
        "unmatched": engine["unmatched"],
        "places": places,
        "mean_rank": engine["mean_rank"],
        "rank_distribution": engine["rank_distribution"],
        "short_lists": engine["short_lists"],
        "blocking_pairs": engine["blocking_pairs"],
        "certificate": {
            "valid": result["certificate"]["valid"],
            "stable": result["certificate"]["stable"],
            "capacity_violations": len(result["certificate"]["capacity_violations"]),
            "unacceptable_assignments": len(result["certificate"]["unacceptable_assignments"]),
            "check_ok": check["ok"],
            "check_violations": check.get("violations", [])[:20],
        },
        "projects": project_rows,
        "organisations": org_rows,
        "unmatched_candidates": unmatched,
        "warnings": [
            {"kind": kind, "count": len(ids), "ids": ids[:50]}
            for kind, ids in sorted(warnings.items())
        ],
        "flows": {dim: dict(sorted(c.items())) for dim, c in flows.items()},
    }
    if homes is not None:
        summary["exchange_flows"] = exchange_flows(
            assignments=assignments, facts=facts, homes=homes
        )
    if "exchange" in result:
        summary["exchange"] = _exchange_summary(result)
    if "groups" in result:
        summary["groups"] = result["groups"]
    if round_two is not None:
        summary["round_one_kept"] = len(round_two["kept"])
        summary["kept"] = dict(sorted(round_two["kept"].items()))
        summary["declined"] = len(round_two["declined"])
    return summary


def exchange_flows(
    *,
    assignments: dict[str, str | None],
    facts: dict[str, dict[str, str]],
    homes: dict[str, dict[str, str]],
) -> dict[str, Any]:
    """Who went where, by home: placements per (home country, host country), and per
    organisation its exports, imports and net (imports − exports). A placement inside
    the home organisation is neither an export nor an import."""
    countries: Counter = Counter()
    orgs: dict[str, dict[str, int]] = {}
    for sid, key in assignments.items():
        home = homes.get(sid)
        if key is None or home is None:
            continue
        host = facts.get(key, {})
        countries[(home["country"], host.get("country", ""))] += 1
        if home["organisation"] != host.get("organisation"):
            orgs.setdefault(home["organisation"], {"exports": 0, "imports": 0})["exports"] += 1
            target = orgs.setdefault(host.get("organisation", ""), {"exports": 0, "imports": 0})
            target["imports"] += 1
    return {
        "countries": [
            {"home": a, "host": b, "count": n} for (a, b), n in sorted(countries.items())
        ],
        "organisations": {
            org: {**row, "net": row["imports"] - row["exports"]}
            for org, row in sorted(orgs.items())
        },
    }


def _exchange_summary(result: dict[str, Any]) -> dict[str, Any]:
    """The engine's exchange figures a page shows: per unit exports, imports, net and
    placements lost or gained against student mode; the certificate's balance,
    priority respect and balanced-efficiency check."""
    ex, cert = result["exchange"], result["certificate"]
    return {
        "balance": ex["balance"],
        "tolerance": ex["tolerance"],
        "placed": ex["placed"],
        "placed_student_mode": ex["placed_student_mode"],
        "lottery_units": ex.get("lottery_units", []),
        "units": {
            uid: {
                "exports": u["exports"],
                "imports": u["imports"],
                "net": u["net"],
                "lost": u["lost_vs_student_mode"],
                "gained": u["gained_vs_student_mode"],
            }
            for uid, u in sorted(ex["units"].items())
        },
        "balanced": cert.get("balanced"),
        "priority_respecting": cert.get("priority_respecting"),
        "pareto_checked": (cert.get("pareto") or {}).get("checked", False),
        "pareto_improvement": (cert.get("pareto") or {}).get("exists"),
    }


def _fail(run: MatchRun, exc: Exception) -> None:
    message = "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
    MatchRun.objects.filter(pk=run.pk).update(
        status=RunStatus.FAILED, error=message[:2000], updated_at=timezone.now()
    )
    run_audit(
        run,
        verb="run.failed",
        actor=run.created_by,
        data={"error": message[:500]},
    )


def run_execute(*, run_id: int, progress) -> dict[str, Any]:
    """The job of a run: freeze the snapshot, solve, check the certificate, summarise.

    A failure marks the run failed (with the engine's message), is audited, and
    propagates so that the job records it too.
    """
    run = MatchRun.objects.select_related("call", "base_run", "created_by").get(pk=run_id)
    # A run left running by a worker that died starts again from the snapshot: its job's
    # next attempt (the reaper's) is the only one running it (jobs.services).
    if run.status not in (RunStatus.QUEUED, RunStatus.RUNNING):
        return {"run": run.pk, "status": run.status}
    MatchRun.objects.filter(pk=run.pk).update(status=RunStatus.RUNNING)
    try:
        progress(0, STEPS, _("Freezing the snapshot"))
        instance, round_two = _snapshot(run)
        snapshot = instance.to_dict()
        input_hash = instance.input_hash
        MatchRun.objects.filter(pk=run.pk).update(snapshot=snapshot, input_hash=input_hash)
        progress(1, STEPS, _("Solving"))
        solved = km.solve(instance, mode=run.mode, seed=run.seed)
        result = solved.to_dict()
        progress(2, STEPS, _("Checking the certificate"))
        check = km.check(instance, solved)
        progress(3, STEPS, _("Summarising"))
        summary = run_summary(
            snapshot=snapshot,
            result=result,
            check=check,
            facts=project_facts(keys=snapshot["projects"].keys()),
            round_two=round_two or None,
            homes=candidate_homes(candidates=snapshot["students"]),
        )
    except Exception as exc:
        _fail(run, exc)
        raise
    MatchRun.objects.filter(pk=run.pk).update(
        status=RunStatus.DONE,
        result=result,
        summary=summary,
        engine_version=result["engine"]["version"],
        updated_at=timezone.now(),
    )
    progress(STEPS, STEPS, _("Done"))
    run_audit(
        run,
        verb="run.finished",
        actor=run.created_by,
        data={
            "input_hash": input_hash,
            "engine_version": result["engine"]["version"],
            "placements": summary["placements"],
            "blocking_pairs": summary["blocking_pairs"],
        },
    )
    return {"run": run.pk, "placements": summary["placements"]}


@receiver(job_failed, dispatch_uid="matching.run_job_failed")
def run_on_job_failed(*, sender, job, **kwargs) -> None:
    """Receiver of ``jobs.signals.job_failed``: a run whose job failed without the run
    knowing (its worker died once too often) fails too, with the job's error."""
    run = MatchRun.objects.filter(job=job, status__in=(RunStatus.QUEUED, RunStatus.RUNNING))
    run = run.select_related("call", "created_by").first()
    if run is not None:
        _fail(run, RuntimeError(job.error or job.message))


@receiver(job_retried, dispatch_uid="matching.run_job_retried")
def run_on_job_retried(*, sender, job, user, previous_error: str = "", **kwargs) -> None:
    """Receiver of ``jobs.signals.job_retried``: the failed run of the job is queued
    again (the job runs it afresh) and the retry is recorded in the call's audit."""
    run = (
        MatchRun.objects.select_for_update()
        .select_related("call")
        .filter(job=job, status=RunStatus.FAILED, published_at__isnull=True)
        .first()
    )
    if run is None:
        return
    previous = run.error or previous_error
    MatchRun.objects.filter(pk=run.pk).update(
        status=RunStatus.QUEUED, error="", updated_at=timezone.now()
    )
    run_audit(run, verb="run.retried", actor=user, data={"job": job.pk, "error": previous[:500]})


# ---------------------------------------------------------------- homes' priorities


@transaction.atomic
def home_priority_set(
    *, call: Call, user, candidates: list[int], country: str = "", organisation=None
) -> HomePriority:
    """Set a home's order of its own candidates in `call` (balanced exchange: who goes
    first when places are scarce): a `country` (officers) or an `organisation`
    (officers and its admins). Every person listed must be a candidate of the call
    whose home is in that home, at most once; an empty list leaves the whole home to
    the run's lottery. Audited as ``priority.set``."""
    allowed = administered_organisations(user=user)
    if allowed is not None and (organisation is None or organisation.pk not in allowed):
        raise PermissionDenied(
            _("Only program officers and the organisation's admins set its order.")
        )
    if bool(country) == (organisation is not None):
        raise ValidationError(_("Name one home: a country or an organisation."), code="one_home")
    if published_run(call=call, round=1) is not None:
        raise ValidationError(
            _("The match of this call is published; its homes' orders no longer change."),
            code="already_published",
        )
    mine = {
        p.user_id
        for p in home_candidates(call=call)
        if (
            p.home_organisation.country == country
            if country
            else p.home_organisation_id == organisation.pk
        )
    }
    errors = []
    if len(set(candidates)) != len(candidates):
        errors.append(_("A candidate is listed twice."))
    strangers = [str(pk) for pk in candidates if pk not in mine]
    if strangers:
        errors.append(
            _("Not candidates of this call from this home: %(ids)s.")
            % {"ids": ", ".join(strangers)}
        )
    if errors:
        raise ValidationError({"candidates": errors})
    row, _created = HomePriority.objects.update_or_create(
        call=call,
        country=country,
        organisation=organisation,
        defaults={"candidates": list(candidates), "updated_by": user},
    )
    audit_record(
        scope=call,
        verb="priority.set",
        actor=user,
        target=country or f"organisation {organisation.pk}",
        data={"candidates": list(candidates)},
    )
    return row


# ---------------------------------------------------------------- publish


def run_publish_check(*, run: MatchRun) -> None:
    """Refuse (``ValidationError``) publishing `run`: already published, not finished, its
    round published already, or an app above refuses it (``run_publishing``: funding's
    remaining budgets). `run_publish` checks it under its lock; the publish
    preview of the API says it before anything is sent."""
    if run.is_published:
        raise ValidationError(_("This run is already published."), code="already_published")
    if run.status != RunStatus.DONE:
        raise ValidationError(
            _("Only a finished run can be published; this one is %(status)s.")
            % {"status": run.get_status_display()},
            code="not_done",
        )
    other = published_run(call=run.call, round=run.round)
    if other is not None:
        raise ValidationError(
            _("Round %(round)s of this call is already published (run %(run)s).")
            % {"round": run.round, "run": other.pk},
            code="round_published",
        )
    reasons = [
        reason
        for _receiver, answer in run_publishing.send(sender=MatchRun, run=run)
        for reason in answer or ()
    ]
    if reasons:
        raise ValidationError(reasons, code="publish_refused")


@transaction.atomic
def run_publish(*, run: MatchRun, user) -> MatchRun:
    """Publish a finished run: it becomes the round's result, immutable, and its
    placements become offers. One published run per round of a call."""
    _require_officer(user)
    run = MatchRun.objects.select_for_update().select_related("call").get(pk=run.pk)
    run_publish_check(run=run)
    run.published_at = timezone.now()
    run.published_by = user
    # The unique constraint (one published run per round) is left to the database,
    # whose IntegrityError below is the refusal that holds under concurrent publishing.
    run.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            run.save(update_fields=["published_at", "published_by", "updated_at"])
    except IntegrityError as exc:
        raise ValidationError(
            _("Round %(round)s of this call is already published.") % {"round": run.round},
            code="round_published",
        ) from exc
    run_audit(
        run,
        verb="run.published",
        actor=user,
        data={
            "round": run.round,
            "input_hash": run.input_hash,
            "engine_version": run.engine_version,
            "placements": (run.summary or {}).get("placements"),
        },
    )
    run_published.send(sender=MatchRun, run=run, user=user)
    return run
