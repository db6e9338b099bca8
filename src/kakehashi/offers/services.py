"""Offers made by a published run: creation, answers, lapsing, and the e-mail each sends.

State machine of an offer (docs/offers.md)::

    pending ──accept (candidate, before the deadline)──► accepted
       │ ────decline (candidate, before the deadline)──► declined
       └────offers_lapse (deadline reached, unanswered)──► lapsed

The deadline is kept to the second by the server's clock: an answer is taken
while ``now < deadline`` and refused from the deadline on. Every change is
audited and mailed once the transaction commits.
"""

from __future__ import annotations

import logging
import zoneinfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.dispatch import receiver
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from kakehashi.audit.services import audit_record
from kakehashi.matching.models import MatchRun
from kakehashi.matching.services import run_audit, run_start_second_round
from kakehashi.matching.signals import run_published
from kakehashi.notifications.services import (
    notify_after_commit,
    notify_all_after_commit,
    site_link,
)
from kakehashi.offers.enums import OfferStatus
from kakehashi.offers.explanations import choices_from
from kakehashi.offers.models import Offer
from kakehashi.offers.rules import is_offer_candidate
from kakehashi.offers.selectors import offers_freed
from kakehashi.offers.signals import offer_accepted
from kakehashi.people.models import User
from kakehashi.programs.enums import PhaseKind
from kakehashi.projects.models import Project, ProjectSupervisor

logger = logging.getLogger(__name__)

#: The job kind that lapses expired offers (registered in tasks.py).
LAPSE_JOB = "offers.lapse"


def offer_deadline_for(*, run: MatchRun, now=None):
    """Offers are answered by the close of the call's offers phase (else a week from now)."""
    now = now or timezone.now()
    phase = run.call.phases.filter(kind=PhaseKind.OFFERS).first()
    if phase is not None and phase.closes_at > now:
        return phase.closes_at
    return now + timezone.timedelta(days=7)


# ------------------------------------------------------------------ e-mail


def _supervisors_of(projects) -> dict[int, list]:
    """Supervisors (people) per project id, in one query."""

    out: dict[int, list] = {}
    for line in ProjectSupervisor.objects.filter(project__in=projects).select_related("person"):
        out.setdefault(line.project_id, []).append(line.person)
    return out


def _deadline_context(offer_or_deadline, call) -> dict:
    deadline = getattr(offer_or_deadline, "deadline", offer_or_deadline)
    return {"deadline": deadline, "call_zone": call.timezone}


# ------------------------------------------------------------------ creation


@transaction.atomic
def offers_create_for_run(*, run: MatchRun, actor=None, deadline=None) -> list[Offer]:
    """Create a pending offer for every candidate the (just published) run placed, and
    tell everyone concerned: each placed candidate (``offer_made``), each candidate of the
    run left unplaced (``match_unplaced``, with the engine's reasons) and each supervisor
    of a project with offers (``results_supervisor``).

    The run's snapshot names candidates ``c<user pk>`` and projects by key; the
    assignments map each to a project key or null. A round-2 run lists only the
    candidates still in the market, so the same function serves both rounds.
    """

    result = run.result or {}
    assignments = result.get("assignments", {})
    explanations = result.get("students", {})
    placed = {sid: key for sid, key in assignments.items() if key is not None}
    unplaced = sorted(sid for sid, key in assignments.items() if key is None)
    deadline = deadline or offer_deadline_for(run=run)
    choice_keys = {
        c["project"]
        for sid in unplaced
        for c in explanations.get(sid, {}).get("better_choices", [])
    }
    projects = Project.objects.select_related("host").in_bulk(
        set(placed.values()) | choice_keys, field_name="key"
    )
    offers = Offer.objects.bulk_create(
        Offer(
            run=run,
            candidate_id=int(sid.removeprefix("c")),
            project=projects[key],
            deadline=deadline,
        )
        for sid, key in sorted(placed.items())
    )
    run_audit(
        run,
        verb="offers.created",
        actor=actor,
        data={
            "round": run.round,
            "offers": len(offers),
            "unplaced": len(unplaced),
            "deadline": deadline.isoformat(),
        },
    )

    people = User.objects.in_bulk(
        {int(sid.removeprefix("c")) for sid in assignments if sid.startswith("c")}
    )
    call = run.call
    base = {
        "call": call,
        "round": run.round,
        "results_url": site_link("offers:mine"),
        **_deadline_context(deadline, call),
    }
    for offer in offers:
        person = people.get(offer.candidate_id)
        if person is not None:
            notify_after_commit(
                user=person,
                kind="offer_made",
                context={**base, "offer": offer, "project": offer.project},
            )
    for sid in unplaced:
        person = people.get(int(sid.removeprefix("c")))
        if person is not None:
            entry = explanations.get(sid, {})
            notify_after_commit(
                user=person,
                kind="match_unplaced",
                context={
                    **base,
                    "choices": choices_from(entry, projects),
                    "list_length": entry.get("list_length", 0),
                    "projects_url": site_link("projects:list"),
                },
            )
    offered_projects = {o.project_id: o.project for o in offers}
    by_supervisor: dict[int, dict] = {}
    for project_id, persons in _supervisors_of(offered_projects.values()).items():
        for person in persons:
            entry = by_supervisor.setdefault(person.pk, {"person": person, "lines": []})
            entry["lines"].append(
                {
                    "project": offered_projects[project_id],
                    "interns": [
                        people.get(o.candidate_id) for o in offers if o.project_id == project_id
                    ],
                }
            )
    for entry in by_supervisor.values():
        notify_after_commit(
            user=entry["person"],
            kind="results_supervisor",
            context={**base, "lines": entry["lines"], "interns_url": site_link("offers:interns")},
        )
    return offers


