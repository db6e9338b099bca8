"""A throw-away Kakehashi served as `make run` serves it, for the web benchmarks.

`Served(database="sqlite"|"postgres")` makes a temporary var/ directory (or a
PostgreSQL database named `load_bench_<pid>`), migrates it, loads the demo, runs
an optional preparation script inside Django, starts gunicorn (sync workers,
OMP_NUM_THREADS=1) on 127.0.0.1, and on exit stops gunicorn by its pid and
removes the directory and the database it made. Nothing outside loopback.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
PG_SERVER = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")


def load() -> str:
    """The 1-minute load average and core count: figures on a shared machine vary."""
    return f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores"


def _pg(sql: str) -> None:
    # psycopg comes with the project's dependencies; autocommit for CREATE/DROP DATABASE.
    import psycopg  # only the PostgreSQL runs need it

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        conn.execute(sql)


class Served:
    def __init__(
        self,
        *,
        database: str = "sqlite",
        port: int = 8100,
        workers: int = 2,
        prepare: str | None = None,
        prepare_args: list[str] | None = None,
        quiet: bool = True,
        env: dict[str, str] | None = None,
    ) -> None:
        self.database = database
        self.port = port
        self.workers = workers
        self.prepare = prepare
        self.prepare_args = prepare_args or []
        self.quiet = quiet
        self.base = f"http://127.0.0.1:{port}"
        self.prepared: dict = {}
        self._proc: subprocess.Popen | None = None
        self._var = Path(tempfile.mkdtemp(prefix="kakehashi-bench-"))
        self._dbname = f"load_bench_{os.getpid()}" if database == "postgres" else None
        self.env = dict(os.environ)
        self.env.update(
            KAKEHASHI_VAR_DIR=str(self._var),
            OMP_NUM_THREADS="1",
            PYTHONPATH=str(ROOT / "src"),
            DJANGO_SETTINGS_MODULE="kakehashi.settings",
        )
        self.env.update(env or {})
        if self._dbname:
            self.env["DATABASE_URL"] = f"{PG_SERVER}/{self._dbname}"
        else:
            self.env.pop("DATABASE_URL", None)

    def manage(self, *args: str) -> str:
        out = subprocess.run(
            [sys.executable, str(ROOT / "manage.py"), *args],
            env=self.env,
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        )
        return out.stdout

    def __enter__(self) -> Served:
        try:
            if self._dbname:
                _pg(f'DROP DATABASE IF EXISTS "{self._dbname}"')
                _pg(f'CREATE DATABASE "{self._dbname}"')
            self.manage("migrate", "--no-input")
            self.manage("load_demo")
            if self.prepare:
                out = subprocess.run(
                    [sys.executable, self.prepare, *self.prepare_args],
                    env=self.env,
                    cwd=ROOT,
                    check=True,
                    capture_output=True,
                    text=True,
                ).stdout
                self.prepared = json.loads(out.strip().splitlines()[-1])
            self.start()
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def start(self) -> None:
        log = open(self._var / "gunicorn.log", "w")  # noqa: SIM115 (closed with the process)
        self._proc = subprocess.Popen(
            [
                str(VENV_BIN / "gunicorn"),
                "kakehashi.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(self.workers),
                "--worker-class",
                "sync",
                "--timeout",
                "120",
            ],
            env=self.env,
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 120
        answered = 0
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited: {self.log_tail()}")
            try:
                # Ready once it answers (401 here) a few times in a row: each worker loads
                # Django on boot, and a first answer may come from the faster one.
                urllib.request.urlopen(f"{self.base}/api/v1/me", timeout=10)
            except urllib.error.HTTPError:
                answered += 1
                if answered >= 4 * self.workers:
                    break
            except OSError:
                time.sleep(0.3)
        else:
            raise RuntimeError("gunicorn did not answer in 120 s")

    def wait_idle(self, limit: float = 30.0) -> None:
        """Wait until the workers have answered what a finished load left queued: an
        anonymous /api/v1/me answered within 0.1 s three times in a row."""
        stop = time.monotonic() + limit
        quick = 0
        while quick < 3 and time.monotonic() < stop:
            t = time.monotonic()
            try:
                urllib.request.urlopen(f"{self.base}/api/v1/me", timeout=limit)
            except urllib.error.HTTPError:
                pass
            except OSError:
                time.sleep(0.2)
                continue
            quick = quick + 1 if time.monotonic() - t < 0.1 else 0

    def alive(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def log_tail(self, n: int = 4000) -> str:
        try:
            return (self._var / "gunicorn.log").read_text()[-n:]
        except OSError:
            return ""

    def stop(self) -> None:
        if self._proc and self._proc.poll() is None:
            # The arbiter stops its workers on SIGTERM; its session holds only them.
            self._proc.send_signal(signal.SIGTERM)
            try:
                self._proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self._proc.pid, signal.SIGKILL)
                self._proc.wait()
        self._proc = None

    def __exit__(self, *exc) -> None:
        self.stop()
        if self._dbname:
            try:
                _pg(f'DROP DATABASE IF EXISTS "{self._dbname}" WITH (FORCE)')
            except Exception as e:  # a failed drop must not hide the benchmark's error
                print(f"could not drop {self._dbname}: {e}", file=sys.stderr)
        shutil.rmtree(self._var, ignore_errors=True)
