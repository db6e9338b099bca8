"""Background jobs: enqueue, run with a heartbeat, reap the dead, retry the failed.

A job kind is registered with `@job_handler("kind")`; the handler receives the
job's params and a `progress(done, total, message)` callable and returns a
JSON-able result. Handlers live in the app that owns the work.

A job runs in a worker, never inside a web request (`job_dispatch`, by
`settings.JOBS_BACKEND`). While it runs, a thread of its worker writes
`heartbeat_at` every `JOBS_HEARTBEAT_SECONDS`; `jobs_reap` (the scheduler runs it
every minute) re-queues a running job whose heartbeat is older than
`JOBS_HEARTBEAT_TIMEOUT`, up to `JOBS_MAX_ATTEMPTS` attempts, then fails it with
a message saying so. Each attempt claims the job (queued → running, `attempts` + 1)
and writes its end only if the job is still its own, so a worker taken for dead
that wakes up cannot overwrite a later attempt.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import traceback
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kakehashi.jobs.enums import JobStatus
from kakehashi.jobs.models import Job
from kakehashi.jobs.signals import job_failed, job_retried

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


def job_param_time(params: dict, name: str, *, parse=dt.datetime.fromisoformat):
    """A job's optional time parameter `name` (ISO 8601), read by `parse` (a datetime;
    ``dt.date.fromisoformat`` for a date); None when it is not given."""
    return parse(params[name]) if params.get(name) else None


@transaction.atomic
def job_enqueue(*, kind: str, params: dict | None = None, user=None) -> Job:
    """Create a queued job and hand it to the worker once the surrounding transaction
    commits."""
    if kind not in _HANDLERS:
        raise ValidationError(_("Unknown kind of job: %(kind)s.") % {"kind": kind})
    job = Job.objects.create(kind=kind, params=params or {}, created_by=user)
    transaction.on_commit(lambda: job_dispatch(job_id=job.pk))
    return job


def job_dispatch(*, job_id: int) -> None:
    """Hand a queued job to the configured backend (`settings.JOBS_BACKEND`)."""
    backend = settings.JOBS_BACKEND
    if backend == "inline":
        job = Job.objects.filter(pk=job_id).first()
        if job is not None:
            job_execute(job=job)
        return
    # tasks imports this module (its tasks call job_execute): import late.
    from kakehashi.jobs import tasks

    if backend == "celery":
        tasks.job_run.delay(job_id=job_id)
    else:
        tasks.job_run_queued(job_id)


class _Heartbeat(threading.Thread):
    """Writes the job's heartbeat every `every` seconds while the attempt is its own."""

    def __init__(self, *, job_id: int, attempt: int, every: float) -> None:
        super().__init__(name=f"job-{job_id}-heartbeat", daemon=True)
        self.job_id, self.attempt, self.every = job_id, attempt, every
        self.halt = threading.Event()

    def run(self) -> None:
        try:
            while not self.halt.wait(self.every):
                try:
                    beat = _attempt(self.job_id, self.attempt).update(heartbeat_at=timezone.now())
                except Exception:  # a locked database: the next beat tries again
                    logger.warning("job %s: heartbeat not written", self.job_id, exc_info=True)
                    continue
                if not beat:
                    return
        finally:
            connection.close()  # this thread's own connection

    def stop(self) -> None:
        self.halt.set()
        self.join(timeout=self.every + 5)


def _attempt(job_id: int, attempt: int):
    """The job while this attempt still holds it (running, same attempt number)."""
    return Job.objects.filter(pk=job_id, status=JobStatus.RUNNING, attempts=attempt)


def job_execute(*, job: Job) -> Job:
    """Run a queued job now, in this process, recording progress, result or failure.

    A job that is not queued (already taken by another worker, finished) is left as it
    is: a message delivered twice runs the job once."""
    now = timezone.now()
    claimed = Job.objects.filter(pk=job.pk, status=JobStatus.QUEUED).update(
        status=JobStatus.RUNNING,
        started_at=now,
        heartbeat_at=now,
        finished_at=None,
        attempts=F("attempts") + 1,
        updated_at=now,
    )
    job.refresh_from_db()
    if not claimed:
        return job
    mine = _attempt(job.pk, job.attempts)

    def progress(done: int, total: int, message: str = "") -> None:
        mine.update(
            progress_done=done,
            progress_total=total,
            message=message[:300],
            heartbeat_at=timezone.now(),
        )

    heartbeat = None
    if settings.JOBS_BACKEND != "inline":
        heartbeat = _Heartbeat(
            job_id=job.pk, attempt=job.attempts, every=settings.JOBS_HEARTBEAT_SECONDS
        )
        heartbeat.start()
    try:
        result = _HANDLERS[job.kind](params=job.params, progress=progress)
    except Exception as exc:  # the job records any failure; the worker keeps going
        logger.exception("job %s failed", job.pk)
        end: dict[str, Any] = {
            "status": JobStatus.FAILED,
            "error": "".join(traceback.format_exception_only(type(exc), exc)).strip(),
        }
        if isinstance(exc, ValidationError):
            end["message"] = str(exc)[:300]
    else:
        reached = mine.values_list("progress_done", "progress_total").first() or (0, 0)
        end = {
            "status": JobStatus.SUCCEEDED,
            "result": result,
            "progress_done": max(*reached, 1),
            "progress_total": max(*reached, 1),
        }
    finally:
        if heartbeat is not None:
            heartbeat.stop()
    now = timezone.now()
    if not mine.update(**end, finished_at=now, heartbeat_at=now, updated_at=now):
        logger.warning("job %s: attempt %s ended after the reaper took it", job.pk, job.attempts)
    elif end["status"] == JobStatus.FAILED:
        job_failed.send(sender=Job, job=Job.objects.get(pk=job.pk))
    job.refresh_from_db()
    return job