# ------------------------------------------------------------------ answers


def _when(deadline, call) -> str:
    """The deadline as written in the call's zone, with the zone named."""
    zone = zoneinfo.ZoneInfo(call.timezone)
    return _("%(when)s (%(zone)s)") % {
        "when": formats.date_format(deadline.astimezone(zone), "DATETIME_FORMAT"),
        "zone": call.timezone,
    }


def _check_answerable(*, offer: Offer, candidate, now) -> None:
    if not is_offer_candidate(candidate, offer):
        raise ValidationError(_("Only the candidate can answer this offer."), code="not_yours")
    call = offer.run.call
    if offer.status == OfferStatus.LAPSED or (
        offer.status == OfferStatus.PENDING and now >= offer.deadline
    ):
        raise ValidationError(
            _("The deadline to answer this offer has passed: it was %(deadline)s.")
            % {"deadline": _when(offer.deadline, call)},
            code="deadline_passed",
        )
    if offer.status != OfferStatus.PENDING:
        raise ValidationError(
            _("This offer has already been answered: %(status)s.")
            % {"status": offer.get_status_display()},
            code="already_answered",
        )


def _answer(*, offer: Offer, candidate, status: str, verb: str, now=None) -> Offer:
    now = now or timezone.now()
    with transaction.atomic():
        # Lock the row: an answer and the lapse job must not both win.
        locked = (
            Offer.objects.select_for_update(of=("self",))
            .select_related("run__call", "project__host")
            .defer("run__result", "run__snapshot", "run__summary", "run__policy")
            .get(pk=offer.pk)
        )
        _check_answerable(offer=locked, candidate=candidate, now=now)
        locked.status = status
        locked.responded_at = now
        locked.full_clean()
        locked.save(update_fields=["status", "responded_at", "updated_at"])
        call = locked.run.call
        audit_record(
            scope=call,
            verb=verb,
            actor=candidate,
            target=f"offer {locked.pk}",
            data={
                "run": locked.run_id,
                "candidate": locked.candidate_id,
                "project": locked.project.key,
                "deadline": locked.deadline.isoformat(),
                "at": now.isoformat(),
            },
        )
        context = {
            "offer": locked,
            "project": locked.project,
            "call": call,
            "candidate": candidate,
            "results_url": site_link("offers:mine"),
            "interns_url": site_link("offers:interns"),
            **_deadline_context(locked, call),
        }
        notify_after_commit(user=candidate, kind=f"offer_{status}", context=context)
        notify_all_after_commit(
            _supervisors_of([locked.project]).get(locked.project_id, []),
            f"offer_{status}_supervisor",
            context,
        )
        if status == OfferStatus.ACCEPTED:
            offer_accepted.send(sender=Offer, offer=locked, candidate=candidate)
    offer.status, offer.responded_at = locked.status, locked.responded_at
    return offer


