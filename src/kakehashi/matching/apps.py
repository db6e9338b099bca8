from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchingConfig(AppConfig):
    name = "kakehashi.matching"
    verbose_name = _("Match runs and offers")

    def ready(self) -> None:
        # Registers the match-run job kinds.
        from kakehashi.matching import tasks  # noqa: F401
