"""Job kinds of the review workflow (registered at app start): the assignment run, and
the reminder of reviews due soon (scheduled in settings)."""

import datetime as dt

from kakehashi.jobs.services import job_handler
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
    now = dt.datetime.fromisoformat(params["now"]) if params.get("now") else None
    return review_reminders_send(now=now)
