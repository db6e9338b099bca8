from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OffersConfig(AppConfig):
    name = "kakehashi.offers"
    verbose_name = _("Offers and results")

    def ready(self) -> None:
        # Registers the `offers.lapse` job kind.
        from kakehashi.offers import tasks  # noqa: F401
