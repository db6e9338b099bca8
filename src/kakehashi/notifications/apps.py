from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "kakehashi.notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        # Importing these connects their receivers (@receiver): the personal-data export
        # and deletion, mail about projects (invitations to supervise, each step of
        # vetting) and about affiliation requests; and registers the
        # `notifications.phases` job kind. They import models, hence here.
        from kakehashi.notifications import people, privacy, projects, tasks  # noqa: F401
