"""Writes for projects: create, edit, submit for vetting, approve, close."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kakehashi.projects.enums import ProjectStatus, SupervisorRole
from kakehashi.projects.models import Project, ProjectSupervisor
from kakehashi.projects.rules import can_vet_project
from kakehashi.projects.signals import project_text_changed

_TRANSITIONS = {
    ProjectStatus.DRAFT: {ProjectStatus.SUBMITTED},
    ProjectStatus.SUBMITTED: {ProjectStatus.APPROVED, ProjectStatus.DRAFT},
    ProjectStatus.APPROVED: {ProjectStatus.CLOSED},
    ProjectStatus.CLOSED: set(),
}


@transaction.atomic
def project_create(*, supervisors=(), fields=(), **values) -> Project:
    """Create a project. `supervisors`: [(user, role)], lead first; `fields`: ResearchFields."""
    project = Project(**values)
    project.full_clean()
    project.save()
    project.fields.set(fields)
    project_supervisors_set(project=project, supervisors=supervisors)
    project_text_changed.send(sender=Project, project=project)
    return project


@transaction.atomic
def project_supervisors_set(*, project: Project, supervisors) -> None:
    project.supervisions.all().delete()
    for order, (person, role) in enumerate(supervisors):
        link = ProjectSupervisor(project=project, person=person, role=role, order=order)
        link.full_clean(exclude=["project"])
        link.save()
    roles = {role for _, role in supervisors}
    if len(roles) > 1 and roles != {SupervisorRole.ACADEMIC, SupervisorRole.INDUSTRY}:
        raise ValidationError(_("Unknown supervisor role."))


@transaction.atomic
def project_update(*, project: Project, fields=None, **values) -> Project:
    for name, value in values.items():
        setattr(project, name, value)
    project.full_clean()
    project.save()
    if fields is not None:
        project.fields.set(fields)
    if values.keys() & {"title", "summary", "description"}:
        project_text_changed.send(sender=Project, project=project)
    return project


#: Approving and closing are vetting (`projects.rules.can_vet_project`).
_VETTING = {ProjectStatus.APPROVED, ProjectStatus.CLOSED}


@transaction.atomic
def project_transition(*, project: Project, to: str, actor) -> Project:
    """Move a project along draft → submitted → approved → closed (or back to draft).

    `actor` may change the project (the caller checked ``projects.change_project``);
    approving and closing are only for officers and the host's admins, checked here
    so that every page and endpoint shares the rule (PermissionDenied otherwise)."""
    if to not in ProjectStatus.values:
        raise ValidationError({"to": _("“%(value)s” is not a project status.") % {"value": to}})
    if to in _VETTING and not can_vet_project.test(actor, project):
        raise PermissionDenied(
            _("Only officers and the host's admins may approve or close a project.")
        )
    if to not in _TRANSITIONS[ProjectStatus(project.status)]:
        raise ValidationError(
            _("A %(from)s project cannot become %(to)s.")
            % {"from": project.get_status_display(), "to": ProjectStatus(to).label},
            code="bad_transition",
        )
    project.status = to
    project.full_clean()
    project.save(update_fields=["status", "updated_at"])
    return project
