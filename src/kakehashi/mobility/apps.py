from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MobilityConfig(AppConfig):
    name = "kakehashi.mobility"
    verbose_name = _("Mobility")

    def ready(self) -> None:
        # Importing these connects their receivers (@receiver): a new internship's plan
        # and re-planning after an amendment (services), the internship page's panel,
        # the personal-data export and deletion; and registers the job kind. They import
        # models, hence here, once the app registry is ready.
        from kakehashi.mobility import panels, privacy, services, tasks  # noqa: F401
