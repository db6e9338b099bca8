from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MobilityConfig(AppConfig):
    name = "kakehashi.mobility"
    verbose_name = _("Mobility")

    def ready(self) -> None:
        # Receivers import models: connected once the app registry is ready.
        from django.db.models.signals import post_save  # with the receivers below

        # The receivers, the panel, the privacy answers and the job's registration.
        from kakehashi.internships.models import Internship
        from kakehashi.internships.signals import amendment_approved, internship_page
        from kakehashi.mobility import tasks  # noqa: F401
        from kakehashi.mobility.panels import mobility_panel
        from kakehashi.mobility.privacy import mobility_data_export, mobility_erase
        from kakehashi.mobility.services import plan_on_amendment, plan_on_internship_saved
        from kakehashi.people.signals import person_data_export, person_erase

        # A new internship gets its plan in the same transaction (no signal of
        # internships is needed: its model's post_save says it was created).
        post_save.connect(plan_on_internship_saved, sender=Internship, dispatch_uid="mobility.plan")
        amendment_approved.connect(plan_on_amendment, dispatch_uid="mobility.amendment")
        internship_page.connect(mobility_panel, dispatch_uid="mobility.panel")
        person_data_export.connect(mobility_data_export, dispatch_uid="mobility.privacy")
        person_erase.connect(mobility_erase, dispatch_uid="mobility.privacy")
