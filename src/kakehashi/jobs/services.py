"""Background jobs: enqueue, report progress, run.

A job kind is registered with `@job_handler("kind")`; the handler receives the
job's params and a `progress(done, total, message)` callable and returns a
JSON-able result. Handlers live in the app that owns the work.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kakehashi.jobs.enums import JobStatus
from kakehashi.jobs.models import Job

logger = logging.getLogger(__name__)
Progress = Callable[[int, int, str], None]
Handler = Callable[..., Any]
_HANDLERS: dict[str, Handler] = {}


def job_handler(kind: str) -> Callable[[Handler], Handler]:
    """Register `func(*, params, progress)` as the handler of jobs of `kind`."""

    def register(func: Handler) -> Handler:
        _HANDLERS[kind] = func
        return func

    return register


@transaction.atomic
def job_enqueue(*, kind: str, params: dict | None = None, user=None) -> Job:
    """Create a queued job and start it once the surrounding transaction commits."""
    if kind not in _HANDLERS:
        raise ValidationError(_("Unknown kind of job: %(kind)s.") % {"kind": kind})
    job = Job.objects.create(kind=kind, params=params or {}, created_by=user)
    # tasks imports this module (the worker runs handlers through it): import late.
    from kakehashi.jobs.tasks import job_run

    transaction.on_commit(lambda: job_run.delay(job_id=job.pk))
    return job


def job_execute(*, job: Job) -> Job:
    """Run a job now, in this process, recording progress, result or failure."""
    if job.status != JobStatus.QUEUED:
        return job
    job.status = JobStatus.RUNNING
    job.started_at = timezone.now()
    job.save(update_fields=["status", "started_at", "updated_at"])

    def progress(done: int, total: int, message: str = "") -> None:
        Job.objects.filter(pk=job.pk).update(
            progress_done=done, progress_total=total, message=message[:300]
        )

    try:
        result = _HANDLERS[job.kind](params=job.params, progress=progress)
    except Exception as exc:  # the job records any failure; the worker keeps going
        logger.exception("job %s failed", job.pk)
        job.refresh_from_db()
        job.status = JobStatus.FAILED
        job.error = "".join(traceback.format_exception_only(type(exc), exc)).strip()
        job.message = str(exc)[:300] if isinstance(exc, ValidationError) else job.message
    else:
        job.refresh_from_db()
        job.status = JobStatus.SUCCEEDED
        job.result = result
        job.progress_done = job.progress_total = max(job.progress_total, job.progress_done, 1)
    job.finished_at = timezone.now()
    job.save()
    return job
