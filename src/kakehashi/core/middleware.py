import datetime as dt
import re
import zoneinfo

from django.conf import settings
from django.utils import timezone

from kakehashi.core.cache import data_version_prime

#: `t=1767225600.123` (nginx's `t=${msec}`), `t=1767225600123456` (microseconds, Apache's
#: `%t`), or the same without `t=`.
_REQUEST_START = re.compile(r"^\s*(?:t=)?(\d{9,16})(?:\.(\d{1,6}))?\s*$")


def request_start_from_header(value: str, *, now: dt.datetime) -> dt.datetime | None:
    """The moment a front proxy's `X-Request-Start` names, or None when it is not one
    (unparseable, or later than `now`)."""
    m = _REQUEST_START.match(value or "")
    if not m:
        return None
    whole, fraction = m.group(1), m.group(2)
    if fraction is None and len(whole) > 12:
        seconds = int(whole) / (1_000_000 if len(whole) > 13 else 1000)
    else:
        seconds = float(f"{whole}.{fraction or 0}")
    try:
        at = dt.datetime.fromtimestamp(seconds, tz=dt.UTC)
    except (OverflowError, OSError, ValueError):
        return None
    return at if at <= now else None


class RequestArrivalMiddleware:
    """Stamps `request.received_at`: when the request reached Kakehashi. Deadlines that
    a candidate meets by sending something (the rank list) are judged at that moment,
    not when a busy worker gets to the check (``applications.services.rank_list_set``).

    First in the stack, so nothing Django or the app does before the check (session,
    waiting for SQLite's write lock) counts. A request queued before a worker took it
    is invisible from here; behind a reverse proxy that stamps `X-Request-Start` (and
    overwrites any client's), `KAKEHASHI_TRUST_REQUEST_START` makes its stamp the
    arrival. Either way the arrival is at most `REQUEST_ARRIVAL_GRACE_SECONDS` before
    the worker's own clock: a stamp older than that counts as that much."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        now = timezone.now()
        request.received_at = now
        if getattr(settings, "TRUST_REQUEST_START", False):
            stamped = request_start_from_header(
                request.META.get("HTTP_X_REQUEST_START", ""), now=now
            )
            if stamped is not None:
                grace = dt.timedelta(seconds=settings.REQUEST_ARRIVAL_GRACE_SECONDS)
                request.received_at = max(stamped, now - grace)
        return self.get_response(request)


class TimezoneMiddleware:
    """Show times in the viewer's own zone: the signed-in user's, else the session's."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        name = getattr(getattr(request, "user", None), "timezone", "") or request.session.get(
            "timezone", ""
        )
        try:
            timezone.activate(zoneinfo.ZoneInfo(name)) if name else timezone.deactivate()
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            timezone.deactivate()
        return self.get_response(request)


class DataVersionMiddleware:
    """Reads the data version (core.cache) of a GET or HEAD request up front, with plain
    SQL: every signed-in page reads it (the navigation's roles, cached fragments), and
    the ORM's read of one row costs fifteen times more. Not for other methods: a write in
    the request would change the version after it was read."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in ("GET", "HEAD"):
            data_version_prime(request)
        return self.get_response(request)


class ContentSecurityPolicyMiddleware:
    """A strict CSP: every script and style comes from the app itself, none inline."""

    POLICY = (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "font-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; "
        "form-action 'self'"
    )

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not request.path.startswith("/admin/"):
            response.headers.setdefault("Content-Security-Policy", self.POLICY)
        return response
