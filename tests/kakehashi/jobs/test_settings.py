"""Where jobs run by default: a real queue for servers, never inline (only the test
suite's conftest makes them inline)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
SHOW = (
    "import django; django.setup(); from django.conf import settings; "
    "print(settings.JOBS_BACKEND, settings.JOBS_HEARTBEAT_SECONDS, "
    "settings.JOBS_HEARTBEAT_TIMEOUT, settings.JOBS_MAX_ATTEMPTS)"
)


def _settings(tmp_path, **env):
    environ = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("KAKEHASHI_", "CELERY_", "DJANGO_")) and k != "DATABASE_URL"
    }
    environ.update(
        KAKEHASHI_VAR_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="kakehashi.settings", **env
    )
    return subprocess.run(
        [sys.executable, "-c", SHOW],
        cwd=REPO,
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("env", "shown"),
    [
        ({}, "huey 15 120 3"),
        ({"CELERY_BROKER_URL": "redis://127.0.0.1:6379/5"}, "celery 15 120 3"),
        (
            {
                "KAKEHASHI_JOBS_BACKEND": "huey",
                "CELERY_BROKER_URL": "redis://127.0.0.1:6379/5",
                "KAKEHASHI_JOB_HEARTBEAT_SECONDS": "5",
                "KAKEHASHI_JOB_HEARTBEAT_TIMEOUT": "30",
                "KAKEHASHI_JOB_MAX_ATTEMPTS": "1",
            },
            "huey 5 30 1",
        ),
    ],
)
def test_jobs_backend_defaults_to_a_real_queue(tmp_path, env, shown):
    done = _settings(tmp_path, **env)
    assert (done.returncode, done.stdout.strip()) == (0, shown), done.stderr


@pytest.mark.parametrize(
    ("env", "message"),
    [
        (
            {"KAKEHASHI_JOBS_BACKEND": "rq"},
            "KAKEHASHI_JOBS_BACKEND='rq': use celery, huey or inline.",
        ),
        (
            {"KAKEHASHI_JOBS_BACKEND": "celery"},
            "KAKEHASHI_JOBS_BACKEND=celery needs CELERY_BROKER_URL.",
        ),
        (
            {"KAKEHASHI_JOB_HEARTBEAT_SECONDS": "120"},
            "Background jobs need 0 < KAKEHASHI_JOB_HEARTBEAT_SECONDS < "
            "KAKEHASHI_JOB_HEARTBEAT_TIMEOUT and KAKEHASHI_JOB_MAX_ATTEMPTS >= 1.",
        ),
    ],
)
def test_jobs_settings_that_cannot_work_are_refused(tmp_path, env, message):
    done = _settings(tmp_path, **env)
    assert done.returncode == 1
    last = done.stderr.strip().splitlines()[-1]
    assert last == f"django.core.exceptions.ImproperlyConfigured: {message}"
