from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OffersConfig(AppConfig):
    name = "kakehashi.offers"
    verbose_name = _("Offers and results")

    def ready(self) -> None:
        # Importing these connects their receivers (@receiver): a published run's
        # offers (services), answered offers forbid undoing a phase (selectors), the
        # personal-data export and deletion, home cards; and registers the
        # `offers.lapse` job kind. They import models, hence here.
        from kakehashi.offers import home, privacy, selectors, services, tasks  # noqa: F401
