from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworkConfig(AppConfig):
    name = "kakehashi.network"
    verbose_name = _("Network")

    def ready(self) -> None:
        # Registers the `network.measure` job kind; imported here, once the app
        # registry is ready, because the task imports models.
        from kakehashi.network import tasks  # noqa: F401
