from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "kakehashi.notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        # Registers the `notifications.phases` job kind.
        from kakehashi.notifications import tasks  # noqa: F401

        # Answer the personal-data export and the account deletion (people/privacy.py).
        from kakehashi.notifications.privacy import notifications_data_export, notifications_erase
        from kakehashi.people.signals import person_data_export, person_erase

        person_data_export.connect(notifications_data_export, dispatch_uid="notifications.privacy")
        person_erase.connect(notifications_erase, dispatch_uid="notifications.privacy")
        # Mail about projects: invitations to supervise and each step of vetting.
        from kakehashi.notifications.projects import (
            project_transition_mail,
            supervision_invited_mail,
        )
        from kakehashi.projects.signals import project_transitioned, supervision_invited

        supervision_invited.connect(supervision_invited_mail, dispatch_uid="notifications.invited")
        project_transitioned.connect(
            project_transition_mail, dispatch_uid="notifications.project_transition"
        )
        # Mail about affiliation requests: to the organisation's admins, then the asker.
        from kakehashi.notifications.people import (
            affiliation_decided_mail,
            affiliation_requested_mail,
        )
        from kakehashi.people.signals import affiliation_decided, affiliation_requested

        affiliation_requested.connect(
            affiliation_requested_mail, dispatch_uid="notifications.affiliation_requested"
        )
        affiliation_decided.connect(
            affiliation_decided_mail, dispatch_uid="notifications.affiliation_decided"
        )
