"""Notifications' answers to people's personal-data export and account deletion
(receivers of ``people.signals.person_data_export`` and ``person_erase``).

Only the log of what was sent is stored (kind, subject key, time), not the mail."""

from __future__ import annotations

from django.dispatch import receiver
from django.utils.translation import gettext as _

from kakehashi.notifications.models import NotificationLog
from kakehashi.people.privacy import DELETED, Erase, erase_plan, model_section
from kakehashi.people.signals import person_data_export, person_erase


@receiver(person_data_export, dispatch_uid="notifications.privacy")
def notifications_data_export(*, sender, person, **kwargs) -> dict:
    return {
        "notifications": model_section(
            title=_("Notifications sent to you"),
            explanation=_(
                "Which messages were mailed to you and when (the mail itself is not kept)."
            ),
            model=NotificationLog,
            keys=["kind", "key", "sent_at"],
            rows=NotificationLog.objects.filter(user=person).order_by("sent_at", "pk"),
        )
    }


@receiver(person_erase, dispatch_uid="notifications.privacy")
def notifications_erase(*, sender, person, placeholder, dry_run, **kwargs) -> list[dict]:
    return erase_plan(
        Erase(
            what=_("Notifications sent to you"),
            rows=NotificationLog.objects.filter(user=person),
            action=DELETED,
            why=_("They only kept reminders from going out twice; none go out any more."),
        ),
        dry_run=dry_run,
    )
