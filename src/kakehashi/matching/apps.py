from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchingConfig(AppConfig):
    name = "kakehashi.matching"
    verbose_name = _("Match runs and offers")

    def ready(self) -> None:
        # Registers the match-run job kinds.
        from kakehashi.matching import tasks  # noqa: F401

        # Answer the personal-data export and the account deletion (people/privacy.py).
        from kakehashi.matching.privacy import matching_data_export, matching_erase
        from kakehashi.people.signals import person_data_export, person_erase

        person_data_export.connect(matching_data_export, dispatch_uid="matching.privacy")
        person_erase.connect(matching_erase, dispatch_uid="matching.privacy")
