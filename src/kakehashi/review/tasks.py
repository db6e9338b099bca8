"""Job kinds of the review workflow (registered at app start): the assignment run, and
the reminder of reviews due soon (scheduled in settings)."""

from kakehashi.jobs.services import job_handler, job_param_time
from kakehashi.review.services import (
    REMINDERS_JOB,
    RUN_JOB,
    assignment_run_execute,
    review_reminders_send,
)


@job_handler(RUN_JOB)
def review_assign(*, params, progress):
    return assignment_run_execute(run_id=params["run_id"], progress=progress)


@job_handler(REMINDERS_JOB)
def review_reminders(*, params, progress):
    """params: ``now`` (ISO 8601; default now)."""
    now = job_param_time(params, "now")
    return review_reminders_send(now=now)
