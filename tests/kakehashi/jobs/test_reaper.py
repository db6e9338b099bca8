"""Heartbeat, attempts, the reaper and retries, in process (jobs run inline here)."""

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db.models import F
from django.utils import timezone

from kakehashi.audit.models import AuditEntry
from kakehashi.jobs import services, tasks
from kakehashi.jobs.models import Job
from kakehashi.jobs.services import job_enqueue, job_execute, job_handler, job_retry, jobs_reap
from kakehashi.matching.models import MatchRun
from kakehashi.matching.services import RUN_JOB
from tests import factories


@job_handler("test.reaped")
def _reaped(*, params, progress):
    progress(1, 2, "half")
    return {"ok": True}


@job_handler("test.overtaken")
def _overtaken(*, params, progress):
    # While this attempt runs, the reaper takes the job for dead and a new attempt
    # claims it: this attempt's end must not be written over the new one.
    Job.objects.filter(kind="test.overtaken").update(attempts=F("attempts") + 1)
    return {"late": True}


def _stale_running(*, kind="test.reaped", attempts=1, seconds=121, **fields) -> Job:
    beat = timezone.now() - dt.timedelta(seconds=seconds)
    return Job.objects.create(
        kind=kind,
        status="running",
        attempts=attempts,
        started_at=beat,
        heartbeat_at=beat,
        progress_done=1,
        progress_total=2,
        **fields,
    )


@pytest.fixture(autouse=True)
def _limits(settings):
    settings.JOBS_HEARTBEAT_TIMEOUT = 120
    settings.JOBS_MAX_ATTEMPTS = 3


@pytest.mark.django_db
def test_execute_claims_the_job_counts_the_attempt_and_beats():
    job = Job.objects.create(kind="test.reaped")
    job = job_execute(job=job)
    assert (job.status, job.attempts, job.result) == ("succeeded", 1, {"ok": True})
    assert job.started_at <= job.heartbeat_at == job.finished_at


@pytest.mark.django_db
def test_execute_leaves_a_job_that_is_not_queued_alone():
    job = Job.objects.create(kind="test.reaped", status="running", attempts=1)
    assert job_execute(job=job).status == "running"
    job.refresh_from_db()
    assert (job.status, job.attempts, job.result) == ("running", 1, None)


@pytest.mark.django_db
def test_an_attempt_that_ends_after_being_overtaken_does_not_write_its_end():
    job = job_execute(job=Job.objects.create(kind="test.overtaken"))
    assert (job.status, job.attempts, job.result, job.finished_at) == ("running", 2, None, None)


@pytest.mark.django_db
def test_reaper_leaves_a_job_with_a_fresh_heartbeat():
    job = _stale_running(seconds=60)
    assert jobs_reap() == {"requeued": [], "failed": [], "redispatched": []}
    job.refresh_from_db()
    assert (job.status, job.attempts) == ("running", 1)


@pytest.mark.django_db
def test_reaper_requeues_a_stale_job_which_the_next_attempt_finishes():
    job = _stale_running(attempts=2)
    assert jobs_reap() == {"requeued": [job.pk], "failed": [], "redispatched": []}
    job.refresh_from_db()
    # Handed to the worker again (here: run inline) as its third attempt.
    assert (job.status, job.attempts, job.result, job.error) == (
        "succeeded",
        3,
        {"ok": True},
        "",
    )


@pytest.mark.django_db
def test_reaper_requeue_says_which_attempt_comes(monkeypatch):
    sent = []
    monkeypatch.setattr(services, "job_dispatch", lambda *, job_id: sent.append(job_id))
    job = _stale_running(attempts=1)
    jobs_reap()
    job.refresh_from_db()
    assert (sent, job.status, job.attempts) == ([job.pk], "queued", 1)
    assert job.message == (
        "The worker running this job stopped; it was queued again (attempt 2 of 3)."
    )


@pytest.mark.django_db
def test_reaper_fails_a_stale_job_after_its_last_attempt_and_the_run_fails_with_it():
    call = factories.CallFactory()
    job = _stale_running(kind=RUN_JOB, attempts=3)
    run = MatchRun.objects.create(call=call, status="running", job=job)
    assert jobs_reap() == {"requeued": [], "failed": [job.pk], "redispatched": []}
    job.refresh_from_db()
    error = (
        "The worker running this job stopped responding (no heartbeat for 120 seconds). "
        "It was tried 3 times and is not tried again."
    )
    assert (job.status, job.attempts, job.error, job.message) == ("failed", 3, error, error)
    assert job.finished_at is not None
    run.refresh_from_db()
    assert (run.status, run.error) == ("failed", error)
    entry = AuditEntry.objects.get(verb="run.failed")
    assert (entry.scope, entry.target, entry.data) == (call, f"run {run.pk}", {"error": error})
    # Reaping again changes nothing.
    assert jobs_reap() == {"requeued": [], "failed": [], "redispatched": []}


