"""The workers' entry points: Celery tasks (with a broker) and Huey tasks (the
embedded default), and the periodic work of `settings.CELERY_BEAT_SCHEDULE`, which
Celery beat queues in production and the Huey consumer's scheduler otherwise."""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.conf import settings
from django.utils.module_loading import import_string
from huey.contrib.djhuey import db_periodic_task, db_task

from kakehashi.jobs.models import Job
from kakehashi.jobs.services import job_enqueue, job_execute, jobs_reap


@shared_task
def job_run(*, job_id: int) -> str:
    job = job_execute(job=Job.objects.get(pk=job_id))
    return job.status


@shared_task
def job_enqueue_scheduled(*, kind: str) -> int:
    """Queue a job of `kind`; the scheduler calls this for the periodic jobs (settings)."""
    return job_enqueue(kind=kind).pk


@shared_task
def jobs_reap_scheduled() -> dict[str, list[int]]:
    """Re-queue or fail the jobs whose worker died (`jobs_reap`); run every minute."""
    return jobs_reap()


@db_task(name="jobs.run")
def job_run_queued(job_id: int) -> None:
    """Huey's task: run one job (a job deleted meanwhile is skipped)."""
    job = Job.objects.filter(pk=job_id).first()
    if job is not None:
        job_execute(job=job)


def _every_minutes(schedule) -> int:
    seconds = schedule.total_seconds() if isinstance(schedule, dt.timedelta) else schedule
    minutes, rest = divmod(int(seconds), 60)
    if rest or minutes < 1:
        raise ValueError(f"A periodic schedule must be whole minutes, not {seconds} seconds.")
    return minutes


def _periodic(name: str, entry: dict) -> None:
    """Make the Huey scheduler run one entry of CELERY_BEAT_SCHEDULE as Celery beat would.

    The entry's Celery task runs in the consumer (a Celery task called directly runs
    in place), at every minute of the day divisible by the schedule's minutes."""
    minutes = _every_minutes(entry["schedule"])
    kwargs = entry.get("kwargs", {})

    def due(when: dt.datetime) -> bool:
        return (when.hour * 60 + when.minute) % minutes == 0

    def run() -> None:
        import_string(entry["task"])(**kwargs)

    db_periodic_task(due, name=f"periodic.{name}")(run)


for _name, _entry in settings.CELERY_BEAT_SCHEDULE.items():
    _periodic(_name, _entry)
