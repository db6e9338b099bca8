"""The one way pages and API endpoints check permissions.

Every page and every endpoint names a permission registered with
``rules.add_perm("app.verb_noun", predicate)`` in its app's ``rules.py``, and checks
it with ``user.has_perm(perm, obj)`` through one of two decorators:

* :func:`permission_required` for pages (Django views);
* :func:`api_permission` for endpoints of the JSON API (django-ninja), placed
  under the router's decorator.

Both take ``obj``, a loader ``(request, **url_kwargs) -> object`` that fetches the
object through a ``*_visible`` selector: an object the caller may not see raises
DoesNotExist, which answers 404 on pages and in the API alike. The loaded object
is left on ``request.permission_object`` so the view does not fetch it twice.

A refused permission answers, on a page, the login page to anonymous users and a
404 to everyone else (a page never says what it would have shown); in the API, a
403 with a message (the object, if any, is one the caller may see).

Both decorators set ``permission_required`` on the function they return, so a test
walks every URL and fails on a view or operation that names no registered permission.
"""

from __future__ import annotations

import inspect
from functools import wraps
from urllib.parse import urlparse

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.http import Http404
from django.shortcuts import resolve_url
from django.utils.translation import gettext_lazy

#: The attribute naming the permission a view or endpoint checks.
PERMISSION_ATTR = "permission_required"

NOT_ALLOWED = gettext_lazy("You are not allowed to do this.")


def _login_redirect(request):
    """The login page, coming back here afterwards (what ``login_required`` does)."""
    path = request.build_absolute_uri()
    login_url = resolve_url(settings.LOGIN_URL)
    login_scheme, login_netloc = urlparse(login_url)[:2]
    scheme, netloc = urlparse(path)[:2]
    same_scheme = not login_scheme or login_scheme == scheme
    if same_scheme and (not login_netloc or login_netloc == netloc):
        path = request.get_full_path()
    return redirect_to_login(path, login_url)


def permission_required(perm: str, *, obj=None, public: bool = False):
    """Pages: let the request through only if ``request.user.has_perm(perm, obj)``.

    With `obj`, anonymous visitors are sent to sign in before anything is loaded,
    unless `public` (the object may be public: then it is loaded for them too and
    one they may not see is a 404, as for anyone)."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            target = None
            if obj is not None and not public and not request.user.is_authenticated:
                return _login_redirect(request)
            if obj is not None:
                try:
                    target = obj(request, *args, **kwargs)
                except ObjectDoesNotExist as exc:
                    raise Http404 from exc
                request.permission_object = target
            if not request.user.has_perm(perm, target):
                if not request.user.is_authenticated:
                    return _login_redirect(request)
                raise Http404
            return view(request, *args, **kwargs)

        setattr(wrapped, PERMISSION_ATTR, perm)
        return wrapped

    return decorator


def api_permission(perm: str, *, obj=None, message=None):
    """API endpoints: refuse with 403 (`message`) unless ``request.user.has_perm(perm, obj)``.

    Goes under ``@router.<method>(…)`` and above ``@paginate`` (``router.list_get``
    paginates around it). A loader's DoesNotExist is answered 404 by the API's error
    handlers.
    """

    def decorator(endpoint):
        @wraps(endpoint)
        def wrapped(request, *args, **kwargs):
            target = None
            if obj is not None:
                target = obj(request, **kwargs)
                request.permission_object = target
            if not request.user.has_perm(perm, target):
                raise PermissionDenied(str(message or NOT_ALLOWED))
            return endpoint(request, *args, **kwargs)

        # Ninja reads the parameters' annotations in the namespace of the function it
        # is given: hand it the endpoint's, evaluated (modules use postponed annotations).
        wrapped.__signature__ = inspect.signature(endpoint, eval_str=True)
        setattr(wrapped, PERMISSION_ATTR, perm)
        return wrapped

    return decorator
