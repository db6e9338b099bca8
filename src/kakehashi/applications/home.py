"""Applications' cards on a person's home (receiver of ``programs.signals.home_cards``):
a candidate's applications and rank lists, a supervisor's applicants to rank, an
officer's applications and rankings per call. A fixed number of queries each."""

from __future__ import annotations

from django.db.models import Count, Q
from django.dispatch import receiver
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kakehashi.applications.enums import ApplicationStatus
from kakehashi.applications.models import Application, HostRank
from kakehashi.programs.enums import PhaseKind
from kakehashi.programs.home import HomeCard, HomeContext, home_cards_for_roles
from kakehashi.programs.signals import home_cards


def _open(phase, now) -> bool:
    return phase is not None and phase.is_open(now)


def _count_per_call(queryset, count) -> dict[int, int]:
    """The aggregate `count` of `queryset`'s rows, per call id (one query)."""
    return dict(queryset.values("call_id").annotate(n=count).values_list("call_id", "n"))


def _candidate_card(home: HomeContext) -> HomeCard:
    """Per running call: the candidate's applications, how many are ranked, and what to do."""
    counts = {
        row["call_id"]: row
        for row in Application.objects.filter(
            candidate_id=home.user.pk,
            status=ApplicationStatus.SUBMITTED,
            call__in=home.calls,
        )
        .values("call_id")
        .annotate(n=Count("pk"), ranked=Count("pk", filter=Q(rank__isnull=False)))
    }
    rows, steps = [], []
    for call in home.calls:
        row = counts.get(call.pk, {"n": 0, "ranked": 0})
        phase = call.phase(PhaseKind.APPLICATIONS)
        is_open = _open(phase, home.now)
        rows.append(
            {
                "call": call,
                "applications": row["n"],
                "ranked": row["ranked"],
                "open": is_open,
                "phase": phase,
            }
        )
        if not is_open:
            continue
        if row["n"] == 0:
            steps.append(_("Apply to projects of %(call)s.") % {"call": call})
        elif row["ranked"] < row["n"]:
            steps.append(
                _("Rank your applications to %(call)s before its deadline.") % {"call": call}
            )
    return HomeCard(
        role="candidate",
        order=20,
        title=gettext_lazy("My applications"),
        template="applications/home/candidate.html",
        context={"rows": rows},
        next_step=" ".join(steps),
    )


def _supervisor_card(home: HomeContext) -> HomeCard:
    """Per running call: the applicants to the supervisor's projects and how many they ranked."""
    applicants = _count_per_call(
        Application.objects.filter(
            call__in=home.calls,
            status=ApplicationStatus.SUBMITTED,
            project__supervisions__person_id=home.user.pk,
        ),
        Count("candidate_id", distinct=True),
    )
    ranked = _count_per_call(
        HostRank.objects.filter(supervisor_id=home.user.pk, call__in=home.calls), Count("pk")
    )
    rows, steps = [], []
    for call in home.calls:
        n, r = applicants.get(call.pk, 0), ranked.get(call.pk, 0)
        phase = call.phase(PhaseKind.HOST_RANKING)
        is_open = _open(phase, home.now)
        if n or r:
            rows.append(
                {"call": call, "applicants": n, "ranked": r, "open": is_open, "phase": phase}
            )
        if is_open and n and not r:
            steps.append(
                _("Rank your applicants to %(call)s before its deadline.") % {"call": call}
            )
    return HomeCard(
        role="supervisor",
        order=30,
        title=gettext_lazy("Applicants to rank"),
        template="applications/home/supervisor.html",
        context={"rows": rows},
        next_step=" ".join(steps),
    )


def _officer_card(home: HomeContext) -> HomeCard:
    """Per running call: applications, candidates who ranked, supervisors who ranked, and
    at risk in an open host ranking phase: supervisors with applicants and no ranking."""
    apps = {
        row["call_id"]: row
        for row in Application.objects.filter(
            call__in=home.calls, status=ApplicationStatus.SUBMITTED
        )
        .values("call_id")
        .annotate(
            n=Count("pk"),
            candidates=Count("candidate_id", distinct=True),
            candidates_ranked=Count("candidate_id", filter=Q(rank__isnull=False), distinct=True),
            supervisors=Count("project__supervisions__person_id", distinct=True),
        )
    }
    ranked = _count_per_call(
        HostRank.objects.filter(call__in=home.calls), Count("supervisor_id", distinct=True)
    )
    rows, risks = [], []
    for call in home.calls:
        row = apps.get(call.pk, {"n": 0, "candidates": 0, "candidates_ranked": 0, "supervisors": 0})
        supervisors_ranked = ranked.get(call.pk, 0)
        missing = max(0, row["supervisors"] - supervisors_ranked)
        at_risk = _open(call.phase(PhaseKind.HOST_RANKING), home.now) and missing > 0
        rows.append(
            {
                "call": call,
                "applications": row["n"],
                "candidates": row["candidates"],
                "candidates_ranked": row["candidates_ranked"],
                "supervisors": row["supervisors"],
                "supervisors_ranked": supervisors_ranked,
                "missing": missing if at_risk else 0,
            }
        )
        if at_risk:
            risks.append(call)
    return HomeCard(
        role="officer",
        order=30,
        title=gettext_lazy("Applications and rankings"),
        template="applications/home/officer.html",
        context={"rows": rows},
        next_step=(
            _("Remind the supervisors who have not ranked their applicants yet.") if risks else ""
        ),
    )


@receiver(home_cards, dispatch_uid="applications.home")
def home_cards_applications(*, sender, home: HomeContext, **kwargs) -> list[HomeCard]:
    return home_cards_for_roles(
        home,
        {
            "candidate": _candidate_card,
            "supervisor": _supervisor_card,
            "officer": _officer_card,
        },
    )
