"""Job kinds of the review workflow (registered at app start)."""

from kakehashi.jobs.services import job_handler
from kakehashi.review.services import RUN_JOB, assignment_run_execute


@job_handler(RUN_JOB)
def review_assign(*, params, progress):
    return assignment_run_execute(run_id=params["run_id"], progress=progress)
