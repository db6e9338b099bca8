from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutcomesConfig(AppConfig):
    name = "kakehashi.outcomes"
    verbose_name = _("Outcomes")

    def ready(self) -> None:
        # Importing it connects its receiver (@receiver): the internship page's panel of
        # outcomes; views read models, hence here, once the app registry is ready.
        from kakehashi.outcomes import views  # noqa: F401
