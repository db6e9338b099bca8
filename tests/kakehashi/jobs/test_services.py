import pytest
from django.core.exceptions import ValidationError

from kakehashi.jobs.models import Job
from kakehashi.jobs.services import job_enqueue, job_handler


@job_handler("test.count")
def _count(*, params, progress):
    for i in range(params["n"]):
        progress(i + 1, params["n"], f"step {i + 1}")
    return {"counted": params["n"]}


@job_handler("test.fail")
def _fail(*, params, progress):
    progress(1, 4, "about to fail")
    raise RuntimeError("the disk is full")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_job_enqueue_runs_inline_and_records_result():
    job = job_enqueue(kind="test.count", params={"n": 3})
    job.refresh_from_db()
    assert (job.status, job.result, job.progress_done, job.progress_total, job.message) == (
        "succeeded",
        {"counted": 3},
        3,
        3,
        "step 3",
    )
    assert job.percent == 100
    assert job.started_at <= job.finished_at


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_job_failure_is_recorded_not_raised():
    job = job_enqueue(kind="test.fail")
    job.refresh_from_db()
    assert (job.status, job.error, job.progress_done, job.progress_total) == (
        "failed",
        "RuntimeError: the disk is full",
        1,
        4,
    )
    assert job.percent == 25


@pytest.mark.django_db
def test_job_enqueue_unknown_kind_is_refused():
    with pytest.raises(ValidationError, match="Unknown kind of job: nope"):
        job_enqueue(kind="nope")
    assert Job.objects.count() == 0


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_beat_schedule_names_registered_job_kinds_and_queues_them():
    from django.conf import settings

    from kakehashi.jobs.services import _HANDLERS
    from kakehashi.jobs.tasks import job_enqueue_scheduled

    schedule = settings.CELERY_BEAT_SCHEDULE
    kinds = [e["kwargs"]["kind"] for e in schedule.values() if "kind" in e.get("kwargs", {})]
    assert kinds == [
        "offers.lapse",
        "notifications.phases",
        "documents.letter_reminders",
        "reports.remind",
        "mobility.step_reminders",
        "internships.advance",
        "review.reminders",
    ]
    assert schedule["jobs-reap"] == {
        "task": "kakehashi.jobs.tasks.jobs_reap_scheduled",
        "schedule": 60.0,
    }
    assert set(kinds) <= set(_HANDLERS)

    job = Job.objects.get(pk=job_enqueue_scheduled(kind="offers.lapse"))
    assert (job.kind, job.status, job.result) == ("offers.lapse", "succeeded", {"lapsed": []})
