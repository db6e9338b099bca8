from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApplicationsConfig(AppConfig):
    name = "kakehashi.applications"
    verbose_name = _("Applications")

    def ready(self) -> None:
        # Importing these connects their receivers (@receiver): the call overview's
        # counts, the project page's apply box, who sees applicants, phase activity,
        # the personal-data export and deletion, home cards. They import models, hence
        # here, once the app registry is ready.
        from kakehashi.applications import home, privacy, selectors  # noqa: F401
