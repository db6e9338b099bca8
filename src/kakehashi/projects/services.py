"""Writes for projects: create, edit, submit for vetting, approve, close; supervisors
named by someone else are invited and become supervisors when they accept."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext as _

from kakehashi.audit.services import audit_record
from kakehashi.core import limits
from kakehashi.programs.enums import PhaseKind
from kakehashi.projects.enums import ProjectStatus, SupervisorRole
from kakehashi.projects.models import (
    Project,
    ProjectSupervisor,
    ProjectVersion,
    SupervisionInvitation,
)
from kakehashi.projects.rules import can_vet_project, may_create_at
from kakehashi.projects.signals import (
    project_approval_blockers,
    project_text_changed,
    project_transitioned,
    supervision_invited,
)

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
    # Read by `project_created_audit`, which audits every new project however it is made.
    project._created_by = actor
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
    ``actor=None`` (an officer's import of a file): everyone named is a supervisor.
    A change to existing supervisors is a new version of the project."""
    roles = {role for _, role in supervisors}
    if len(roles) > 1 and roles != {SupervisorRole.ACADEMIC, SupervisorRole.INDUSTRY}:
        raise ValidationError(_("Unknown supervisor role."))
    before = _supervisors_kept(project)
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
            new = invitation.pk is None
            invitation.role, invitation.order = role, order
            invitation.full_clean(exclude=["project"])
            invitation.save()
            if new:
                supervision_invited.send(
                    sender=Project, project=project, invitation=invitation, actor=actor
                )
    project.invitations.exclude(person_id__in=named).delete()
    if before:  # not the first set, at creation: a change of supervisors is a new version
        after = _supervisors_kept(project)
        project_version_add(
            project=project,
            actor=actor,
            before={"supervisors": before},
            after={"supervisors": after},
        )


def _supervisors_kept(project: Project) -> list[list]:
    """What a version keeps of the supervisors: ``[person id, role]`` in order, with
    ``"invited"`` added for those who have not accepted yet."""
    kept = [[s.person_id, str(s.role)] for s in project.supervisions.order_by("order", "id")]
    invited = project.invitations.order_by("order", "id")
    return kept + [[i.person_id, str(i.role), "invited"] for i in invited]


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


#: What a project says of itself: its texts, research fields, skills, place, dates and
#: capacity. Its import columns, its versions and its form's values name them in this order.
DESCRIPTION = (
    "language",
    "title",
    "summary",
    "description",
    "translations",
    "fields",
    "skills",
    "working_language",
    "city",
    "region",
    "start_date",
    "end_date",
    "capacity",
)
#: What a version of a project keeps (``fields`` by research field code).
VERSIONED = ("call", "key", "host", "status", *DESCRIPTION)
#: What candidates applied to and cannot be moved from under them: once applications
#: have opened, a project stays in its call, at its host, under its key.
FROZEN_AFTER_OPENING = ("call", "host", "key")


def project_snapshot(project: Project) -> dict:
    """The versioned values of `project`, as plain JSON-ready data."""
    values = {}
    for name in VERSIONED:
        if name in ("call", "host"):
            values[name] = getattr(project, f"{name}_id")
        elif name == "fields":
            values[name] = sorted(f.code for f in project.fields.all()) if project.pk else []
        else:
            values[name] = getattr(project, name)
    return values


def project_applications_opened(*, project: Project, now: dt.datetime | None = None) -> bool:
    """Whether candidates may have applied to `project` as it stands: its call's
    application phase has opened (open or past), or it has applications (any status)."""
    now = now or timezone.now()
    opened = any(
        p.kind == PhaseKind.APPLICATIONS and p.opens_at <= now for p in project.call.phases.all()
    )
    return opened or project.applications.exists()


def _diff(before: dict, after: dict) -> tuple[dict, dict]:
    changed = [k for k in after if before.get(k) != after[k]]
    return {k: before.get(k) for k in changed}, {k: after[k] for k in changed}


def project_version_add(
    *, project: Project, actor, before: dict, after: dict, now: dt.datetime | None = None
) -> ProjectVersion | None:
    """Keep the change from `before` to `after` (snapshots) as `project`'s next numbered
    version and audit it; None when nothing changed. Inside the caller's transaction."""
    old, new = _diff(before, after)
    if not new:
        return None
    now = now or timezone.now()
    # Lock the project row so two parallel edits cannot take the same number.
    Project.objects.select_for_update().filter(pk=project.pk).exists()
    last = project.versions.order_by("-number").values_list("number", flat=True).first()
    version = ProjectVersion(
        project=project,
        number=(last or 0) + 1,
        edited_at=now,
        actor=actor if actor is not None and actor.is_authenticated else None,
        after_opening=project_applications_opened(project=project, now=now),
        before=old,
        after=new,
    )
    version.full_clean()
    version.save()
    audit_record(
        scope=project,
        verb="project.edited",
        actor=actor,
        target=f"project {project.key} v{version.number}",
        data={
            "version": version.number,
            "after_opening": version.after_opening,
            "before": version.before,
            "after": version.after,
        },
    )
    return version


