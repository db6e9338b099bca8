"""Who is told what about a call's phases. Each function answers in a fixed number
of queries, whatever the number of people (tests/kakehashi/notifications)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, F, Q, QuerySet, Value
from django.db.models.functions import Least

from kakehashi.applications.enums import ApplicationStatus
from kakehashi.applications.models import Application, HostRank
from kakehashi.people.models import User
from kakehashi.programs.models import Call
from kakehashi.programs.services import call_eligibility_errors
from kakehashi.projects.enums import PUBLISHED


@dataclass(frozen=True)
class Recipient:
    """A person to notify, with what the message says about them."""

    user: User
    role: str  # "candidate" or "supervisor"
    details: dict = field(default_factory=dict)


def _reachable() -> QuerySet[User]:
    return User.objects.filter(is_active=True).exclude(email="")


def candidates_eligible(*, call: Call) -> list[User]:
    """Active candidates with an address who are eligible in `call` (docs/calls.md)."""
    program = call.program
    people = (
        _reachable()
        .filter(
            candidate_profile__level__in=program.eligible_levels,
            candidate_profile__direction__in=program.directions,
        )
        .select_related("candidate_profile")
        .prefetch_related("languages")
        .order_by("pk")
    )
    return [p for p in people if not call_eligibility_errors(call, p)]


def supervisors_of_call(*, call: Call) -> QuerySet[User]:
    """Active supervisors with an address of the call's published projects."""
    return (
        _reachable()
        .filter(supervisions__project__call=call, supervisions__project__status__in=PUBLISHED)
        .distinct()
        .order_by("pk")
    )


def candidates_with_something_to_do(*, call: Call) -> list[Recipient]:
    """Eligible candidates who have not applied, or who could still rank more of
    their applications (fewer ranked than both their applications and the limit)."""
    eligible = {u.pk: u for u in candidates_eligible(call=call)}
    counts = {
        row["candidate_id"]: row
        for row in Application.objects.filter(
            call=call, status=ApplicationStatus.SUBMITTED, candidate_id__in=list(eligible)
        )
        .values("candidate_id")
        .annotate(applied=Count("pk"), ranked=Count("pk", filter=Q(rank__isnull=False)))
    }
    out = []
    for pk, user in eligible.items():
        row = counts.get(pk, {"applied": 0, "ranked": 0})
        if row["applied"] == 0 or row["ranked"] < min(row["applied"], call.ranking_limit):
            out.append(
                Recipient(
                    user=user,
                    role="candidate",
                    details={"applied": row["applied"], "ranked": row["ranked"]},
                )
            )
    return out


def supervisors_with_unranked_applicants(*, call: Call) -> list[Recipient]:
    """Supervisors with applicants (submitted, to their projects in the call) who are
    not in their host ranking yet."""
    applicants: dict[int, set[int]] = {}
    for supervisor_id, candidate_id in Application.objects.filter(
        call=call, status=ApplicationStatus.SUBMITTED
    ).values_list("project__supervisions__person_id", "candidate_id"):
        if supervisor_id is not None:
            applicants.setdefault(supervisor_id, set()).add(candidate_id)
    ranked: dict[int, set[int]] = {}
    for supervisor_id, candidate_id in HostRank.objects.filter(call=call).values_list(
        "supervisor_id", "candidate_id"
    ):
        ranked.setdefault(supervisor_id, set()).add(candidate_id)
    waiting = {
        pk: len(people - ranked.get(pk, set()))
        for pk, people in applicants.items()
        if people - ranked.get(pk, set())
    }
    return [
        Recipient(
            user=user,
            role="supervisor",
            details={"unranked": waiting[user.pk], "applicants": len(applicants[user.pk])},
        )
        for user in _reachable().filter(pk__in=list(waiting)).order_by("pk")
    ]


def candidates_without_rank_list(*, call: Call) -> list[Recipient]:
    """Active candidates with an address who have submitted applications in `call` and
    either no saved rank list (none of their applications ranked: as things stand they
    take part in the match with no project), or a saved list that leaves out applications
    they could still rank (applied to since they saved it: fewer ranked than both their
    applications and the call's limit). Two queries."""
    rows = {
        row["candidate_id"]: row
        for row in Application.objects.filter(call=call, status=ApplicationStatus.SUBMITTED)
        .values("candidate_id")
        .annotate(applied=Count("pk"), ranked=Count("pk", filter=Q(rank__isnull=False)))
        .filter(ranked__lt=Least(F("applied"), Value(call.ranking_limit)))
    }
    return [
        Recipient(
            user=user,
            role="candidate",
            details={"applied": rows[user.pk]["applied"], "ranked": rows[user.pk]["ranked"]},
        )
        for user in _reachable().filter(pk__in=list(rows)).order_by("pk")
    ]
