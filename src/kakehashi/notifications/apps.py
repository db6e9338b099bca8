from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "kakehashi.notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        # Registers the `notifications.phases` job kind.
        from kakehashi.notifications import tasks  # noqa: F401
