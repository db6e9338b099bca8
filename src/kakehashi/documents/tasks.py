"""The background job that reminds candidates of missing reference letters (registered
on app ready, scheduled in settings)."""

from kakehashi.documents.services import letter_reminders_send
from kakehashi.jobs.services import job_handler, job_param_time

LETTER_REMINDERS_JOB = "documents.letter_reminders"


@job_handler(LETTER_REMINDERS_JOB)
def send_letter_reminders(*, params, progress):
    """params: ``now`` (ISO 8601; default now)."""
    now = job_param_time(params, "now")
    return letter_reminders_send(now=now)
