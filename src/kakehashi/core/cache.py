"""Cached public answers, retired by a data version every write changes.

Lists and search are read far more often than the data behind them changes, and an
anonymous visitor's answer depends only on the data, the path and the language. Such
answers (the API's public lists and search: `PublicAnswerCacheMiddleware`; the
project list's and search page's fragments: `public_fragment`) are kept in the
process's cache under a key holding `data_version()`, read once per request (one
indexed query). Every save, delete or many-to-many change of a Kakehashi model outside
`IGNORED_APPS` / `IGNORED_MODELS` replaces the token inside the writer's transaction
(`data_version_bump`), so a committed write is seen by every worker and server at
once. Bulk writes send no signal: services that write bulk rows of public data call
`data_version_bump()` themselves. `PUBLIC_CACHE_SECONDS` bounds an entry's life
regardless; 0 turns the cache off.
"""

from __future__ import annotations

import functools
import hashlib
import re
import uuid

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import connections, router
from django.db.backends.signals import connection_created
from django.db.models.signals import (
    m2m_changed,
    post_delete,
    post_migrate,
    post_save,
    pre_migrate,
)
from django.dispatch import receiver
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.urls import get_script_prefix
from django.utils import timezone, translation

from kakehashi.core.models import DataVersion

#: Apps whose rows no public answer shows: their (frequent) writes keep the cache.
IGNORED_APPS = frozenset(
    {"applications", "audit", "core", "documents", "jobs", "matching", "notifications", "offers"}
)
#: Single models likewise ("app_label.modelname").
IGNORED_MODELS = frozenset({"people.apitoken"})
#: Fields no public answer shows: a save of only these (`update_fields`) keeps the cache,
#: so a rush of sign-ins (each saves `last_login`) does not retire it again and again.
PRIVATE_FIELDS = {"people.user": frozenset({"last_login", "password"})}

_VERSION_ATTR = "_kakehashi_data_version"
#: Larger answers (an export-sized page) are not kept: with the cache's 1,000 entries
#: (settings.CACHES) a worker holds at most ~128 MB of answers.
MAX_ANSWER_BYTES = 128 * 1024


def _seconds() -> int:
    return int(getattr(settings, "PUBLIC_CACHE_SECONDS", 0))


def data_version(request=None) -> str:
    """The current token (read once per request when `request` is given)."""
    if request is not None and hasattr(request, _VERSION_ATTR):
        return getattr(request, _VERSION_ATTR)
    token = DataVersion.objects.filter(pk=1).values_list("token", flat=True).first() or ""
    if request is not None:
        setattr(request, _VERSION_ATTR, token)
    return token


def data_version_bump() -> None:
    """Retire every cached public answer (inside the caller's transaction, if any)."""
    token = uuid.uuid4().hex
    if not DataVersion.objects.filter(pk=1).update(token=token):
        DataVersion.objects.update_or_create(pk=1, defaults={"token": token})


def _on_change(sender, **kwargs) -> None:
    meta = getattr(sender, "_meta", None)
    if meta is None or sender.__module__ == "__fake__":
        return  # a migration's historical model: the version table may not exist yet
    if not sender.__module__.startswith("kakehashi."):
        return  # Django's and libraries' own tables (sessions, lockouts, migrations)
    if meta.app_label in IGNORED_APPS or meta.label_lower in IGNORED_MODELS:
        return
    fields = kwargs.get("update_fields")
    if fields and frozenset(fields) <= PRIVATE_FIELDS.get(meta.label_lower, frozenset()):
        return
    if kwargs.get("action", "post_").startswith("pre_"):
        return  # m2m_changed: only after the change
    data_version_bump()


def connect_signals() -> None:
    """Called from CoreConfig.ready(): every model's writes bump the version."""
    post_save.connect(_on_change, dispatch_uid="kakehashi-data-version-save")
    post_delete.connect(_on_change, dispatch_uid="kakehashi-data-version-delete")
    m2m_changed.connect(_on_change, dispatch_uid="kakehashi-data-version-m2m")


