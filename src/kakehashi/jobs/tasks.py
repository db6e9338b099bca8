from celery import shared_task

from kakehashi.jobs.models import Job
from kakehashi.jobs.services import job_enqueue, job_execute


@shared_task
def job_run(*, job_id: int) -> str:
    job = job_execute(job=Job.objects.get(pk=job_id))
    return job.status


@shared_task
def job_enqueue_scheduled(*, kind: str) -> int:
    """Queue a job of `kind`; Celery beat calls this for the periodic jobs (settings)."""
    return job_enqueue(kind=kind).pk
