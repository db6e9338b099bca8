from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchingConfig(AppConfig):
    name = "kakehashi.matching"
    verbose_name = _("Match runs and offers")

    def ready(self) -> None:
        # Registers the match-run job kinds and hears what happens to their jobs.
        # Imported here, once the app registry is ready: these modules import models.
        from kakehashi.jobs.signals import job_failed, job_retried
        from kakehashi.matching import tasks  # noqa: F401
        from kakehashi.matching.services import run_on_job_failed, run_on_job_retried

        # The jobs app sits below matching: it announces failures and retries.
        job_failed.connect(run_on_job_failed, dispatch_uid="matching.run_job_failed")
        job_retried.connect(run_on_job_retried, dispatch_uid="matching.run_job_retried")
        # Offers open only after a run is published (programs asks, below matching).
        from kakehashi.matching.selectors import phase_opening_refusal
        from kakehashi.programs.signals import phase_opening

        phase_opening.connect(phase_opening_refusal, dispatch_uid="matching.phase_opening")

        # Answer the personal-data export and the account deletion (people/privacy.py).
        from kakehashi.matching.privacy import matching_data_export, matching_erase
        from kakehashi.people.signals import person_data_export, person_erase

        person_data_export.connect(matching_data_export, dispatch_uid="matching.privacy")
        person_erase.connect(matching_erase, dispatch_uid="matching.privacy")
