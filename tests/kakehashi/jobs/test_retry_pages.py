"""The Retry button of a failed job and who may press it, per role, on the pages that
show a job's progress (a refresh job, a match run) and in the API."""

import pytest
from django.urls import reverse

from kakehashi.audit.models import AuditEntry
from kakehashi.jobs.models import Job
from kakehashi.matching.models import MatchRun
from kakehashi.matching.services import RUN_JOB
from kakehashi.recommendations.services import REFRESH
from tests import factories
from tests.kakehashi.api_helpers import API, body, error, session_client

ROLES = ["anonymous", "candidate", "supervisor", "officer"]


@pytest.fixture
def users(officer, candidate_user, supervisor_user, project):
    return {
        "anonymous": None,
        "candidate": candidate_user,
        "supervisor": supervisor_user,
        "officer": officer,
    }


def _client(client, user):
    if user is not None:
        client.force_login(user)
    return client


def _failed(kind: str, user) -> Job:
    return Job.objects.create(
        kind=kind, status="failed", attempts=3, error="boom", message="boom", created_by=user
    )


def _retry_form(url: str) -> str:
    return f'<form method="post" action="{url}">'


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_refresh_job_page_shows_retry_to_officers_only(client, users, officer, role):
    job = _failed(REFRESH, officer)
    response = _client(client, users[role]).get(reverse("recommendations:job", args=[job.pk]))
    if role == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    elif role == "officer":
        assert response.status_code == 200
        html = response.content.decode()
        assert _retry_form(reverse("recommendations:job_retry", args=[job.pk])) in html
        assert ">Retry</button>" in html
    else:
        assert response.status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_refresh_job_retry_by_role(
    client, users, officer, role, django_capture_on_commit_callbacks
):
    job = _failed(REFRESH, officer)
    url = reverse("recommendations:job_retry", args=[job.pk])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = _client(client, users[role]).post(url)
    job.refresh_from_db()
    if role == "officer":
        assert response.status_code == 302
        assert response["Location"] == reverse("recommendations:job", args=[job.pk])
        assert (job.status, job.attempts, job.error, len(callbacks)) == ("queued", 0, "", 1)
    else:
        assert response.status_code == (302 if role == "anonymous" else 404)
        assert (job.status, job.attempts, job.error, len(callbacks)) == ("failed", 3, "boom", 0)


@pytest.mark.django_db
def test_a_job_seen_by_its_creator_who_is_no_officer_has_no_retry(client, candidate_user):
    job = _failed(REFRESH, candidate_user)
    client.force_login(candidate_user)
    response = client.get(reverse("recommendations:job", args=[job.pk]))
    assert response.status_code == 200
    assert ">Retry</button>" not in response.content.decode()
    assert client.post(reverse("recommendations:job_retry", args=[job.pk])).status_code == 404
    job.refresh_from_db()
    assert job.status == "failed"


@pytest.mark.django_db
def test_a_job_that_has_not_failed_shows_no_retry_and_is_not_retried(client, officer):
    job = Job.objects.create(kind=REFRESH, status="succeeded", created_by=officer)
    client.force_login(officer)
    page = client.get(reverse("recommendations:job", args=[job.pk]))
    assert ">Retry</button>" not in page.content.decode()
    response = client.post(reverse("recommendations:job_retry", args=[job.pk]), follow=True)
    assert "Only a failed job can be retried; this one is Succeeded." in response.content.decode()
    job.refresh_from_db()
    assert job.status == "succeeded"


