from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "kakehashi.projects"
    verbose_name = _("Projects")

    def ready(self) -> None:
        # Importing these connects their receivers (@receiver): the call overview's
        # counts and who sees supervisors (selectors), the audit of a project's creation
        # (services), the personal-data export and deletion, home cards. They import
        # models, hence here, once the app registry is ready.
        from kakehashi.projects import home, privacy, selectors, services  # noqa: F401
