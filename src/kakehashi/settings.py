"""Django settings for Kakehashi.

Every value that differs between machines comes from the environment (see the
README's configuration table). The defaults give the embedded demo: SQLite
under var/, background jobs on a SQLite queue in var/, mail written to var/mail.
"""

import datetime as dt
import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
# The repository root when running from a checkout; var/ holds local state.
REPO_DIR = BASE_DIR.parent.parent
VAR_DIR = Path(os.environ.get("KAKEHASHI_VAR_DIR", REPO_DIR / "var"))


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = _env_bool("KAKEHASHI_DEBUG", False)
# `KAKEHASHI_ENV=production` is a deployment: it must bring its own secret key and
# gets HTTPS-only settings. Anything else is the embedded default (make run, tests).
PRODUCTION = os.environ.get("KAKEHASHI_ENV", "").strip().lower() == "production"


def _local_secret_key(path: Path) -> str:
    """The embedded default's key: random, made once per checkout and kept in var/.

    Never a key published with the code: a server started without configuration
    still signs its sessions with a secret of its own.
    """
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text(encoding="ascii").strip()
    key = secrets.token_urlsafe(50)
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(key + "\n")
    return key


VAR_DIR.mkdir(parents=True, exist_ok=True)
SECRET_KEY = os.environ.get("KAKEHASHI_SECRET_KEY", "").strip()
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured(
            "KAKEHASHI_ENV=production needs a secret key: set KAKEHASHI_SECRET_KEY to a long "
            "random value (e.g. python -c 'import secrets; print(secrets.token_urlsafe(50))')."
        )
    SECRET_KEY = _local_secret_key(VAR_DIR / "secret_key")
ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("KAKEHASHI_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")
    if h.strip()
]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("KAKEHASHI_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "ninja",  # its Swagger UI templates and static files: /api/v1/docs needs no CDN
    "rules.apps.AutodiscoverRulesConfig",
    "axes",
    "huey.contrib.djhuey",  # its run_huey command: the embedded default's job worker
    "django_countries",  # country names in English, French and Japanese (nationality)
    "kakehashi.core",
    "kakehashi.audit",
    "kakehashi.research_fields",
    "kakehashi.organisations",
    "kakehashi.people",
    "kakehashi.programs",
    "kakehashi.projects",
    "kakehashi.applications",
    "kakehashi.jobs",
    "kakehashi.demo",
    "kakehashi.recommendations",
    "kakehashi.matching",
    "kakehashi.offers",
    "kakehashi.notifications",
    "kakehashi.documents",
    "kakehashi.internships",
    "kakehashi.network",
    "kakehashi.outcomes",
    "kakehashi.reports",
    "kakehashi.funding",
    "kakehashi.review",
    "kakehashi.mobility",
]

MIDDLEWARE = [
    # First: when the request arrived, for deadlines met by sending (core.middleware).
    "kakehashi.core.middleware.RequestArrivalMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "kakehashi.core.middleware.TimezoneMiddleware",
    # The data version in one plain read, before anything reads it (core.cache).
    "kakehashi.core.middleware.DataVersionMiddleware",
    "kakehashi.core.middleware.ContentSecurityPolicyMiddleware",
    # Anonymous visitors' public lists and search from the cache (core.cache).
    "kakehashi.core.cache.PublicAnswerCacheMiddleware",
    # Last: turns a sign-in refused for too many failures into the lockout answer.
    "axes.middleware.AxesMiddleware",
]

#: A rank list is judged by when its request arrived (core.middleware.RequestArrivalMiddleware),
#: at most this many seconds before the worker took it.
REQUEST_ARRIVAL_GRACE_SECONDS = int(os.environ.get("KAKEHASHI_ARRIVAL_GRACE_SECONDS", "60"))
#: Take a reverse proxy's `X-Request-Start` stamp as the arrival (only if it overwrites any
#: client's: otherwise a client could claim to have sent a list in time).
TRUST_REQUEST_START = _env_bool("KAKEHASHI_TRUST_REQUEST_START", False)

