"""The job kind that moves internships on with time (registered when the app is ready).

Scheduled hourly (``CELERY_BEAT_SCHEDULE["internships-advance"]``): planned → active
on the first day once the agreement is in force, active → completed after the last
day, each in the host region's time zone. An agreement coming into force on or after
the first day moves its internship at once (``services.agreement_approve``).
"""

from kakehashi.internships.services import ADVANCE_JOB, internships_advance
from kakehashi.jobs.services import job_handler


@job_handler(ADVANCE_JOB)
def advance_internships(*, params, progress):
    changed = internships_advance()
    progress(len(changed), len(changed), "")
    return {"changed": changed}
