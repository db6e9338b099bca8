from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "kakehashi.projects"
    verbose_name = _("Projects")

    def ready(self) -> None:
        # Imported once the app registry is ready: selectors import models.
        from kakehashi.people.signals import person_visibility
        from kakehashi.programs.signals import call_overview
        from kakehashi.projects.selectors import (
            call_projects_overview,
            people_visible_as_supervisors,
        )

        call_overview.connect(call_projects_overview, dispatch_uid="projects.call_overview")
        person_visibility.connect(people_visible_as_supervisors, dispatch_uid="projects.people")
        # Answer the personal-data export and the account deletion (people/privacy.py).
        from kakehashi.people.signals import person_data_export, person_erase
        from kakehashi.projects.privacy import projects_data_export, projects_erase

        person_data_export.connect(projects_data_export, dispatch_uid="projects.privacy")
        person_erase.connect(projects_erase, dispatch_uid="projects.privacy")