def offer_accept(*, offer: Offer, candidate, now=None) -> Offer:
    """The candidate takes the place: only their own pending offer, only before its deadline."""
    return _answer(
        offer=offer,
        candidate=candidate,
        status=OfferStatus.ACCEPTED,
        verb="offer.accepted",
        now=now,
    )


def offer_decline(*, offer: Offer, candidate, now=None) -> Offer:
    """The candidate turns the place down; it goes to the second round. Supervisors are told."""
    return _answer(
        offer=offer,
        candidate=candidate,
        status=OfferStatus.DECLINED,
        verb="offer.declined",
        now=now,
    )


def offers_lapse(*, now=None, call=None, candidate=None, supervisor=None) -> list[Offer]:
    """Mark every pending offer whose deadline has come (``deadline <= now``) lapsed.

    Run by the ``offers.lapse`` job, before an answer (scoped to the candidate) and
    before round two starts (scoped to the call). Reads never call it: they show an
    expired offer lapsed (``selectors.offer_as_seen``). Each lapse is audited and
    mailed to the candidate and the project's supervisors.
    """
    now = now or timezone.now()
    expired = Offer.objects.filter(status=OfferStatus.PENDING, deadline__lte=now)
    if call is not None:
        expired = expired.filter(run__call=call)
    if candidate is not None:
        expired = expired.filter(candidate_id=candidate.pk)
    if supervisor is not None:
        expired = expired.filter(project__supervisions__person_id=supervisor.pk)
    ids = list(expired.values_list("pk", flat=True))
    if not ids:
        return []
    lapsed = []
    with transaction.atomic():
        offers = (
            Offer.objects.select_for_update(of=("self",))
            .filter(pk__in=ids, status=OfferStatus.PENDING, deadline__lte=now)
            .select_related("run__call", "project__host", "candidate")
            .defer("run__result", "run__snapshot", "run__summary", "run__policy")
        )
        offers = list(offers)
        supervisors = _supervisors_of({o.project for o in offers})
        for offer in offers:
            offer.status = OfferStatus.LAPSED
            offer.save(update_fields=["status", "updated_at"])
            call_obj = offer.run.call
            audit_record(
                scope=call_obj,
                verb="offer.lapsed",
                target=f"offer {offer.pk}",
                data={
                    "run": offer.run_id,
                    "candidate": offer.candidate_id,
                    "project": offer.project.key,
                    "deadline": offer.deadline.isoformat(),
                    "at": now.isoformat(),
                },
            )
            context = {
                "offer": offer,
                "project": offer.project,
                "call": call_obj,
                "candidate": offer.candidate,
                "results_url": site_link("offers:mine"),
                "interns_url": site_link("offers:interns"),
                **_deadline_context(offer, call_obj),
            }
            notify_after_commit(user=offer.candidate, kind="offer_lapsed", context=context)
            notify_all_after_commit(
                supervisors.get(offer.project_id, []), "offer_lapsed_supervisor", context
            )
            lapsed.append(offer)
    if lapsed:
        logger.info("%d offers lapsed", len(lapsed))
    return lapsed


# ------------------------------------------------------------------ round two


def round_two_start(
    *, call, base_run: MatchRun, user, mode: str = "student", seed: int = 0, label: str = ""
) -> MatchRun:
    """Queue round two on what round one left, the places of offers declined or
    lapsed by now included (see ``matching.services.run_start_second_round``)."""
    offers_lapse(call=call)
    return run_start_second_round(
        call=call,
        base_run=base_run,
        user=user,
        declined=offers_freed(run=base_run),
        mode=mode,
        seed=seed,
        label=label,
    )


@receiver(run_published, dispatch_uid="offers.create_for_run")
def offers_on_run_published(*, sender, run: MatchRun, user, **kwargs) -> None:
    """Receiver of ``matching.signals.run_published``: a published run's placements
    become offers, in the publishing transaction."""
    offers_create_for_run(run=run, actor=user)
