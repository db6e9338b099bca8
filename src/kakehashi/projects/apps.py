from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "kakehashi.projects"
    verbose_name = _("Projects")

    def ready(self) -> None:
        # Imported once the app registry is ready: selectors import models.
        from django.db.models.signals import post_save

        # Selectors and services import models: also only once the registry is ready.
        from kakehashi.people.signals import person_visibility
        from kakehashi.programs.signals import call_overview
        from kakehashi.projects.models import Project
        from kakehashi.projects.selectors import (
            call_projects_overview,
            people_visible_as_supervisors,
        )
        from kakehashi.projects.services import project_created_audit

        call_overview.connect(call_projects_overview, dispatch_uid="projects.call_overview")
        person_visibility.connect(people_visible_as_supervisors, dispatch_uid="projects.people")
        post_save.connect(project_created_audit, sender=Project, dispatch_uid="projects.audit")
        # Answer the personal-data export and the account deletion (people/privacy.py).
        from kakehashi.people.signals import person_data_export, person_erase
        from kakehashi.projects.privacy import projects_data_export, projects_erase

        person_data_export.connect(projects_data_export, dispatch_uid="projects.privacy")
        person_erase.connect(projects_erase, dispatch_uid="projects.privacy")
        # Cards of a person's home (programs/home.py); home imports models, hence here.
        from kakehashi.programs.signals import home_cards
        from kakehashi.projects.home import home_cards_projects

        home_cards.connect(home_cards_projects, dispatch_uid="projects.home")
