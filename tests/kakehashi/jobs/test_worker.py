"""The real worker: Huey's consumer in its own process, on a file SQLite database.

Jobs queued by one process run in the worker; a worker killed mid-job leaves its job
running only until the reaper notices the stale heartbeat, which re-queues it (and a
new worker finishes it) or, after the last attempt, fails it. No Django test database
here: the processes share a migrated file database, read with sqlite3.
"""

from __future__ import annotations

import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
HARNESS = "tests.kakehashi.jobs.worker_harness"
TIMEOUT = 90  # seconds: the machine may be busy


@pytest.fixture(scope="module")
def env(tmp_path_factory) -> dict[str, str]:
    var = tmp_path_factory.mktemp("jobs-worker")
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{var / 'db.sqlite3'}",
        "KAKEHASHI_VAR_DIR": str(var),
        "KAKEHASHI_JOBS_BACKEND": "huey",
        "KAKEHASHI_JOB_HEARTBEAT_SECONDS": "1",
        "KAKEHASHI_JOB_HEARTBEAT_TIMEOUT": "3",
        "KAKEHASHI_JOB_MAX_ATTEMPTS": "2",
        "OMP_NUM_THREADS": "1",
        "PYTHONPATH": str(REPO),
    }
    env.pop("CELERY_BROKER_URL", None)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    subprocess.run(
        [sys.executable, "-m", "kakehashi", "migrate", "--no-input", "-v0"],
        env=env,
        cwd=REPO,
        check=True,
        timeout=300,
    )
    return env


def _harness(env, *args: str, extra: dict | None = None) -> str:
    done = subprocess.run(
        [sys.executable, "-m", HARNESS, *args],
        env={**env, **(extra or {})},
        cwd=REPO,
        check=True,
        timeout=TIMEOUT,
        capture_output=True,
        text=True,
    )
    return done.stdout


def _reap(env, extra: dict | None = None) -> dict[str, set[int]]:
    """Run `manage.py jobs_reap`; the ids it re-queued and failed. Other jobs may be
    among them (a periodic job the killed worker had started)."""
    out = _harness(env, "reap", extra=extra)
    found = re.fullmatch(
        r"Re-queued: (.*)\. Failed: (.*)\. Handed to the worker again: .*\.\n", out
    )
    assert found, out
    ids = [
        {int(i) for i in part.split(", ")} if part != "none" else set() for part in found.groups()
    ]
    return {"requeued": ids[0], "failed": ids[1]}


def _worker(env) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", HARNESS, "worker"],
        env=env,
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _job(env, pk: int) -> dict:
    path = env["DATABASE_URL"].removeprefix("sqlite:///")
    with sqlite3.connect(path, timeout=20) as db:
        db.row_factory = sqlite3.Row
        row = db.execute(
            "SELECT status, attempts, heartbeat_at, error, result FROM jobs_job WHERE id = ?",
            (pk,),
        ).fetchone()
    return dict(row)


def _wait(env, pk: int, until, what: str) -> dict:
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        job = _job(env, pk)
        if until(job):
            return job
        time.sleep(0.2)
    raise AssertionError(f"job {pk} never {what}: {job}")


def _stop(proc: subprocess.Popen) -> int:
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    return proc.returncode


def _enqueue_slow(env, tmp_path, seconds: int) -> tuple[int, Path]:
    marker = tmp_path / "started"
    params = json.dumps({"seconds": seconds, "marker": str(marker)})
    return int(_harness(env, "enqueue", "test.slow", params)), marker


def test_a_queued_job_runs_in_the_worker_not_in_the_process_that_queued_it(env, tmp_path):
    pk, _ = _enqueue_slow(env, tmp_path, 0)
    assert _job(env, pk)["status"] == "queued"
    worker = _worker(env)
    try:
        job = _wait(env, pk, lambda j: j["status"] == "succeeded", "succeeded")
    finally:
        assert _stop(worker) == 0
    assert job["attempts"] == 1
    assert job["heartbeat_at"] is not None
    assert json.loads(job["result"]) == {"pid": worker.pid, "first": True}


def test_a_job_whose_worker_is_killed_is_requeued_and_finished_by_the_next_worker(env, tmp_path):
    pk, _ = _enqueue_slow(env, tmp_path, 600)
    worker = _worker(env)
    try:
        running = _wait(env, pk, lambda j: j["status"] == "running", "started")
        # The worker's heartbeat moves while the handler sleeps.
        _wait(env, pk, lambda j: j["heartbeat_at"] > running["heartbeat_at"], "beat")
    finally:
        worker.kill()  # SIGKILL: no chance to record anything
        worker.wait()
    assert _job(env, pk)["status"] == "running"

    # Within the timeout the heartbeat is fresh: not re-queued. (The timeout is widened
    # for this one reap: on a busy machine starting the reaper alone may take 3 s.)
    assert pk not in _reap(env, extra={"KAKEHASHI_JOB_HEARTBEAT_TIMEOUT": "600"})["requeued"]
    time.sleep(3.5)  # KAKEHASHI_JOB_HEARTBEAT_TIMEOUT
    assert pk in _reap(env)["requeued"]
    assert _job(env, pk)["status"] == "queued"

    worker = _worker(env)
    try:
        job = _wait(env, pk, lambda j: j["status"] != "queued" and j["attempts"] == 2, "retried")
        job = _wait(env, pk, lambda j: j["status"] != "running", "finished")
    finally:
        assert _stop(worker) == 0
    assert (job["status"], job["attempts"], job["error"]) == ("succeeded", 2, "")
    assert json.loads(job["result"]) == {"pid": worker.pid, "first": False}


def test_a_job_killed_on_its_last_attempt_is_failed_with_a_clear_error(env, tmp_path):
    pk, _ = _enqueue_slow(env, tmp_path, 600)
    one_attempt = {"KAKEHASHI_JOB_MAX_ATTEMPTS": "1"}
    worker = _worker({**env, **one_attempt})
    try:
        _wait(env, pk, lambda j: j["status"] == "running", "started")
    finally:
        worker.kill()
        worker.wait()
    time.sleep(3.5)
    assert pk in _reap(env, one_attempt)["failed"]
    job = _job(env, pk)
    assert (job["status"], job["attempts"]) == ("failed", 1)
    assert job["error"] == (
        "The worker running this job stopped responding (no heartbeat for 3 seconds). "
        "It was tried 1 time and is not tried again."
    )


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_serve_runs_the_worker_beside_gunicorn_and_ctrl_c_stops_both(env):
    serve = subprocess.Popen(
        [sys.executable, "-m", "kakehashi", "serve", "--", "--bind", "127.0.0.1:0"],
        env={**env, "KAKEHASHI_STOP_GRACE": "20"},
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        line = serve.stdout.readline()
        pids = dict(part.split(": pid ") for part in line.strip().rstrip(".").split(". "))
        web, worker = int(pids["web"]), int(pids["worker"])
        assert _alive(web) and _alive(worker)
        # Its worker runs what is queued (a kind it knows: the test kinds are not loaded).
        pk = int(_harness(env, "enqueue", "offers.lapse", "{}"))
        job = _wait(env, pk, lambda j: j["status"] != "queued" and j["status"] != "running", "ran")
        assert (job["status"], json.loads(job["result"])) == ("succeeded", {"lapsed": []})
    finally:
        serve.send_signal(signal.SIGINT)  # what Ctrl-C sends
        assert serve.wait(timeout=TIMEOUT) == 0
        serve.stdout.close()
    assert not _alive(web) and not _alive(worker)
