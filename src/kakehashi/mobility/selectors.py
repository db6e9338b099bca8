"""Reads of mobility: rule packs, plans the caller may see, coverage gaps, risks."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet
from django.utils import translation
from django.utils.translation import gettext as _

from kakehashi.core.roles import is_officer, visible_to
from kakehashi.internships.enums import InternshipStatus
from kakehashi.mobility.enums import StepOwner, StepStatus
from kakehashi.mobility.models import (
    EmergencyContact,
    InsuranceCoverage,
    MobilityPlan,
    PlanStep,
    RulePack,
    StepDocument,
)


def rule_pack_list() -> QuerySet[RulePack]:
    """The current version of each country's pack (the highest)."""
    latest = {}
    for pack in RulePack.objects.order_by("country", "-version"):
        latest.setdefault(pack.country, pack.pk)
    return RulePack.objects.filter(pk__in=latest.values()).order_by("country")


def rule_pack_current(country: str) -> RulePack | None:
    return RulePack.objects.filter(country=country.upper()).order_by("-version").first()


def plan_list_visible(*, user) -> QuerySet[MobilityPlan]:
    """Officers: every plan. Others: the plans of the internships they take part in
    (intern, home supervisor, supervisor of the host project)."""
    plans = MobilityPlan.objects.select_related(
        "internship",
        "internship__intern",
        "internship__host",
        "internship__home_organisation",
        "internship__project",
        "rule_pack",
    )
    return visible_to(
        plans,
        user=user,
        mine=lambda qs: qs.filter(
            Q(internship__intern_id=user.pk)
            | Q(internship__home_supervisor_id=user.pk)
            | Q(internship__project__supervisions__person_id=user.pk)
        ).distinct(),
    )


def plan_detail_visible(*, user) -> QuerySet[MobilityPlan]:
    """As :func:`plan_list_visible`, with the steps, their documents, coverages and
    contacts prefetched (one page, one API answer)."""
    return plan_list_visible(user=user).prefetch_related(
        Prefetch(
            "steps",
            queryset=PlanStep.objects.prefetch_related(
                Prefetch("documents", queryset=StepDocument.objects.order_by("id"))
            ),
        ),
        Prefetch("coverages", queryset=InsuranceCoverage.objects.order_by("start_date", "id")),
        Prefetch("contacts", queryset=EmergencyContact.objects.order_by("id")),
    )


def plan_get_visible(*, user, internship_id: int) -> MobilityPlan:
    return plan_detail_visible(user=user).get(internship_id=internship_id)


def step_get_visible(*, user, step_id: int) -> PlanStep:
    plans = plan_list_visible(user=user)
    return PlanStep.objects.select_related("plan", "plan__internship").get(
        pk=step_id, plan__in=plans
    )


def step_document_get_visible(*, user, document_id: int) -> StepDocument:
    plans = plan_list_visible(user=user)
    return StepDocument.objects.select_related("step").get(pk=document_id, step__plan__in=plans)


def plan_roles(*, user, plan: MobilityPlan) -> set[str]:
    """The owners `user` acts as on `plan`: intern, host (a supervisor of the host
    project), home (the home supervisor), officer."""
    internship = plan.internship
    roles = set()
    if internship.intern_id == user.pk:
        roles.add(StepOwner.INTERN)
    if internship.home_supervisor_id == user.pk:
        roles.add(StepOwner.HOME)
    if internship.project.supervisions.filter(person_id=user.pk).exists():
        roles.add(StepOwner.HOST)
    if is_officer(user):
        roles.add(StepOwner.OFFICER)
    return roles


def coverage_gaps(plan: MobilityPlan) -> list[tuple[dt.date, dt.date]]:
    """The periods of the stay (start to last day, both included) no coverage covers,
    as (first uncovered day, last uncovered day)."""
    internship = plan.internship
    start, last = internship.start_date, internship.last_day
    periods = sorted((c.start_date, c.end_date) for c in plan.coverages.all())
    gaps = []
    cursor = start
    for begin, end in periods:
        if end < cursor:
            continue
        if begin > cursor:
            gaps.append((cursor, min(begin - dt.timedelta(days=1), last)))
        cursor = max(cursor, end + dt.timedelta(days=1))
        if cursor > last:
            break
    if cursor <= last:
        gaps.append((cursor, last))
    return [(a, b) for a, b in gaps if a <= b and a <= last]


#: From this long before the start a gap in insurance puts the internship at risk (the
#: page shows gaps at any time).
INSURANCE_RISK_BEFORE = dt.timedelta(days=14)


@dataclass
class Risk:
    code: str
    message: str
    step: PlanStep | None = None


def plan_risks(plan: MobilityPlan, *, today: dt.date) -> list[Risk]:
    """Why a plan is at risk today: no route, a step not done past its risk date, a
    step past its deadline, a gap in insurance, no check-in two days after the start."""
    risks: list[Risk] = []
    if not plan.route_key:
        risks.append(Risk("no_route", _("No route: an officer must decide the visa or permit.")))
    for step in plan.steps.all():
        if step.status != StepStatus.OPEN:
            continue
        if step.risk_date and today >= step.risk_date:
            risks.append(
                Risk(
                    "step_at_risk",
                    _("Not done %(days)s days before the start: %(step)s")
                    % {
                        "days": (plan.internship.start_date - step.risk_date).days,
                        "step": step_title(step),
                    },
                    step,
                )
            )
        elif step.due_date and today > step.due_date:
            risks.append(
                Risk(
                    "step_overdue",
                    _("Past its deadline: %(step)s") % {"step": step_title(step)},
                    step,
                )
            )
    start = plan.internship.start_date
    gaps = coverage_gaps(plan) if today >= start - INSURANCE_RISK_BEFORE else []
    for first, last in gaps:
        risks.append(
            Risk(
                "insurance_gap",
                _("No insurance from %(first)s to %(last)s.")
                % {"first": first.isoformat(), "last": last.isoformat()},
            )
        )
    if plan.checked_in_at is None and today >= start + dt.timedelta(days=2):
        risks.append(Risk("no_check_in", _("The intern has not checked in since arriving.")))
    return risks


def plans_at_risk(*, user, today: dt.date) -> list[tuple[MobilityPlan, list[Risk]]]:
    """Planned and active internships' plans with at least one risk, soonest start first."""
    plans = plan_detail_visible(user=user).filter(
        internship__status__in=[InternshipStatus.PLANNED, InternshipStatus.ACTIVE]
    )
    answer = []
    for plan in plans.order_by("internship__start_date", "id"):
        risks = plan_risks(plan, today=today)
        if risks:
            answer.append((plan, risks))
    return answer


def step_title(step: PlanStep, language: str | None = None) -> str:
    """A step's title in the interface language (else English)."""
    language = language or translation.get_language() or "en"
    return step.title.get(language[:2]) or step.title.get("en", step.key)
