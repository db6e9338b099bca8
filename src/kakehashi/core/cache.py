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

import hashlib
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import connections, router
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
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
    """Read the data version for `request` ahead, with one plain SQL statement, so that
    `data_version(request)` finds it: through the ORM the same read costs ~0.3 ms of CPU
    (building the query) against ~0.02 ms, on every page that holds a cached fragment or
    the navigation. Only with the cache on (nothing reads the version otherwise)."""
    if not _seconds() or hasattr(request, _VERSION_ATTR):
        return
    connection = connections[router.db_for_read(DataVersion)]
    quote = connection.ops.quote_name
    meta = DataVersion._meta
    sql = (
        f"SELECT {quote(meta.get_field('token').column)} FROM {quote(meta.db_table)} "
        f"WHERE {quote(meta.pk.column)} = %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [1])
        row = cursor.fetchone()
    setattr(request, _VERSION_ATTR, (row[0] if row else None) or "")
