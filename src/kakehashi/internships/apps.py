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
