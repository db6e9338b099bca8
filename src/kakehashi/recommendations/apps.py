from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecommendationsConfig(AppConfig):
    name = "kakehashi.recommendations"
    verbose_name = _("Recommendations and search")

    def ready(self) -> None:
        # Registers the `recommendations.refresh` job kind. Nothing else runs at import
        # time: the encoder and the indexes load lazily, per process, on first use.
        from kakehashi.recommendations import tasks  # noqa: F401
