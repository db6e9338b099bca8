"""Writes for projects: create, edit, submit for vetting, approve, close; supervisors
named by someone else are invited and become supervisors when they accept."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kakehashi.projects.enums import ProjectStatus, SupervisorRole
from kakehashi.projects.models import Project, ProjectSupervisor, SupervisionInvitation
from kakehashi.projects.rules import can_vet_project, may_create_at
from kakehashi.projects.signals import project_text_changed

_TRANSITIONS = {
    ProjectStatus.DRAFT: {ProjectStatus.SUBMITTED},
    ProjectStatus.SUBMITTED: {ProjectStatus.APPROVED, ProjectStatus.DRAFT},
    ProjectStatus.APPROVED: {ProjectStatus.CLOSED},
    ProjectStatus.CLOSED: set(),
}


@transaction.atomic
def project_create(*, actor, supervisors=(), fields=(), **values) -> Project:
    """Create a project. `supervisors`: [(user, role)], lead first; `fields`: ResearchFields.

    `actor` creates it: officers, and people affiliated with the host as supervisor,
    researcher or admin (`projects.rules.may_create_at`); anyone else is refused
    (PermissionDenied), whatever page or endpoint they came through. The people `actor`
    names, other than themselves, are invited (see `project_supervisors_set`).
    ``actor=None`` is a write of the system itself (an officer's import of a file):
    no rule, every named supervisor is one at once."""
    host = values.get("host")
    if actor is not None and not may_create_at.test(actor, host):
        raise PermissionDenied(
            _(
                "Only people affiliated with the host organisation, its admins and "
                "officers may create its projects."
            )
        )
    project = Project(**values)
    project.full_clean()
    project.save()
    project.fields.set(fields)
    project_supervisors_set(project=project, supervisors=supervisors, actor=actor)
    project_text_changed.send(sender=Project, project=project)
    return project


@transaction.atomic
def project_supervisors_set(*, project: Project, supervisors, actor=None) -> None:
    """Make `supervisors` ([(user, role)], lead first) the project's supervisors.

    With an `actor`, only `actor` and the people already supervising become (or stay)
    supervisors at once; everyone else is invited and becomes a supervisor when they
    accept (`supervision_accept`). Invitations of people no longer named are dropped.
    ``actor=None`` (an officer's import of a file): everyone named is a supervisor."""
    roles = {role for _, role in supervisors}
    if len(roles) > 1 and roles != {SupervisorRole.ACADEMIC, SupervisorRole.INDUSTRY}:
        raise ValidationError(_("Unknown supervisor role."))
    accepted = set(project.supervisions.values_list("person_id", flat=True))
    project.supervisions.all().delete()
    named = []
    for order, (person, role) in enumerate(supervisors):
        named.append(person.pk)
        if actor is None or person.pk == actor.pk or person.pk in accepted:
            link = ProjectSupervisor(project=project, person=person, role=role, order=order)
            link.full_clean(exclude=["project"])
            link.save()
            project.invitations.filter(person=person).delete()
        else:
            invitation = SupervisionInvitation.objects.filter(
                project=project, person=person
            ).first() or SupervisionInvitation(project=project, person=person, invited_by=actor)
            invitation.role, invitation.order = role, order
            invitation.full_clean(exclude=["project"])
            invitation.save()
    project.invitations.exclude(person_id__in=named).delete()


def _invitation(*, project: Project, person) -> SupervisionInvitation:
    invitation = project.invitations.filter(person_id=person.pk).first()
    if invitation is None:
        raise ValidationError(
            _("You have no pending invitation to supervise this project."), code="not_invited"
        )
    return invitation


@transaction.atomic
def supervision_accept(*, project: Project, person) -> ProjectSupervisor:
    """`person` accepts to supervise `project`: they are listed, matched and may edit it."""
    invitation = _invitation(project=project, person=person)
    link = ProjectSupervisor(
        project=project, person=person, role=invitation.role, order=invitation.order
    )
    link.full_clean()
    link.save()
    invitation.delete()
    return link


@transaction.atomic
def supervision_decline(*, project: Project, person) -> None:
    """`person` declines to supervise `project`: the invitation is gone."""
    _invitation(project=project, person=person).delete()


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
