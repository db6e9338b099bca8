from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecommendationsConfig(AppConfig):
    name = "kakehashi.recommendations"
    verbose_name = _("Recommendations and search")

    def ready(self) -> None:
        # Importing these connects their receivers (@receiver): re-embedding changed
        # texts (services), the project list's cross-language search (selectors), the
        # embedding cache in backups (embedding), the account deletion; and registers
        # the `recommendations.refresh` job kind. Nothing else runs at import time: the
        # encoder and the indexes load lazily, per process, on first use.
        from kakehashi.recommendations import (  # noqa: F401
            embedding,
            privacy,
            selectors,
            services,
            tasks,
        )