ROOT_URLCONF = "kakehashi.urls"
WSGI_APPLICATION = "kakehashi.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'kakehashi.sqlite3'}"),
        conn_max_age=int(os.environ.get("KAKEHASHI_CONN_MAX_AGE", "600")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers proceed while a writer commits; the busy timeout turns
    # brief lock contention between gunicorn workers into a wait, not an error.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["TEST"] = {"NAME": ":memory:"}

#: Anonymous answers of public lists and search are cached this long at most (seconds;
#: every write to public data retires them at once: core.cache). 0: no cache.
PUBLIC_CACHE_SECONDS = int(os.environ.get("KAKEHASHI_PUBLIC_CACHE_SECONDS", "300"))
#: The API paths whose anonymous answers PublicAnswerCacheMiddleware keeps.
PUBLIC_CACHE_PATHS = [
    "/api/v1/projects",
    "/api/v1/organisations",
    "/api/v1/research-fields",
    "/api/v1/programs",
    "/api/v1/calls",
    "/api/v1/search",
]
CACHES = {
    "default": {
        # Per process; entries are keyed by the shared data version, never invalidated
        # one by one, so workers need not share them.
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "OPTIONS": {"MAX_ENTRIES": 1000},
    }
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "people.User"
#: Resolves an API bearer token to its user (or None); see core.api.TokenAuth.
API_TOKEN_AUTHENTICATOR = "kakehashi.people.services.api_token_authenticate"
AUTHENTICATION_BACKENDS = [
    # First: refuses every password check for a locked-out account or address.
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Brute-force protection (django-axes) for the sign-in page, the admin's and HTTP
# Basic on the API: after KAKEHASHI_LOGIN_FAILURE_LIMIT wrong passwords for one
# account, or from one address, that account or address is refused for
# KAKEHASHI_LOGIN_COOLOFF_MINUTES. Behind a proxy the address is the proxy's.
AXES_FAILURE_LIMIT = int(os.environ.get("KAKEHASHI_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = dt.timedelta(
    minutes=int(os.environ.get("KAKEHASHI_LOGIN_COOLOFF_MINUTES", "15"))
)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
# Only failures are recorded, not every successful sign-in.
AXES_DISABLE_ACCESS_LOG = True
AXES_LOCKOUT_CALLABLE = "kakehashi.core.views.sign_in_locked_out"
#: How long a new API token is valid (see people.services.api_token_create).
API_TOKEN_LIFETIME = dt.timedelta(days=int(os.environ.get("KAKEHASHI_API_TOKEN_DAYS", "90")))
#: The largest request body (form post or raw API body) Django reads; a larger one is
#: refused (API: 413 ``too_large``) before any parsing. The largest text-only write, a
#: project with every text and translation at its limit (docs/limits.md), is about
#: 0.5 MB of JSON; imports past this size go as multipart uploads.
DATA_UPLOAD_MAX_MEMORY_SIZE = int(os.environ.get("KAKEHASHI_MAX_BODY_BYTES", str(2_621_440)))
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "programs:home"
LOGOUT_REDIRECT_URL = "home"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fr", _("French")), ("ja", _("Japanese"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"

STATIC_URL = "/static/"
# Candidates' documents and reference letters (docs/documents.md): kept under
# MEDIA_ROOT, which no URL serves (no MEDIA_URL, not WhiteNoise's); views that check
# permission read them. KAKEHASHI_UPLOAD_MAX_BYTES bounds each uploaded PDF.
MEDIA_ROOT = Path(os.environ.get("KAKEHASHI_MEDIA_ROOT", VAR_DIR / "media"))
UPLOAD_MAX_BYTES = int(os.environ.get("KAKEHASHI_UPLOAD_MAX_BYTES", str(10 * 1024 * 1024)))
# How long a referee's private upload link works (days).
REFEREE_LINK_DAYS = int(os.environ.get("KAKEHASHI_REFEREE_LINK_DAYS", "30"))
REFEREES_MAX = 10
STATIC_ROOT = Path(os.environ.get("KAKEHASHI_STATIC_ROOT", VAR_DIR / "static"))
# WhiteNoise warns at start-up (an error in the test suite) when this is missing.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

# Django's database sessions, read with plain SQL (core.sessions).
SESSION_ENGINE = "kakehashi.core.sessions"

# HTTPS only in production (README, Configuration). TLS usually ends at a load
# balancer or reverse proxy, which must set (and overwrite any client's) header
# KAKEHASHI_PROXY_SSL_HEADER, by default `X-Forwarded-Proto: https`; set it empty
# when Kakehashi itself serves HTTPS.
if PRODUCTION:
    SECURE_SSL_REDIRECT = _env_bool("KAKEHASHI_SSL_REDIRECT", True)
    _proxy_header = os.environ.get("KAKEHASHI_PROXY_SSL_HEADER", "X-Forwarded-Proto").strip()
    if _proxy_header:
        SECURE_PROXY_SSL_HEADER = ("HTTP_" + _proxy_header.upper().replace("-", "_"), "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("KAKEHASHI_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = _env_bool("KAKEHASHI_HSTS_INCLUDE_SUBDOMAINS", True)
    # Joining the browsers' preload list is hard to undo: the operator opts in.
    SECURE_HSTS_PRELOAD = _env_bool("KAKEHASHI_HSTS_PRELOAD", False)
    if not SECURE_HSTS_PRELOAD:
        SILENCED_SYSTEM_CHECKS = ["security.W021"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

EMAIL_BACKEND = os.environ.get(
    "KAKEHASHI_EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend"
)
EMAIL_FILE_PATH = VAR_DIR / "mail"
# Links in e-mail point here.
SITE_URL = os.environ.get("KAKEHASHI_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
DEFAULT_FROM_EMAIL = os.environ.get("KAKEHASHI_FROM_EMAIL", "kakehashi@example.org")

# Background jobs never run inside a web request (docs/architecture.md, Background
# jobs). KAKEHASHI_JOBS_BACKEND picks where they run: "celery" (workers and beat on
# CELERY_BROKER_URL, the default when a broker is set), "huey" (the embedded default:
# a queue in var/jobs-queue.sqlite3 and `manage.py run_huey`, which `manage.py serve`,
# hence `make run`/`make serve`, starts beside gunicorn), or "inline" (the job runs
# in the process that queued it once its transaction commits: the test suite and the
# API fuzz step, .ci/fuzz-api, only).
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
JOBS_BACKEND = os.environ.get(
    "KAKEHASHI_JOBS_BACKEND", "celery" if CELERY_BROKER_URL else "huey"
).strip()
if JOBS_BACKEND not in {"celery", "huey", "inline"}:
    raise ImproperlyConfigured(
        f"KAKEHASHI_JOBS_BACKEND={JOBS_BACKEND!r}: use celery, huey or inline."
    )
if JOBS_BACKEND == "celery" and not CELERY_BROKER_URL:
    raise ImproperlyConfigured("KAKEHASHI_JOBS_BACKEND=celery needs CELERY_BROKER_URL.")
#: A running job's worker writes its heartbeat this often (seconds) ...
JOBS_HEARTBEAT_SECONDS = int(os.environ.get("KAKEHASHI_JOB_HEARTBEAT_SECONDS", "15"))
#: ... and a job whose heartbeat is older than this is taken for dead: the reaper
#: re-queues it, until it has been tried JOBS_MAX_ATTEMPTS times; then it fails.
JOBS_HEARTBEAT_TIMEOUT = int(os.environ.get("KAKEHASHI_JOB_HEARTBEAT_TIMEOUT", "120"))
JOBS_MAX_ATTEMPTS = int(os.environ.get("KAKEHASHI_JOB_MAX_ATTEMPTS", "3"))
#: An attempt still running after this many seconds, heartbeat or not, is failed (a
#: handler stuck for good); 0: no limit.
JOBS_TIME_LIMIT = int(os.environ.get("KAKEHASHI_JOB_TIME_LIMIT", "21600"))
if not 0 < JOBS_HEARTBEAT_SECONDS < JOBS_HEARTBEAT_TIMEOUT or JOBS_MAX_ATTEMPTS < 1:
    raise ImproperlyConfigured(
        "Background jobs need 0 < KAKEHASHI_JOB_HEARTBEAT_SECONDS < "
        "KAKEHASHI_JOB_HEARTBEAT_TIMEOUT and KAKEHASHI_JOB_MAX_ATTEMPTS >= 1."
    )
# The embedded default's queue (Huey on SQLite). Thread workers, not processes: the
# encoder uses OpenMP, and a process that forks after encoding hangs its child.
HUEY = {
    "huey_class": "huey.SqliteHuey",
    "name": "kakehashi",
    "filename": str(VAR_DIR / "jobs-queue.sqlite3"),
    "immediate": False,
    "results": False,
    "consumer": {
        "workers": int(os.environ.get("KAKEHASHI_JOB_THREADS", "2")),
        "worker_type": "thread",
        "periodic": True,
    },
}
CELERY_TASK_ALWAYS_EAGER = False
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND", None)
CELERY_WORKER_POOL = "solo"
# The periodic work, queued by `celery -A kakehashi beat` with a broker and by the
# Huey consumer's scheduler without one (jobs.tasks): expired offers lapse every
# minute, phase openings and deadline reminders go out every ten minutes, reminders
# of missing reference letters and internships' status (planned → active →
# completed) and of reviews due soon every hour, and the
# reaper looks for jobs whose worker died every minute. Schedules are in seconds,
# whole minutes (Huey's scheduler wakes once a minute).
CELERY_BEAT_SCHEDULE = {
    "offers-lapse": {
        "task": "kakehashi.jobs.tasks.job_enqueue_scheduled",
        "schedule": 60.0,
        "kwargs": {"kind": "offers.lapse"},
    },
    "phase-notifications": {
        "task": "kakehashi.jobs.tasks.job_enqueue_scheduled",
        "schedule": 600.0,
        "kwargs": {"kind": "notifications.phases"},
    },
    "letter-reminders": {
        "task": "kakehashi.jobs.tasks.job_enqueue_scheduled",
        "schedule": 3600.0,
        "kwargs": {"kind": "documents.letter_reminders"},
    },
    "report-reminders": {
        "task": "kakehashi.jobs.tasks.job_enqueue_scheduled",
        "schedule": 3600.0,
        "kwargs": {"kind": "reports.remind"},
    },
    "mobility-step-reminders": {
        "task": "kakehashi.jobs.tasks.job_enqueue_scheduled",
        "schedule": 3600.0,
        "kwargs": {"kind": "mobility.step_reminders"},
    },
    "internships-advance": {
        "task": "kakehashi.jobs.tasks.job_enqueue_scheduled",
        "schedule": 3600.0,
        "kwargs": {"kind": "internships.advance"},
    },
    "review-reminders": {
        "task": "kakehashi.jobs.tasks.job_enqueue_scheduled",
        "schedule": 3600.0,
        "kwargs": {"kind": "review.reminders"},
    },
    "jobs-reap": {
        "task": "kakehashi.jobs.tasks.jobs_reap_scheduled",
        "schedule": 60.0,
    },
}

# Where the demo loader and importers find the shared public data sets.
KAKEHASHI_SHARED_DATA = Path(
    os.environ.get("KAKEHASHI_SHARED_DATA", REPO_DIR.parent / "shared" / "data")
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("KAKEHASHI_LOG_LEVEL", "WARNING")},
    # The job worker says what it runs (once: run_huey adds no handler of its own then).
    "loggers": {"huey": {"handlers": ["console"], "level": "INFO", "propagate": False}},
}

# The API: page sizes.
NINJA_PAGINATION_PER_PAGE = 20
NINJA_PAGINATION_MAX_LIMIT = 200
