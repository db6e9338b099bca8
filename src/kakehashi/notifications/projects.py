"""Mail about projects: an invitation to supervise one, and each step of its vetting.

Answers ``projects.signals.supervision_invited`` and ``project_transitioned``
(connected in ``NotificationsConfig.ready()``: projects sits below notifications and
does not import it). Each mail goes once the transaction commits, in the reader's
own language (`notify_after_commit`); one failed delivery does not stop the others."""

from __future__ import annotations

from django.dispatch import receiver

from kakehashi.notifications.services import notify_all_after_commit, site_link
from kakehashi.people.models import User
from kakehashi.projects.signals import project_transitioned, supervision_invited


@receiver(supervision_invited, dispatch_uid="notifications.invited")
def supervision_invited_mail(*, sender, project, invitation, actor, **kwargs) -> None:
    """Tell the person named a supervisor of `project` that they are invited."""
    context = {
        "project": project,
        "invitation": invitation,
        "invited_by": actor,
        "url": site_link("projects:detail", project.key),
    }
    notify_all_after_commit([invitation.person], "supervision_invited", context)


#: The mail of each transition: to the project's supervisors, or to the host's admins.
_TRANSITION_KINDS = {
    "submitted": "project_submitted",
    "approved": "project_approved",
    "draft": "project_returned",
    "closed": "project_closed",
}


@receiver(project_transitioned, dispatch_uid="notifications.project_transition")
def project_transition_mail(*, sender, project, before, to, actor, comment="", **kwargs) -> None:
    """Mail a project's supervisors when it is approved, returned to draft or closed;
    its host's admins when it is submitted for vetting. The actor is not mailed."""
    kind = _TRANSITION_KINDS.get(str(to))
    if kind is None:
        return
    actor_pk = getattr(actor, "pk", None)
    if to == "submitted":
        readers = User.objects.filter(
            affiliations__organisation_id=project.host_id, affiliations__role="admin"
        ).distinct()
        url = site_link("projects:detail", project.key)
    else:
        readers = User.objects.filter(supervisions__project=project).distinct()
        url = (
            site_link("projects:edit", project.key)
            if to == "draft"
            else site_link("projects:detail", project.key)
        )
    context = {"project": project, "actor": actor, "comment": comment, "url": url}
    notify_all_after_commit([u for u in readers.exclude(pk=actor_pk)], kind, context)
