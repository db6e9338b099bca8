"""Writes of the network: measuring the history (a background job) and recorded activities."""

from __future__ import annotations

from django.db import transaction

import kakehashi_network as kn
from kakehashi.audit.services import audit_record
from kakehashi.jobs.services import job_enqueue
from kakehashi.network.models import NetworkSnapshot, RecordedActivity
from kakehashi.network.selectors import history_hash, network_history, organisation_names

MEASURE_JOB = "network.measure"


def network_measure(*, progress=None) -> NetworkSnapshot:
    """Measure the whole history now and keep the result as the latest snapshot."""
    history = network_history()
    parsed = kn.History.from_dict(history)
    result = kn.measure(parsed, include_ties=True, progress=progress)
    with transaction.atomic():
        snapshot = NetworkSnapshot.objects.create(
            engine_version=result["engine_version"],
            history_hash=history_hash(history),
            organisations_count=result["organisations_count"],
            activities_count=result["activities_count"],
            ties_count=result["ties_count"],
            result=result,
            names=organisation_names(history["organisations"]),
        )
    return snapshot


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