def jobs_reap(*, now: dt.datetime | None = None) -> dict[str, list[int]]:
    """Find the jobs whose worker died and act: re-queue, or fail after the last attempt.

    A running job whose heartbeat is older than `JOBS_HEARTBEAT_TIMEOUT` is re-queued
    if it has had fewer than `JOBS_MAX_ATTEMPTS` attempts, failed otherwise. A job
    queued longer than the timeout (its message lost with a worker) is handed to the
    worker again; running it twice is impossible (`job_execute` claims it).
    A job whose attempt has run longer than `JOBS_TIME_LIMIT` (a live worker, a stuck
    handler) is failed. Returns the ids {"requeued": […], "failed": […],
    "redispatched": […]}."""
    now = now or timezone.now()
    stale = now - dt.timedelta(seconds=settings.JOBS_HEARTBEAT_TIMEOUT)
    maximum = settings.JOBS_MAX_ATTEMPTS
    done: dict[str, list[int]] = {"requeued": [], "failed": [], "redispatched": []}
    dead = Job.objects.filter(status=JobStatus.RUNNING).filter(
        Q(heartbeat_at__lt=stale) | Q(heartbeat_at__isnull=True, started_at__lt=stale)
    )
    for job in dead.order_by("pk"):
        # Only if the attempt is still the one seen as dead (its worker may just have
        # written its end).
        same = Job.objects.filter(
            pk=job.pk,
            status=JobStatus.RUNNING,
            attempts=job.attempts,
            heartbeat_at=job.heartbeat_at,
        )
        if job.attempts < maximum:
            message = _(
                "The worker running this job stopped; it was queued again "
                "(attempt %(next)s of %(max)s)."
            ) % {"next": job.attempts + 1, "max": maximum}
            if same.update(status=JobStatus.QUEUED, message=message[:300], updated_at=now):
                logger.warning("job %s: no heartbeat since %s, re-queued", job.pk, job.heartbeat_at)
                done["requeued"].append(job.pk)
                job_dispatch(job_id=job.pk)
        else:
            error = ngettext(
                "The worker running this job stopped responding (no heartbeat for "
                "%(seconds)s seconds). It was tried %(n)s time and is not tried again.",
                "The worker running this job stopped responding (no heartbeat for "
                "%(seconds)s seconds). It was tried %(n)s times and is not tried again.",
                job.attempts,
            ) % {"n": job.attempts, "seconds": settings.JOBS_HEARTBEAT_TIMEOUT}
            why = ("job %s: gave up after %s attempts", job.pk, job.attempts)
            _fail(same, job=job, error=error, now=now, done=done, log=why)
    if settings.JOBS_TIME_LIMIT:
        _fail_overdue(now=now, done=done)
    lost = Job.objects.filter(status=JobStatus.QUEUED, updated_at__lt=stale).order_by("pk")
    for pk in lost.values_list("pk", flat=True):
        if Job.objects.filter(pk=pk, status=JobStatus.QUEUED, updated_at__lt=stale).update(
            updated_at=now
        ):
            done["redispatched"].append(pk)
            job_dispatch(job_id=pk)
    return done


def _fail_overdue(*, now: dt.datetime, done: dict[str, list[int]]) -> None:
    """Fail the attempts running longer than `JOBS_TIME_LIMIT` (their worker lives, its
    handler is stuck): the attempt's late end, if any, is not written (`job_execute`)."""
    limit = settings.JOBS_TIME_LIMIT
    overdue = Job.objects.filter(
        status=JobStatus.RUNNING, started_at__lt=now - dt.timedelta(seconds=limit)
    )
    for job in overdue.order_by("pk"):
        error = _(
            "The job did not finish within %(seconds)s seconds; it was marked failed and "
            "is not tried again."
        ) % {"seconds": limit}
        same = Job.objects.filter(pk=job.pk, status=JobStatus.RUNNING, attempts=job.attempts)
        why = ("job %s: running for more than %s seconds, failed", job.pk, limit)
        _fail(same, job=job, error=error, now=now, done=done, log=why)


def _fail(same, *, job: Job, error: str, now: dt.datetime, done: dict, log: tuple) -> None:
    """Mark the attempt failed if `same` (the job as last seen) still holds it: log `log`,
    count it and tell the app that owns the work (`job_failed`). Nothing when another
    process moved it first."""
    if same.update(
        status=JobStatus.FAILED, error=error, message=error[:300], finished_at=now, updated_at=now
    ):
        logger.error(*log)
        done["failed"].append(job.pk)
        job_failed.send(sender=Job, job=Job.objects.get(pk=job.pk))


@transaction.atomic
def job_retry(*, job: Job, user) -> Job:
    """Queue a failed job again from the start, its attempts counted afresh.

    The app that owns the work hears it (`signals.job_retried`) and records it in its
    audit, if it keeps one. Only a failed job can be retried."""
    job = Job.objects.select_for_update().get(pk=job.pk)
    if job.status != JobStatus.FAILED:
        raise ValidationError(
            _("Only a failed job can be retried; this one is %(status)s.")
            % {"status": job.get_status_display()},
            code="not_failed",
        )
    previous_error = job.error
    job.status = JobStatus.QUEUED
    job.attempts = 0
    job.progress_done = job.progress_total = 0
    job.message = job.error = ""
    job.result = None
    job.started_at = job.finished_at = job.heartbeat_at = None
    job.full_clean()
    job.save()
    job_retried.send(sender=Job, job=job, user=user, previous_error=previous_error)
    transaction.on_commit(lambda: job_dispatch(job_id=job.pk))
    return job
