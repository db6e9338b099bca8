"""Every page and every API operation names a registered permission."""

import pytest
import rules
from django.urls import URLPattern, URLResolver, get_resolver, resolve

from kakehashi.core.permissions import PERMISSION_ATTR

# Patterns that name no permission of ours, and why.
EXCLUDED_PREFIXES = {
    "admin/": "the Django admin checks its own staff permissions",
    "static/": "static files: public by nature",
    "media/": "uploaded files are not served by the app",
}
# django.conf.urls.i18n's set_language: shadowed by people.views.language_set at the
# same path (test_set_language_is_ours checks it).
EXCLUDED_VIEWS = {"django.views.i18n.set_language"}
# Views of the API itself rather than of its operations.
EXCLUDED_API_NAMES = {
    "api-root": "names the API and where its description is: no data",
    "openapi-json": "the API's public description (django-ninja)",
    "openapi-view": "the API's public interactive docs (django-ninja)",
    "unknown": "the JSON 404 for any other path under /api/v1/",
}


def _walk(patterns, prefix=""):
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern):
            yield route, pattern


def _operations(callback):
    """The django-ninja operations behind an API URL pattern (none for other views)."""
    view = callback
    while hasattr(view, "__wrapped__"):
        view = view.__wrapped__
    # Ninja's view is a closure over its PathView, which holds the operations.
    cells = [c.cell_contents for c in (getattr(view, "__closure__", None) or ())]
    path_view = next((c for c in cells if hasattr(c, "operations")), None)
    return list(getattr(path_view, "operations", []))


def _name(func) -> str:
    return f"{func.__module__}.{func.__qualname__}"


def _checked():
    """(what, permission) for every page and API operation; permission None if unnamed."""
    found = []
    for route, pattern in _walk(get_resolver().url_patterns):
        if any(route.startswith(p) for p in EXCLUDED_PREFIXES):
            continue
        callback = pattern.callback
        if route.startswith("api/v1/"):
            if pattern.name in EXCLUDED_API_NAMES:
                continue
            operations = _operations(callback)
            assert operations, f"{route}: an API pattern without operations"
            for op in operations:
                what = f"{'/'.join(op.methods)} /{route} ({_name(op.view_func)})"
                found.append((what, getattr(op.view_func, PERMISSION_ATTR, None)))
            continue
        view = getattr(callback, "view_class", None) or callback
        if _name(callback) in EXCLUDED_VIEWS:
            continue
        found.append((f"/{route} ({_name(view)})", getattr(callback, PERMISSION_ATTR, None)))
    return found


def test_every_page_and_operation_checks_a_registered_permission():
    checked = _checked()

    unnamed = [what for what, perm in checked if perm is None]
    unregistered = [
        f"{what}: {perm}" for what, perm in checked if perm and not rules.perm_exists(perm)
    ]

    assert unnamed == []
    assert unregistered == []


def test_walk_sees_pages_and_api_operations():
    whats = [what for what, _perm in _checked()]

    assert any(w.startswith("/projects/<slug:key>/ ") for w in whats)
    assert any(w.startswith("PATCH /api/v1/projects/<int:project_id>") for w in whats)
    assert len([w for w in whats if "/api/v1/" in w]) > 60


def test_set_language_is_ours():
    assert resolve("/i18n/setlang/").func.__module__ == "kakehashi.people.views"


@pytest.mark.parametrize(
    ("perm", "predicate"),
    [
        ("core.view_home", rules.always_allow),
        ("projects.view_project_list", rules.always_allow),
    ],
)
def test_public_pages_use_always_allow(perm, predicate):
    assert rules.permissions.permissions[perm] is predicate