@transaction.atomic
def project_update(
    *, project: Project, fields=None, actor=None, now: dt.datetime | None = None, **values
) -> Project:
    """Edit a project; every change is kept as a numbered :class:`ProjectVersion` and
    audited (``project.edited``, before and after of the changed fields).

    Once candidates may have applied (`project_applications_opened`), its call, host
    and key no longer change: refused, changing nothing."""
    before = project_snapshot(project)
    for name, value in values.items():
        setattr(project, name, value)
    now_values = {"call": project.call_id, "host": project.host_id, "key": project.key}
    moved = [
        name for name in FROZEN_AFTER_OPENING if name in values and now_values[name] != before[name]
    ]
    if moved and project_applications_opened(project=project, now=now):
        raise ValidationError(
            {
                name: _(
                    "Candidates may already have applied to this project: its call, host "
                    "and key can no longer change."
                )
                for name in moved
            },
            code="frozen",
        )
    project.full_clean()
    project.save()
    if fields is not None:
        project.fields.set(fields)
    project_version_add(
        project=project, actor=actor, before=before, after=project_snapshot(project), now=now
    )
    if values.keys() & {"title", "summary", "description"}:
        project_text_changed.send(sender=Project, project=project)
    return project


@receiver(post_save, sender=Project, dispatch_uid="projects.audit")
def project_created_audit(*, sender, instance: Project, created: bool, raw=False, **kwargs):
    """Receiver of ``post_save`` on Project: audit a new project with its first values
    (``project.created``), however it is made (API, import, admin, demo). Made through
    `project_create`, the entry names its actor; otherwise (the admin, factories) there
    is none here, and the admin's own entry names who made it."""
    if created and not raw:
        values = project_snapshot(instance)
        values.pop("fields")  # set after the first save
        audit_record(
            scope=instance,
            verb="project.created",
            actor=getattr(instance, "_created_by", None),
            target=f"project {instance.key}",
            data={"after": values},
        )


#: Approving and closing are vetting (`projects.rules.can_vet_project`).
_VETTING = {ProjectStatus.APPROVED, ProjectStatus.CLOSED}


@transaction.atomic
def project_transition(
    *, project: Project, to: str, actor, comment: str = "", now: dt.datetime | None = None
) -> Project:
    """Move a project along draft → submitted → approved → closed (or back to draft).

    `actor` may change the project (the caller checked ``projects.change_project``);
    approving and closing are only for officers and the host's admins, checked here
    so that every page and endpoint shares the rule (PermissionDenied otherwise).

    Returning a submitted project to draft with a `comment` is vetting too (officers
    and the host's admins): the comment is kept on the project, shown to its
    supervisors until they submit it again, and in the audit entry for good.
    Supervisors (and, on a submission, the host's admins) are mailed once it commits."""
    comment = (comment or "").strip()
    if to not in ProjectStatus.values:
        raise ValidationError({"to": _("“%(value)s” is not a project status.") % {"value": to}})
    if to in _VETTING and not can_vet_project.test(actor, project):
        raise PermissionDenied(
            _("Only officers and the host's admins may approve or close a project.")
        )
    if comment:
        if to != ProjectStatus.DRAFT or project.status != ProjectStatus.SUBMITTED:
            raise ValidationError(
                {"comment": _("Only a project returned to draft carries a comment.")},
                code="comment",
            )
        if not can_vet_project.test(actor, project):
            raise PermissionDenied(
                _("Only officers and the host's admins may return a project with a comment.")
            )
        if len(comment) > limits.SHORT_TEXT:
            raise ValidationError(
                {
                    "comment": _("A comment has at most %(limit)d characters.")
                    % {"limit": limits.SHORT_TEXT}
                },
                code="max_length",
            )
    if to not in _TRANSITIONS[ProjectStatus(project.status)]:
        raise ValidationError(
            _("A %(from)s project cannot become %(to)s.")
            % {"from": project.get_status_display(), "to": ProjectStatus(to).label},
            code="bad_transition",
        )
    if to == ProjectStatus.APPROVED:
        reasons = [
            str(r)
            for _receiver, answer in project_approval_blockers.send(sender=Project, project=project)
            for r in answer or []
        ]
        if reasons:
            raise ValidationError(reasons, code="blocked")
    before = project.status
    project.status = to
    if to == ProjectStatus.SUBMITTED:
        project.submitted_at = now or timezone.now()
        project.return_comment = ""
    elif to == ProjectStatus.DRAFT:
        project.submitted_at = None
        project.return_comment = comment
    project.full_clean()
    project.save(update_fields=["status", "submitted_at", "return_comment", "updated_at"])
    data = {"call": project.call_id, "before": {"status": before}, "after": {"status": to}}
    if comment:
        data["comment"] = comment
    audit_record(
        scope=project,
        verb=f"project.{to}",
        actor=actor,
        target=f"project {project.key}",
        data=data,
    )
    project_transitioned.send(
        sender=Project, project=project, before=before, to=to, actor=actor, comment=comment
    )
    return project
