"""The background job that reminds owners of mobility steps (registered on app ready,
scheduled in settings)."""

import datetime as dt

from kakehashi.jobs.services import job_handler, job_param_time
from kakehashi.mobility.services import step_reminders_send

STEP_REMINDERS_JOB = "mobility.step_reminders"


@job_handler(STEP_REMINDERS_JOB)
def send_step_reminders(*, params, progress):
    """params: ``today`` (ISO 8601 date; default today)."""
    today = job_param_time(params, "today", parse=dt.date.fromisoformat)
    return step_reminders_send(today=today)
