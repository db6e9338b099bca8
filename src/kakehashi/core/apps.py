from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "kakehashi.core"
    verbose_name = _("Core")

    def ready(self) -> None:
        # The cache module imports core.models, which needs the app registry ready.
        from kakehashi.core.cache import connect_signals

        connect_signals()
