"""Projects' cards on a person's home (receiver of ``programs.signals.home_cards``): a
supervisor's projects and invitations, an organisation admin's projects to vet, an
officer's projects awaiting vetting per call. A fixed number of queries each."""

from __future__ import annotations

from django.db.models import Count, Q
from django.dispatch import receiver
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from kakehashi.programs.home import HomeCard, HomeContext, home_cards_for_roles
from kakehashi.programs.signals import home_cards
from kakehashi.projects.enums import ProjectStatus
from kakehashi.projects.models import Project
from kakehashi.projects.selectors import supervision_invitations_of

#: At most this many projects on a card; the card links to the full list.
CARD_ROWS = 10


def _supervisor_card(home: HomeContext) -> HomeCard:
    projects = list(
        Project.objects.filter(supervisions__person_id=home.user.pk)
        .exclude(status=ProjectStatus.CLOSED)
        .select_related("call")
        .order_by("call__slug", "-created_at", "key")[:CARD_ROWS]
    )
    invitations = list(supervision_invitations_of(person=home.user)[:CARD_ROWS])
    steps = []
    if invitations:
        steps.append(
            ngettext(
                "Answer %(n)d invitation to supervise a project.",
                "Answer %(n)d invitations to supervise projects.",
                len(invitations),
            )
            % {"n": len(invitations)}
        )
    if any(p.status == ProjectStatus.DRAFT for p in projects):
        steps.append(_("Submit your draft projects for vetting."))
    return HomeCard(
        role="supervisor",
        order=20,
        title=gettext_lazy("My projects"),
        template="projects/home/supervisor.html",
        context={"projects": projects, "invitations": invitations},
        next_step=" ".join(steps),
    )


def _org_admin_card(home: HomeContext) -> HomeCard:
    """Projects submitted by the organisations the person administers, oldest first."""
    to_vet = list(
        Project.objects.filter(
            status=ProjectStatus.SUBMITTED,
            host__affiliations__person_id=home.user.pk,
            host__affiliations__role="admin",
        )
        .select_related("host", "call")
        .distinct()
        .order_by("updated_at", "key")[:CARD_ROWS]
    )
    return HomeCard(
        role="org_admin",
        order=10,
        title=gettext_lazy("Projects to vet"),
        template="projects/home/org_admin.html",
        context={"projects": to_vet},
        next_step=_("Vet the projects your organisations submitted.") if to_vet else "",
    )


def _officer_card(home: HomeContext) -> HomeCard:
    counts = {
        row["call_id"]: row
        for row in Project.objects.filter(call__in=home.calls)
        .values("call_id")
        .annotate(
            submitted=Count("pk", filter=Q(status=ProjectStatus.SUBMITTED)),
            approved=Count("pk", filter=Q(status=ProjectStatus.APPROVED)),
            draft=Count("pk", filter=Q(status=ProjectStatus.DRAFT)),
        )
    }
    empty = {"submitted": 0, "approved": 0, "draft": 0}
    rows = [{"call": call, **counts.get(call.pk, empty)} for call in home.calls]
    waiting = sum(row["submitted"] for row in rows)
    return HomeCard(
        role="officer",
        order=20,
        title=gettext_lazy("Projects"),
        template="projects/home/officer.html",
        context={"rows": rows},
        next_step=(
            ngettext("%(n)d project awaits vetting.", "%(n)d projects await vetting.", waiting)
            % {"n": waiting}
            if waiting
            else ""
        ),
    )


@receiver(home_cards, dispatch_uid="projects.home")
def home_cards_projects(*, sender, home: HomeContext, **kwargs) -> list[HomeCard]:
    return home_cards_for_roles(
        home,
        {
            "supervisor": _supervisor_card,
            "org_admin": _org_admin_card,
            "officer": _officer_card,
        },
    )
