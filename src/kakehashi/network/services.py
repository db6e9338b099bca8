"""Writes of the network: measuring the history (a background job) and recorded activities."""

from __future__ import annotations

from django.db import transaction

import kakehashi_network as kn
from kakehashi.audit.services import audit_record
from kakehashi.jobs.services import job_enqueue
from kakehashi.network.models import NetworkSnapshot, RecordedActivity
from kakehashi.network.selectors import (
    graph_elements,
    history_hash,
    network_history,
    organisation_names,
    summary_build,
)

MEASURE_JOB = "network.measure"
#: How many conduits the officers' page lists (the most recent first); the API has all.
CONDUITS_SHOWN = 200


def network_measure(*, progress=None) -> NetworkSnapshot:
    """Measure the whole history now and keep the result as the latest snapshot."""
    history = network_history()
    parsed = kn.History.from_dict(history)
    result = kn.measure(parsed, include_ties=True, progress=progress)
    return snapshot_store(
        result=result,
        names=organisation_names(history["organisations"]),
        history_hash=history_hash(history),
    )


def snapshot_store(*, result: dict, names: dict, history_hash: str) -> NetworkSnapshot:
    """Keep the engine's ``result`` as a snapshot, split for its readers: the public
    summary and the unfiltered graph computed once, here, not on every request."""
    rest = {k: v for k, v in result.items() if k not in ("ties", "organisations", "conduits")}
    ties, measures = result.get("ties", []), result["organisations"]
    with transaction.atomic():
        return NetworkSnapshot.objects.create(
            engine_version=result["engine_version"],
            history_hash=history_hash,
            organisations_count=result["organisations_count"],
            activities_count=result["activities_count"],
            ties_count=result["ties_count"],
            result=rest,
            summary=summary_build(result, names),
            graph=graph_elements(ties=ties, names=names, measures=measures),
            conduits=result["conduits"],
            conduits_recent=[
                {
                    **c,
                    "tie_names": [[names.get(o, {}).get("name", o) for o in p] for p in c["ties"]],
                }
                for c in sorted(result["conduits"], key=lambda c: -c["year"])[:CONDUITS_SHOWN]
            ],
            measures=measures,
            ties=ties,
            names=names,
        )


def network_measure_start(*, user):
    """Queue a measure of the whole history (officers); audited."""
    with transaction.atomic():
        job = job_enqueue(kind=MEASURE_JOB, user=user)
        audit_record(scope=None, verb="network.measure_started", actor=user, target=f"job {job.pk}")
    return job


def recorded_activity_create(*, actor, organisations, **fields) -> RecordedActivity:
    """Record an activity that tied organisations (validated; audited)."""
    with transaction.atomic():
        activity = RecordedActivity(**fields)
        activity.full_clean()
        activity.save()
        activity.organisations.set(organisations)
        audit_record(
            scope=None,
            verb="network.activity_recorded",
            actor=actor,
            target=f"recorded activity {activity.pk}",
            data={
                "year": activity.year,
                "kind": activity.kind,
                "organisations": sorted(o.pk for o in organisations),
                "source": activity.source,
            },
        )
    return activity
