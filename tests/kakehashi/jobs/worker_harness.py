"""A worker process for the tests, with a test-only slow job kind registered.

`python -m tests.kakehashi.jobs.worker_harness worker|reap|enqueue KIND PARAMS_JSON`
against the database and var/ named by the environment (DATABASE_URL,
KAKEHASHI_VAR_DIR). The job kind `test.slow` exists only here: production code never
imports this module.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kakehashi.settings")

import django

django.setup()

from django.core.management import call_command  # noqa: E402

from kakehashi.jobs.services import job_enqueue, job_handler  # noqa: E402


@job_handler("test.slow")
def _slow(*, params, progress):
    """The first attempt writes `marker` (its pid) and sleeps `seconds`, giving the
    test time to kill its worker; a later attempt, finding the marker, ends at once."""
    marker = Path(params["marker"])
    first = not marker.exists()
    marker.write_text(str(os.getpid()))
    seconds = params["seconds"] if first else 0
    progress(0, max(1, seconds), "sleeping")
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        time.sleep(0.1)
    return {"pid": os.getpid(), "first": first}


def main(argv: list[str]) -> None:
    if argv[0] == "worker":
        call_command("run_huey")
    elif argv[0] == "reap":
        call_command("jobs_reap")
    elif argv[0] == "enqueue":
        print(job_enqueue(kind=argv[1], params=json.loads(argv[2])).pk)
    else:
        raise SystemExit(f"unknown command {argv[0]!r}")


if __name__ == "__main__":
    main(sys.argv[1:])
