"""`manage.py serve [gunicorn options]`: the web server and, beside it, the job worker.

`make run` and `make serve` call this. Gunicorn serves the site; on the embedded
default (JOBS_BACKEND "huey") Huey's consumer runs beside it as a second process
(`manage.py run_huey`: thread workers and the periodic scheduler). With Celery the
workers and beat are deployed on their own and only gunicorn starts here.

The two live and stop together: Ctrl-C (SIGINT) or SIGTERM stops both, and either
one exiting stops the other; the exit status is the first one's. The worker gets
`KAKEHASHI_STOP_GRACE` seconds (default 10) to finish its jobs, then is
interrupted: a job cut short is re-queued by the reaper when the worker is back.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand

PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    """Linux: the child gets SIGTERM if this process dies without stopping it."""
    # On another system, only the stop below.
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


class Command(BaseCommand):
    help = "Serve the site with gunicorn and, on the embedded default, the job worker beside it."

    def add_arguments(self, parser):
        parser.add_argument(
            "gunicorn_args", nargs="*", help="Passed to gunicorn (put them after --)."
        )

    def handle(self, *args, gunicorn_args: list[str], **options):
        commands = {
            "web": [sys.executable, "-m", "gunicorn", "kakehashi.wsgi:application", *gunicorn_args]
        }
        if settings.JOBS_BACKEND == "huey":
            commands["worker"] = [sys.executable, "-m", "kakehashi", "run_huey"]
        else:
            self.stdout.write(
                f"Jobs backend {settings.JOBS_BACKEND}: start its workers and scheduler yourself."
            )
        stopping: list[int] = []

        def stop(signum, frame) -> None:
            stopping.append(signum)

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        # Their own process group: Ctrl-C reaches this process only, which stops each
        # child once (a second SIGINT would cut Huey's graceful shutdown short).
        procs = {
            name: subprocess.Popen(cmd, preexec_fn=_die_with_parent, process_group=0)
            for name, cmd in commands.items()
        }
        self.stdout.write(" ".join(f"{name}: pid {proc.pid}." for name, proc in procs.items()))
        self.stdout.flush()
        first = None
        while first is None and not stopping:
            for name, proc in procs.items():
                if proc.poll() is not None:
                    first = (name, proc.returncode)
                    break
            else:
                time.sleep(0.2)
        if first is not None:
            self.stderr.write(f"{first[0]} exited ({first[1]}): stopping the rest.")
        self._stop(procs)
        if first is not None and first[1]:
            sys.exit(first[1])

    def _stop(self, procs: dict[str, subprocess.Popen]) -> None:
        grace = float(os.environ.get("KAKEHASHI_STOP_GRACE", "10"))
        # Gunicorn stops gracefully on SIGTERM, Huey's consumer on SIGINT.
        gentle = {"web": signal.SIGTERM, "worker": signal.SIGINT}
        for name, proc in procs.items():
            if proc.poll() is None:
                proc.send_signal(gentle[name])
        deadline = time.monotonic() + grace
        for name, proc in procs.items():
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                self.stderr.write(f"{name} still running after {grace:g}s: interrupting it.")
                proc.terminate()
                try:
                    proc.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
