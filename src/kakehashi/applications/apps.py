from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApplicationsConfig(AppConfig):
    name = "kakehashi.applications"
    verbose_name = _("Applications")

    def ready(self) -> None:
        # Imported once the app registry is ready: selectors import models.
        from kakehashi.applications.selectors import (
            call_applications_overview,
            people_visible_as_applicants,
            project_page_apply,
        )
        from kakehashi.people.signals import person_visibility
        from kakehashi.programs.signals import call_overview
        from kakehashi.projects.signals import project_page

        call_overview.connect(call_applications_overview, dispatch_uid="applications.overview")
        project_page.connect(project_page_apply, dispatch_uid="applications.project_page")
        person_visibility.connect(people_visible_as_applicants, dispatch_uid="applications.people")
        # Say whether anyone acted in a phase (an opening may only be undone if not).
        from kakehashi.applications.selectors import phase_activity_count
        from kakehashi.programs.signals import phase_activity

        phase_activity.connect(phase_activity_count, dispatch_uid="applications.phase_activity")
        # Answer the personal-data export and the account deletion (people/privacy.py).
        from kakehashi.applications.privacy import applications_data_export, applications_erase
        from kakehashi.people.signals import person_data_export, person_erase

        person_data_export.connect(applications_data_export, dispatch_uid="applications.privacy")
        person_erase.connect(applications_erase, dispatch_uid="applications.privacy")
        # Cards of a person's home (programs/home.py); home imports models, hence here.
        from kakehashi.applications.home import home_cards_applications
        from kakehashi.programs.signals import home_cards

        home_cards.connect(home_cards_applications, dispatch_uid="applications.home")
