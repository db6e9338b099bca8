"""Production refuses to start without its own secret key and passes Django's deploy checks."""

import os
import stat
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
KEY = "k" * 20 + "-production-secret-used-only-by-this-test-0123456789"


def _run(tmp_path, *args, **env):
    environ = {
        k: v
        for k, v in os.environ.items()
        # DJANGO_*: the browser tests set DJANGO_ALLOW_ASYNC_UNSAFE, which no deployment has.
        if not k.startswith(("KAKEHASHI_", "DJANGO_")) and k != "DATABASE_URL"
    }
    environ.update(KAKEHASHI_VAR_DIR=str(tmp_path / "var"), **env)
    return subprocess.run(
        [sys.executable, *args],
        cwd=REPO,
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_passes_check_deploy_at_warning_level(tmp_path):
    done = _run(
        tmp_path,
        "manage.py",
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        KAKEHASHI_ENV="production",
        KAKEHASHI_SECRET_KEY=KEY,
    )

    assert (done.returncode, done.stdout, done.stderr) == (
        0,
        "System check identified no issues (1 silenced).\n",
        "",
    )


def test_production_without_secret_key_refuses_to_start(tmp_path):
    done = _run(tmp_path, "manage.py", "check", KAKEHASHI_ENV="production")

    assert done.returncode == 1
    assert done.stderr.strip().splitlines()[-1] == (
        "django.core.exceptions.ImproperlyConfigured: KAKEHASHI_ENV=production needs a secret "
        "key: set KAKEHASHI_SECRET_KEY to a long random value "
        "(e.g. python -c 'import secrets; print(secrets.token_urlsafe(50))')."
    )


def test_embedded_default_makes_its_own_key_once_and_keeps_it(tmp_path):
    show = [
        "-c",
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.SECRET_KEY)",
    ]

    first = _run(tmp_path, *show, DJANGO_SETTINGS_MODULE="kakehashi.settings")
    second = _run(tmp_path, *show, DJANGO_SETTINGS_MODULE="kakehashi.settings")

    key_file = tmp_path / "var" / "secret_key"
    assert first.returncode == 0, first.stderr
    assert first.stdout == second.stdout == key_file.read_text()
    assert len(first.stdout.strip()) >= 50
    assert "demo" not in first.stdout
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
