"""Offers made by a published run: creation, answers, lapsing."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from kakehashi.matching.audit import audit_record
from kakehashi.matching.models import MatchRun, Offer
from kakehashi.programs.enums import PhaseKind


def offer_deadline_for(*, run: MatchRun):
    """Offers are answered by the close of the call's offers phase (else a week from now)."""
    phase = run.call.phases.filter(kind=PhaseKind.OFFERS).first()
    if phase is not None and phase.closes_at > timezone.now():
        return phase.closes_at
    return timezone.now() + timezone.timedelta(days=7)


@transaction.atomic
def offers_create_for_run(*, run: MatchRun, actor=None) -> list[Offer]:
    """Create a pending offer for every candidate the (just published) run placed.

    The run's snapshot names candidates ``c<user pk>`` and projects by key; the
    assignments map each to a project key or null.
    """
    from kakehashi.projects.models import Project

    assignments = (run.result or {}).get("assignments", {})
    placed = {sid: key for sid, key in assignments.items() if key is not None}
    projects = Project.objects.in_bulk(set(placed.values()), field_name="key")
    deadline = offer_deadline_for(run=run)
    offers = Offer.objects.bulk_create(
        Offer(
            run=run,
            candidate_id=int(sid.removeprefix("c")),
            project=projects[key],
            deadline=deadline,
        )
        for sid, key in sorted(placed.items())
    )
    audit_record(
        call=run.call,
        verb="offers.created",
        actor=actor,
        target=f"run {run.pk}",
        data={"offers": len(offers), "deadline": deadline.isoformat()},
    )
    return offers
