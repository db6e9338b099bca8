from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FundingConfig(AppConfig):
    name = "kakehashi.funding"
    verbose_name = _("Funding")

    def ready(self) -> None:
        # Importing these connects their receivers (@receiver: the signals of
        # internships, programs and matching in docs/architecture.md, the personal-data
        # export and deletion); they import models and services, hence here, once the
        # app registry is ready.
        from kakehashi.funding import privacy, receivers  # noqa: F401
