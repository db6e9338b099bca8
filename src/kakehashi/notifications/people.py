"""Mail about affiliation requests: to the organisation's admins when someone asks to be
affiliated with it, and to the person who asked once an admin (or an officer) decides.

Answers ``people.signals.affiliation_requested`` and ``affiliation_decided`` (connected
in ``NotificationsConfig.ready()``: people sits below notifications and does not import
it). Each mail goes once the transaction commits, in the reader's own language."""

from __future__ import annotations

from django.db.models import Q
from django.dispatch import receiver

from kakehashi.notifications.services import notify_all_after_commit, site_link
from kakehashi.people.models import User
from kakehashi.people.signals import affiliation_decided, affiliation_requested


def affiliation_deciders(request) -> list[User]:
    """Who decides `request`: the organisation's admins; officers when it has none. Never
    the person who asked."""
    admins = User.objects.filter(
        affiliations__organisation_id=request.organisation_id,
        affiliations__role="admin",
        is_active=True,
    )
    readers = (
        admins
        if admins.exists()
        else User.objects.filter(Q(is_officer=True) | Q(is_superuser=True), is_active=True)
    )
    return list(readers.exclude(pk=request.person_id).distinct().order_by("pk"))


@receiver(affiliation_requested, dispatch_uid="notifications.affiliation_requested")
def affiliation_requested_mail(*, sender, request, **kwargs) -> None:
    """Tell the organisation's admins (else the officers) that `request` waits for them."""
    context = {"request": request, "url": site_link("people:affiliation_requests")}
    notify_all_after_commit(affiliation_deciders(request), "affiliation_requested", context)


@receiver(affiliation_decided, dispatch_uid="notifications.affiliation_decided")
def affiliation_decided_mail(*, sender, request, actor, **kwargs) -> None:
    """Tell the person who asked whether their affiliation was confirmed or refused."""
    context = {"request": request, "actor": actor, "url": site_link("people:profile")}
    notify_all_after_commit([request.person], "affiliation_decided", context)
