from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InternshipsConfig(AppConfig):
    name = "kakehashi.internships"
    verbose_name = _("Internships")

    def ready(self) -> None:
        # An accepted offer starts an internship (offers/signals.py); the receiver
        # imports models, so it is connected here, once the app registry is ready.
        from kakehashi.internships.services import internship_on_offer_accepted
        from kakehashi.offers.signals import offer_accepted

        offer_accepted.connect(internship_on_offer_accepted, dispatch_uid="internships.create")
        # Research security blocks approval until done (our own agreement_blockers receiver).
        from kakehashi.internships.security import security_blockers
        from kakehashi.internships.signals import agreement_blockers

        agreement_blockers.connect(security_blockers, dispatch_uid="internships.security")
        # Registers the `internships.advance` job kind (tasks import models).
        from kakehashi.internships import tasks  # noqa: F401

        # Answer the personal-data export and the account deletion (people/privacy.py).
        from kakehashi.internships.privacy import internships_data_export, internships_erase
        from kakehashi.people.signals import person_data_export, person_erase

        person_data_export.connect(internships_data_export, dispatch_uid="internships.privacy")
        person_erase.connect(internships_erase, dispatch_uid="internships.privacy")
        # Cards of a person's home (programs/home.py); home imports models, hence here.
        from kakehashi.internships.home import home_cards_internships
        from kakehashi.programs.signals import home_cards

        home_cards.connect(home_cards_internships, dispatch_uid="internships.home")
