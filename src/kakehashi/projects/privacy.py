"""Projects' answers to people's personal-data export and account deletion
(receivers of ``people.signals.person_data_export`` and ``person_erase``)."""

from __future__ import annotations

from django.dispatch import receiver
from django.utils.translation import gettext as _

from kakehashi.people.privacy import KEPT, erase_item, model_section
from kakehashi.people.signals import person_data_export, person_erase
from kakehashi.projects.models import Project, ProjectSupervisor


@receiver(person_data_export, dispatch_uid="projects.privacy")
def projects_data_export(*, sender, person, **kwargs) -> dict:
    supervisions = (
        ProjectSupervisor.objects.filter(person=person)
        .select_related("project__call", "project__host")
        .order_by("project_id")
    )
    return {
        "supervised_projects": model_section(
            title=_("Projects you supervise"),
            explanation=_("The internship projects that name you as a supervisor."),
            model=Project,
            keys=["id", "key", "title", "call", "host", "status"],
            rows=[s.project for s in supervisions],
            labels={"host": _("host organisation")},
            values=lambda project: {"call": project.call.slug, "host": project.host.name},
        )
    }


@receiver(person_erase, dispatch_uid="projects.privacy")
def projects_erase(*, sender, person, placeholder, dry_run, **kwargs) -> list[dict]:
    return [
        erase_item(
            what=_("Projects you supervise"),
            count=ProjectSupervisor.objects.filter(person=person).count(),
            action=KEPT,
            why=_(
                "Projects belong to their host organisation and stay; they name the "
                "anonymised account as supervisor until the host names another."
            ),
        )
    ]