def _failed_run(officer) -> MatchRun:
    job = _failed(RUN_JOB, officer)
    call = factories.CallFactory()
    return MatchRun.objects.create(
        call=call, status="failed", error="boom", job=job, created_by=officer
    )


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_failed_run_page_shows_retry_to_officers_only(client, users, officer, role):
    run = _failed_run(officer)
    response = _client(client, users[role]).get(reverse("matching:run", args=[run.pk]))
    if role == "anonymous":
        assert response.status_code == 302
    elif role == "officer":
        assert response.status_code == 200
        html = response.content.decode()
        assert _retry_form(reverse("matching:retry", args=[run.pk])) in html
    else:
        assert response.status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_failed_run_retry_by_role(client, users, officer, role, django_capture_on_commit_callbacks):
    run = _failed_run(officer)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = _client(client, users[role]).post(reverse("matching:retry", args=[run.pk]))
    run.refresh_from_db()
    run.job.refresh_from_db()
    if role == "officer":
        assert response.status_code == 302
        assert response["Location"] == reverse("matching:run", args=[run.pk])
        assert (run.status, run.error, run.job.status, len(callbacks)) == (
            "queued",
            "",
            "queued",
            1,
        )
        entry = AuditEntry.objects.get(verb="run.retried")
        assert (entry.scope, entry.actor, entry.data) == (
            run.call,
            officer,
            {"job": run.job.pk, "error": "boom"},
        )
    else:
        assert response.status_code == (302 if role == "anonymous" else 404)
        assert (run.status, run.job.status, len(callbacks)) == ("failed", "failed", 0)
        assert not AuditEntry.objects.filter(verb="run.retried").exists()


@pytest.mark.django_db
def test_a_failed_run_shows_its_retry_only_while_its_job_failed(client, officer):
    run = _failed_run(officer)
    Job.objects.filter(pk=run.job.pk).update(status="succeeded")
    client.force_login(officer)
    response = client.get(reverse("matching:run", args=[run.pk]))
    assert _retry_form(reverse("matching:retry", args=[run.pk])) not in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_api_retry_by_role(client, users, officer, role, django_capture_on_commit_callbacks):
    job = _failed(REFRESH, officer)
    api = _client(client, users[role])
    with django_capture_on_commit_callbacks(execute=False):
        response = api.post(f"{API}/jobs/{job.pk}/retry")
    job.refresh_from_db()
    if role == "officer":
        assert response.status_code == 200
        data = body(response)
        assert (data["id"], data["status"], data["attempts"], data["error"]) == (
            job.pk,
            "queued",
            0,
            "",
        )
        assert job.status == "queued"
    else:
        assert response.status_code == (401 if role == "anonymous" else 404)
        assert job.status == "failed"


@pytest.mark.django_db
def test_api_retry_by_the_creator_who_is_no_officer_is_forbidden(candidate_user):
    job = _failed(REFRESH, candidate_user)
    response = session_client(candidate_user).post(f"{API}/jobs/{job.pk}/retry")
    assert (response.status_code, body(response)) == (
        403,
        error(403, "forbidden", "Only program officers retry background jobs."),
    )


@pytest.mark.django_db
def test_api_retry_of_a_job_that_has_not_failed_is_refused(officer):
    job = Job.objects.create(kind=REFRESH, status="running", created_by=officer)
    response = session_client(officer).post(f"{API}/jobs/{job.pk}/retry")
    assert response.status_code == 422
    assert body(response)["error"]["message"] == (
        "Only a failed job can be retried; this one is Running."
    )


@pytest.mark.django_db
def test_api_a_failed_run_names_its_job_whose_retry_queues_the_run(
    officer, django_capture_on_commit_callbacks
):
    run = _failed_run(officer)
    api = session_client(officer)
    detail = body(api.get(f"{API}/runs/{run.pk}"))
    assert (detail["status"], detail["job_id"], detail["error"]) == ("failed", run.job.pk, "boom")
    with django_capture_on_commit_callbacks(execute=False):
        response = api.post(f"{API}/jobs/{detail['job_id']}/retry")
    assert (response.status_code, body(response)["status"]) == (200, "queued")
    run.refresh_from_db()
    assert run.status == "queued"
    assert AuditEntry.objects.filter(verb="run.retried", actor=officer).count() == 1