@pytest.mark.django_db
def test_reaper_hands_a_job_queued_too_long_to_the_worker_again():
    job = Job.objects.create(kind="test.reaped")
    Job.objects.filter(pk=job.pk).update(updated_at=timezone.now() - dt.timedelta(minutes=5))
    assert jobs_reap() == {"requeued": [], "failed": [], "redispatched": [job.pk]}
    job.refresh_from_db()
    assert (job.status, job.attempts) == ("succeeded", 1)


@pytest.mark.django_db
def test_jobs_reap_command_reports_what_it_did():
    requeued = _stale_running()
    failed = _stale_running(attempts=3)
    out = _command_output()
    assert (
        out == f"Re-queued: {requeued.pk}. Failed: {failed.pk}. Handed to the worker again: none.\n"
    )


def _command_output() -> str:
    buffer = io.StringIO()
    call_command("jobs_reap", stdout=buffer)
    return buffer.getvalue()


@pytest.mark.django_db
def test_retry_requeues_a_failed_job_from_the_start(officer, django_capture_on_commit_callbacks):
    job = Job.objects.create(
        kind="test.reaped",
        status="failed",
        attempts=3,
        error="boom",
        message="boom",
        progress_done=1,
        progress_total=2,
        finished_at=timezone.now(),
    )
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job_retry(job=job, user=officer)
    job.refresh_from_db()
    assert (job.status, job.attempts, job.error, job.message, job.progress_total) == (
        "queued",
        0,
        "",
        "",
        0,
    )
    assert (job.started_at, job.finished_at, job.heartbeat_at) == (None, None, None)
    assert len(callbacks) == 1
    callbacks[0]()
    job.refresh_from_db()
    assert (job.status, job.attempts, job.result) == ("succeeded", 1, {"ok": True})
    # Not a match run: no scope, nothing audited.
    assert not AuditEntry.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("status", ["queued", "running", "succeeded"])
def test_retry_refuses_a_job_that_has_not_failed(officer, status):
    job = Job.objects.create(kind="test.reaped", status=status)
    with pytest.raises(ValidationError, match="Only a failed job can be retried; this one is"):
        job_retry(job=job, user=officer)
    job.refresh_from_db()
    assert job.status == status


@pytest.mark.django_db
def test_retrying_a_run_job_queues_the_run_again_and_audits_it(
    officer, django_capture_on_commit_callbacks
):
    call = factories.CallFactory()
    job = Job.objects.create(kind=RUN_JOB, status="failed", error="worker died")
    run = MatchRun.objects.create(call=call, status="failed", error="worker died", job=job)
    with django_capture_on_commit_callbacks(execute=False):
        job_retry(job=job, user=officer)
    run.refresh_from_db()
    assert (run.status, run.error) == ("queued", "")
    entry = AuditEntry.objects.get()
    assert (entry.scope, entry.verb, entry.actor, entry.target, entry.data) == (
        call,
        "run.retried",
        officer,
        f"run {run.pk}",
        {"job": job.pk, "error": "worker died"},
    )


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_enqueue_hands_the_job_to_huey_on_the_embedded_default(settings, monkeypatch):
    sent = []
    monkeypatch.setattr(tasks, "job_run_queued", sent.append)
    settings.JOBS_BACKEND = "huey"
    job = job_enqueue(kind="test.reaped")
    job.refresh_from_db()
    assert (sent, job.status, job.attempts) == ([job.pk], "queued", 0)


@pytest.mark.django_db
def test_reaper_fails_a_job_running_past_the_time_limit_though_it_beats(settings):
    settings.JOBS_TIME_LIMIT = 3600
    job = _stale_running(seconds=5)
    Job.objects.filter(pk=job.pk).update(started_at=timezone.now() - dt.timedelta(seconds=3601))
    assert jobs_reap() == {"requeued": [], "failed": [job.pk], "redispatched": []}
    job.refresh_from_db()
    error = (
        "The job did not finish within 3600 seconds; it was marked failed and is not tried again."
    )
    assert (job.status, job.attempts, job.error) == ("failed", 1, error)


@pytest.mark.django_db
def test_no_time_limit_when_it_is_zero(settings):
    settings.JOBS_TIME_LIMIT = 0
    job = _stale_running(seconds=5)
    Job.objects.filter(pk=job.pk).update(started_at=timezone.now() - dt.timedelta(days=30))
    assert jobs_reap() == {"requeued": [], "failed": [], "redispatched": []}