def versioned(name: str, parts: tuple, compute, *, request=None):
    """`compute()`, cached under `name`, `parts` and the data version: for answers that
    depend only on data the version covers (never on the rows of `IGNORED_APPS`).
    With `request`, the version is read once for the request."""
    if not _seconds():
        return compute()
    raw = "\x1f".join(map(str, (name, data_version(request), *parts)))
    key = "versioned:" + hashlib.sha256(raw.encode()).hexdigest()
    held = cache.get(key)
    if held is None:
        held = compute()
        cache.set(key, held, _seconds())
    return held


def public_key(request, name: str) -> str | None:
    """The cache key of `name` for this request if its answer is public: a GET by an
    anonymous visitor without credentials, with the cache on. None otherwise."""
    if not _seconds() or request.method != "GET" or "HTTP_AUTHORIZATION" in request.META:
        return None
    user = getattr(request, "user", None)
    if user is None or user.is_authenticated:
        return None
    return _key("public", request, name)


def _key(kind: str, request, name: str, *more: str) -> str:
    """A cache key of `kind` for `name` on this request: what every cached answer depends
    on (data version, language, time zone, htmx or not, the path), and `more`."""
    parts = (
        name,
        data_version(request),
        translation.get_language() or "",
        timezone.get_current_timezone_name(),
        request.META.get("HTTP_HX_REQUEST", ""),
        request.get_full_path(),
        *more,
    )
    return f"{kind}:" + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def public_fragment(request, name: str, render) -> str:
    """`render()` (a string of HTML without per-visitor content such as CSRF tokens),
    cached for anonymous visitors under `public_key(request, name)`."""
    key = public_key(request, name)
    if key is None:
        return render()
    return _cached(key, render)


def _cached(key: str, render) -> str:
    html = cache.get(key)
    if html is None:
        html = render()
        cache.set(key, html, _seconds())
    return html


def visible_fragment(request, name: str, render, *, visible) -> str:
    """`render()` (HTML without per-visitor content such as CSRF tokens), cached for
    anonymous visitors as `public_fragment`, and for signed-in people under what they may
    see: `visible()` returns what the fragment depends on beyond the data version, the
    path, the language and the time zone (the ids of the rows the person may see, which
    the caller reads in a query or two), and people for whom it is the same share the
    entry. Everything else the fragment shows must come from data the version covers
    (never from the rows of `IGNORED_APPS`: those may enter `visible()` only as ids)."""
    key = public_key(request, name)
    if key is None:
        user = getattr(request, "user", None)
        if not _seconds() or request.method != "GET" or user is None:
            return render()
        key = _key("visible", request, name, repr(visible()))
    return _cached(key, render)


