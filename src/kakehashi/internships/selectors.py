"""Reads of internships."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from kakehashi.audit.models import AuditEntry
from kakehashi.core.roles import is_officer
from kakehashi.internships.models import Approval, Internship
from kakehashi.people.models import Affiliation
from kakehashi.projects.models import ProjectSupervisor

#: What every list and page of internships shows beside the internship itself.
RELATED = (
    "intern",
    "project",
    "program",
    "host",
    "home_organisation",
    "partner",
    "home_supervisor",
    "agreement",
    "agreement__partner_signatory",
)


def internship_list_for(person) -> QuerySet[Internship]:
    """Internships a person takes part in: as intern, home supervisor, supervisor of
    the host project or partner's signatory. Officers see every internship through
    `internship_list_visible`."""
    return (
        Internship.objects.filter(
            Q(intern_id=person.pk)
            | Q(home_supervisor_id=person.pk)
            | Exists(
                ProjectSupervisor.objects.filter(
                    project_id=OuterRef("project_id"), person_id=person.pk
                )
            )
            | Q(agreement__partner_signatory_id=person.pk)
        )
        .select_related(*RELATED)
        .order_by("start_date", "id")
    )


def internship_list_visible(*, user, filters: dict | None = None) -> QuerySet[Internship]:
    """The internships `user` may see: officers all; others their own, and those of an
    organisation they administer (host, home or partner). `filters` (officers' list):
    status, program (slug), direction."""
    if not getattr(user, "pk", None):
        return Internship.objects.none()
    if is_officer(user):
        qs = Internship.objects.select_related(*RELATED).order_by("start_date", "id")
    else:
        admin_of = Affiliation.objects.filter(person_id=user.pk, role="admin").values(
            "organisation_id"
        )
        own = internship_list_for(user)
        qs = (
            Internship.objects.filter(
                Q(pk__in=own.values("pk"))
                | Q(host_id__in=admin_of)
                | Q(home_organisation_id__in=admin_of)
                | Q(partner_id__in=admin_of)
            )
            .select_related(*RELATED)
            .order_by("start_date", "id")
        )
    for key, lookup in (
        ("status", "status"),
        ("program", "program__slug"),
        ("direction", "direction"),
    ):
        value = (filters or {}).get(key)
        if value:
            qs = qs.filter(**{lookup: value})
    return qs


def internship_get_visible(*, user, pk: int) -> Internship:
    """One visible internship (DoesNotExist otherwise: 404)."""
    return internship_list_visible(user=user).get(pk=pk)


def internship_history(internship: Internship) -> QuerySet[AuditEntry]:
    """The internship's audit entries, oldest first."""
    return (
        AuditEntry.objects.filter(target=f"internship {internship.pk}")
        .select_related("actor")
        .order_by("at", "id")
    )


def approvals_of(agreement) -> list[Approval]:
    return list(
        agreement.approvals.select_related("person", "amendment").order_by("approved_at", "id")
    )
