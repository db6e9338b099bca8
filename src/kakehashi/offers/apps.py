from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OffersConfig(AppConfig):
    name = "kakehashi.offers"
    verbose_name = _("Offers and results")

    def ready(self) -> None:
        # Registers the `offers.lapse` job kind; imported here, once the app
        # registry is ready, because tasks import models.
        from kakehashi.matching.signals import run_published
        from kakehashi.offers import tasks  # noqa: F401
        from kakehashi.offers.services import offers_on_run_published

        run_published.connect(offers_on_run_published, dispatch_uid="offers.create_for_run")
        # Say whether offers were answered in the phase (an opening may only be undone if not).
        from kakehashi.offers.selectors import phase_activity_count
        from kakehashi.programs.signals import phase_activity

        phase_activity.connect(phase_activity_count, dispatch_uid="offers.phase_activity")
        # Answer the personal-data export and the account deletion (people/privacy.py).
        from kakehashi.offers.privacy import offers_data_export, offers_erase
        from kakehashi.people.signals import person_data_export, person_erase

        person_data_export.connect(offers_data_export, dispatch_uid="offers.privacy")
        person_erase.connect(offers_erase, dispatch_uid="offers.privacy")
        # Cards of a person's home (programs/home.py); home imports models, hence here.
        from kakehashi.offers.home import home_cards_offers
        from kakehashi.programs.signals import home_cards

        home_cards.connect(home_cards_offers, dispatch_uid="offers.home")
