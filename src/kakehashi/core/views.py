from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import Model
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from kakehashi.core.api import error_response
from kakehashi.core.permissions import permission_required


@permission_required("core.view_home")
def home(request):
    """What Kakehashi is, with the way in for each role."""
    return render(request, "core/home.html")


def sign_in_locked_out(request, original_response=None, credentials=None):
    """The answer to a sign-in refused for too many wrong passwords (django-axes'
    AXES_LOCKOUT_CALLABLE): 429, in the API's error shape under /api/, else a page."""
    minutes = max(1, int(settings.AXES_COOLOFF_TIME.total_seconds() // 60))
    message = ngettext(
        "Too many failed sign-in attempts for this account or from this address. "
        "Try again in %(minutes)d minute.",
        "Too many failed sign-in attempts for this account or from this address. "
        "Try again in %(minutes)d minutes.",
        minutes,
    ) % {"minutes": minutes}
    if request.path.startswith("/api/"):
        return error_response(status=429, code="throttled", message=message)
    return render(request, "registration/locked_out.html", {"message": message}, status=429)


def form_add_service_error(form, exc) -> None:
    """Show a service's ValidationError on the form: on the field it names when the
    form has that field, otherwise above the form."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            target = field if field in form.fields and field != NON_FIELD_ERRORS else None
            form.add_error(target, ValidationError(errors))
    else:
        form.add_error(None, exc)


def form_submit(request, form, action, *, success: str, error_field: str | None = None) -> bool:
    """The POST step of a page's form: validate `form`, then call `action` with its
    cleaned data. A service's ValidationError lands on the form: on `error_field` when
    given, else where `form_add_service_error` puts it. On success `success` is queued as
    a message. True when the action was done, so the caller redirects; False when the
    caller shows the form again with its errors."""
    if not form.is_valid():
        return False
    try:
        action(form.cleaned_data)
    except ValidationError as exc:
        if error_field is None:
            form_add_service_error(form, exc)
        else:
            form.add_error(error_field, exc)
        return False
    messages.success(request, success)
    return True


def post_action(perm: str, *, obj=None, success: str, back: str | Callable):
    """A page's POST that does one thing and goes back: `permission_required(perm,
    obj=obj)`, then the view, which does the thing (its answer is not used). A
    ValidationError it raises is shown as one error message, else `success` (lazy) as a
    success message; either way the answer redirects to `back`, a URL name or a
    function of the loaded object (`request.permission_object`) giving a URL."""

    def decorator(view):
        @require_POST
        @permission_required(perm, obj=obj)
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            try:
                view(request, *args, **kwargs)
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(request, success)
            target = getattr(request, "permission_object", None)
            return redirect(back(target) if callable(back) else back)

        return wrapped

    return decorator


def form_data(form, invalid: str) -> dict:
    """The cleaned data of `form`; an invalid one refuses with the message `invalid`
    (a ValidationError, for `post_action` to show)."""
    if not form.is_valid():
        raise ValidationError(invalid)
    return form.cleaned_data


def render_page_or_fragment(request, page: str, fragment: str, context: dict):
    """The one HTMX pattern: an htmx request gets the fragment the page includes,
    anything else (including htmx's history restore, which needs a whole page) the
    full page. Caches must tell the two apart, hence Vary."""
    htmx = getattr(request, "htmx", None)
    partial = bool(htmx) and not htmx.boosted and not htmx.history_restore_request
    response = render(request, fragment if partial else page, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@contextmanager
def missing_is_404(model: type[Model]) -> Iterator[None]:
    """Answer 404 when the block finds no `model` object: missing and not visible look alike."""
    try:
        yield
    except model.DoesNotExist as exc:
        raise Http404 from exc
