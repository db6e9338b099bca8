"""Job kinds of match runs (registered at app start)."""

from kakehashi.jobs.services import job_handler
from kakehashi.matching.services import RUN_JOB, run_execute


@job_handler(RUN_JOB)
def match_run(*, params, progress):
    return run_execute(run_id=params["run_id"], progress=progress)
