from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "kakehashi.reports"
    verbose_name = _("Reports and surveys")

    def ready(self) -> None:
        # Registers the `reports.remind` job kind; imported here, once the app registry
        # is ready, because the task imports models.
        from kakehashi.reports import tasks  # noqa: F401
