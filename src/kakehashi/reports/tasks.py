"""The job kind that mails report reminders (registered when the app is ready).

The scheduler queues it every hour (``settings.CELERY_BEAT_SCHEDULE``, which the embedded
worker's scheduler reads too); each reminder goes at most once."""

from kakehashi.jobs.services import job_handler
from kakehashi.reports.services import REMIND_JOB, reports_remind


@job_handler(REMIND_JOB)
def remind_reports(*, params, progress):
    sent = reports_remind()
    progress(sent, sent, "")
    return {"sent": sent}