class PublicAnswerCacheMiddleware:
    """Serves the answers of `PUBLIC_CACHE_PATHS` (path prefixes: the API's public lists
    and search) to anonymous visitors from the cache; only 200 answers without cookies
    are kept. Sits after the locale, authentication and time zone middleware."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.prefixes = tuple(getattr(settings, "PUBLIC_CACHE_PATHS", ()))

    def __call__(self, request):
        if not request.path.startswith(self.prefixes) or "/export" in request.path:
            return self.get_response(request)
        key = public_key(request, "answer")
        if key is None:
            return self.get_response(request)
        held = cache.get(key)
        if held is not None:
            status, headers, content = held
            response = HttpResponse(content, status=status)
            for name, value in headers:
                response.headers[name] = value
            return response
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            and not (session is not None and session.modified)
            and len(response.content) <= MAX_ANSWER_BYTES
        ):
            headers = [(k, v) for k, v in response.headers.items() if k.lower() != "set-cookie"]
            cache.set(key, (response.status_code, headers, response.content), _seconds())
        return response


def fixed_fragment(name: str, parts: tuple, render) -> str:
    """`render()` (HTML that depends on nothing but `parts`, the language and the script
    prefix: no data, no per-visitor content such as CSRF tokens), cached under them: the
    navigation, the same for everyone with the same roles. No data version in the key:
    no write changes it."""
    if not _seconds():
        return render()
    raw = "\x1f".join(
        map(str, (name, translation.get_language() or "", get_script_prefix(), *parts))
    )
    return _cached("fixed:" + hashlib.sha256(raw.encode()).hexdigest(), render)


def data_version_prime(request) -> None:
    """Read both versions for `request` ahead (the data version and the activity version,
    below), with one plain SQL statement, so that `data_version(request)` and
    `activity_version(request)` find them: through the ORM the same read costs ~0.3 ms of
    CPU (building the query) against ~0.02 ms, on every page that holds a cached fragment
    or the navigation. Only with the cache on (nothing reads the versions otherwise)."""
    if not _seconds() or hasattr(request, _VERSION_ATTR):
        return
    connection = connections[router.db_for_read(DataVersion)]
    quote = connection.ops.quote_name
    meta = DataVersion._meta
    pk = quote(meta.pk.column)
    sql = (
        f"SELECT {pk}, {quote(meta.get_field('token').column)} FROM {quote(meta.db_table)} "
        f"WHERE {pk} IN (%s, %s)"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [1, ACTIVITY_PK])
        tokens = dict(cursor.fetchall())
    setattr(request, _VERSION_ATTR, tokens.get(1) or "")
    setattr(request, _ACTIVITY_ATTR, tokens.get(ACTIVITY_PK) or "")


# ----------------------------------------------------------------- the activity version
#
# The data version ignores a call's busy rows (applications, rank lists, host rankings,
# runs, offers, documents) so that the deadline rush keeps the public cache. A signed-in
# person's own pages (the home's cards) show those rows: their cached fragments are kept
# under a second token, the **activity version** (row `ACTIVITY_PK` of the same table),
# which every write to a Kakehashi table replaces, but those of `ACTIVITY_IGNORED_APPS`
# and `ACTIVITY_IGNORED_TABLES`. It watches the SQL itself (an execute wrapper on every
# database connection), not model signals, so bulk creates, updates, deletes and raw SQL
# change it as surely as a model's save.

#: Kakehashi apps whose writes change no person's cached page: the version table itself,
#: jobs (their heartbeats), the audit trail, mail.
ACTIVITY_IGNORED_APPS = frozenset({"audit", "core", "jobs", "notifications"})
#: Single tables likewise: an API token's last use, written by every token request.
ACTIVITY_IGNORED_TABLES = frozenset({"people_apitoken"})
#: The activity version's row in `DataVersion` (the data version's is 1).
ACTIVITY_PK = 2

_ACTIVITY_ATTR = "_kakehashi_activity_version"
#: A statement that writes a table, and its table: INSERT (SQLite's "INSERT OR IGNORE" of
#: `bulk_create(ignore_conflicts=True)` too), REPLACE, UPDATE, DELETE.
_WRITE_SQL = re.compile(
    r'\s*(?:(?:INSERT(?:\s+OR\s+\w+)?|REPLACE)\s+INTO|UPDATE|DELETE\s+FROM)\s+["`]?(\w+)',
    re.IGNORECASE,
)


@functools.cache
def _activity_prefixes() -> tuple[str, ...]:
    """The table-name prefixes of the watched apps (Django names a table `<app label>_…`)."""
    return tuple(
        f"{config.label}_"
        for config in apps.get_app_configs()
        if config.name.startswith("kakehashi.") and config.label not in ACTIVITY_IGNORED_APPS
    )


def activity_version(request=None) -> str:
    """The activity version's token, read in the same query as the data version (which
    it also records for `request`, when not read yet): once per request with `request`."""
    if request is not None and hasattr(request, _ACTIVITY_ATTR):
        return getattr(request, _ACTIVITY_ATTR)
    tokens = dict(DataVersion.objects.filter(pk__in=(1, ACTIVITY_PK)).values_list("pk", "token"))
    token = tokens.get(ACTIVITY_PK, "")
    if request is not None:
        setattr(request, _ACTIVITY_ATTR, token)
        if not hasattr(request, _VERSION_ATTR):
            setattr(request, _VERSION_ATTR, tokens.get(1, ""))
    return token


def activity_version_bump(*, using: str = "default") -> None:
    """Retire every cached fragment keyed by the activity version (inside the caller's
    transaction, if any). Called by the execute wrapper after each write it sees.

    Plain statements, no atomic block: the wrapper runs while the write that called it
    may still be in progress (an INSERT … RETURNING whose rows are not read yet), when
    SQLite refuses a savepoint or a commit. An update, and the first time an upsert
    (one statement, so two first writers cannot collide)."""
    token = uuid.uuid4().hex
    connection = connections[using]
    quote = connection.ops.quote_name
    table, pk, field = quote(DataVersion._meta.db_table), quote("id"), quote("token")
    # Plain SQL also because it follows every watched write (16 µs of CPU here, the
    # ORM's update 111).
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET {field} = %s WHERE {pk} = %s", [token, ACTIVITY_PK])
        if not cursor.rowcount:
            cursor.execute(
                f"INSERT INTO {table} ({pk}, {field}) VALUES (%s, %s) "
                f"ON CONFLICT ({pk}) DO UPDATE SET {field} = excluded.{field}",
                [ACTIVITY_PK, token],
            )


#: True while `migrate` runs: its writes (data migrations) may come before the version
#: table exists, and no server's cache outlives a deployment's migration anyway.
_migrating = False


@receiver(pre_migrate, dispatch_uid="kakehashi-activity-migrate-starts")
def _migrate_starts(sender, **kwargs) -> None:
    global _migrating
    _migrating = True


@receiver(post_migrate, dispatch_uid="kakehashi-activity-migrate-ends")
def _migrate_ends(sender, **kwargs) -> None:
    global _migrating
    _migrating = False


def _activity_write(execute, sql, params, many, context):
    """Execute wrapper: after a statement that writes a watched table, bump
    the activity version on the same connection (so in the same transaction: a write
    rolled back takes its bump with it; a write committed is seen with its bump)."""
    result = execute(sql, params, many, context)
    if _migrating:
        return result
    match = _WRITE_SQL.match(sql) if isinstance(sql, str) else None
    if match:
        table = match.group(1).lower()
        if table.startswith(_activity_prefixes()) and table not in ACTIVITY_IGNORED_TABLES:
            activity_version_bump(using=context["connection"].alias)
    return result


@receiver(connection_created, dispatch_uid="kakehashi-activity-version")
def _watch_activity_writes(sender, connection, **kwargs) -> None:
    """Every new database connection gets the execute wrapper (once per wrapper object:
    a connection closed and opened again keeps it)."""
    if _activity_write not in connection.execute_wrappers:
        connection.execute_wrappers.append(_activity_write)


def person_fragment(request, name: str, render) -> str:
    """A signed-in person's own fragment (HTML without per-visit content such as CSRF
    tokens), cached per person under the data version, the activity version, the path,
    the language and the time zone. `render()` returns the HTML and the moment it stops
    being true by time alone (a phase opens or closes, an offer's deadline passes), or
    None; an entry is not served from that moment on. Everything the fragment shows
    must come from data the two versions cover."""
    user = getattr(request, "user", None)
    if not _seconds() or request.method != "GET" or user is None or not user.is_authenticated:
        return render()[0]
    activity = activity_version(request)  # first: reads the data version with it
    key = _key("person", request, name, activity, str(user.pk))
    held = cache.get(key)
    if held is not None and (held[1] is None or timezone.now() < held[1]):
        return held[0]
    html, until = render()
    cache.set(key, (html, until), _seconds())
    return html


def versions_read(request) -> None:
    """Read both versions of `request` in one query, for a GET with the cache on: for a
    view that reads `versioned` data before its `person_fragment` (else two queries)."""
    if _seconds() and request.method == "GET":
        activity_version(request)


#: Stands for the CSRF token in a kept fragment that holds a form (render it with
#: ``csrf_token=CSRF_SLOT`` in its context): `csrf_filled` puts each answer's own in.
CSRF_SLOT = "csrf-slot-of-a-kept-fragment"


def csrf_filled(request, html: str) -> str:
    """`html`, kept with `CSRF_SLOT` for its CSRF tokens, with this request's token."""
    return html.replace(CSRF_SLOT, get_token(request))
