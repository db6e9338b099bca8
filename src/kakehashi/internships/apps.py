from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InternshipsConfig(AppConfig):
    name = "kakehashi.internships"
    verbose_name = _("Internships")

    def ready(self) -> None:
        # Importing these connects their receivers (@receiver): an accepted offer starts
        # an internship (services), research security blocks approval until done
        # (security), the personal-data export and deletion, home cards; and registers
        # the `internships.advance` job kind. They import models, hence here.
        from kakehashi.internships import home, privacy, security, services, tasks  # noqa: F401
