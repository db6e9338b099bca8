from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchingConfig(AppConfig):
    name = "kakehashi.matching"
    verbose_name = _("Match runs and offers")

    def ready(self) -> None:
        # Importing these connects their receivers (@receiver): the jobs' failures and
        # retries (services), offers open only after a run is published (selectors),
        # the personal-data export and deletion; and registers the match-run job kinds.
        # They import models, hence here, once the app registry is ready.
        from kakehashi.matching import privacy, selectors, services, tasks  # noqa: F401
