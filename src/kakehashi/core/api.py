"""What every router of the JSON API shares: authentication, pagination, the error shape.

Authentication (tried in order):

* ``Authorization: Bearer <token>`` — a token from ``POST /api/v1/me/tokens``;
  a token that is presented but unknown or revoked answers 401 at once.
* the Django session cookie (the browser); unsafe methods need the CSRF token
  (``X-CSRFToken`` header), exactly as for the HTML pages.
* HTTP Basic (username and password) — accepted only to create a token.

Errors: every error answer is :func:`kakehashi.core.errors.error_body`.
"""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Iterable
from typing import Annotated, Any, ClassVar, get_args

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import (
    ObjectDoesNotExist,
    PermissionDenied,
    RequestDataTooBig,
    SuspiciousOperation,
    ValidationError,
)
from django.core.files.uploadedfile import UploadedFile
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.utils.module_loading import import_string
from django.utils.timezone import get_current_timezone_name
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.conf import settings as ninja_settings
from ninja.constants import NOT_SET
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.pagination import LimitOffsetPagination, paginate
from ninja.parser import Parser
from ninja.responses import NinjaJSONEncoder
from ninja.security import HttpBasicAuth, HttpBearer
from ninja.security.apikey import APIKeyCookie
from ninja.utils import check_csrf
from pydantic import StringConstraints, create_model, model_validator

from kakehashi.core import limits
from kakehashi.core.cache import person_fragment, versioned, visible_fragment
from kakehashi.core.errors import ImportRejected, error_body, validation_messages
from kakehashi.core.imports import check_format, decode, guess_format, load_json

logger = logging.getLogger("kakehashi.api")

# ---------------------------------------------------------------- authentication


class TokenAuth(HttpBearer):
    """``Authorization: Bearer kh_…``. A bad token is refused, never treated as anonymous.

    Tokens belong to people: the function that resolves one is named by the
    ``API_TOKEN_AUTHENTICATOR`` setting (as Django names its authentication
    backends), so this base layer imports no app."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = import_string(settings.API_TOKEN_AUTHENTICATOR)(key=token)
        if user is None:
            raise AuthenticationError(
                message=_("The API token is unknown, has expired or has been revoked.")
            )
        request.user = user
        return user


class SessionAuth(APIKeyCookie):
    """The browser's Django session; CSRF is checked only for a signed-in session."""

    param_name = "sessionid"

    def __init__(self) -> None:
        super().__init__(csrf=True)

    def _get_key(self, request: HttpRequest) -> str | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if check_csrf(request):
            raise HttpError(403, _("CSRF check failed: send the X-CSRFToken header."))
        return request.COOKIES.get(settings.SESSION_COOKIE_NAME, "")

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        if key is None:
            return None
        return request.user


class BasicAuth(HttpBasicAuth):
    """Username and password: only to create an API token from a script.

    Wrong passwords count towards the sign-in lockout (django-axes): once an account
    or address is locked out, the answer is 429 whatever the password."""

    def authenticate(self, request: HttpRequest, username: str, password: str) -> Any:
        user = authenticate(request, username=username, password=password)
        if user is None or not user.is_active:
            raise AuthenticationError(message=_("Wrong username or password."))
        request.user = user
        return user


def anonymous(request: HttpRequest) -> Any:
    """Last resort on public endpoints: the caller is anonymous."""
    request.user = AnonymousUser()
    return request.user


#: Signed-in callers only (the API's default).
AUTH = [TokenAuth(), SessionAuth()]
#: Public endpoints: a valid token or session identifies the caller, else anonymous.
PUBLIC = [TokenAuth(), SessionAuth(), anonymous]
#: Creating a token: a session or HTTP Basic, never another token.
TOKEN_CREATE = [SessionAuth(), BasicAuth()]


# ---------------------------------------------------------------- request bodies


class JSONParser(Parser):
    """JSON bodies through the importers' `load_json`: one set of rules for what JSON is
    accepted (no lone surrogates, no nesting deeper than Python can walk). A body it
    refuses answers 400, like any body that is not JSON."""

    def parse_body(self, request: HttpRequest) -> Any:
        return load_json(decode(request.body))


# ---------------------------------------------------------------- pagination


#: The largest ``offset`` a list takes (docs/api.md, Limits): past it the database
#: would overflow; no list is that long.
MAX_OFFSET = 1_000_000_000


class Pagination(LimitOffsetPagination):
    """``?limit=&offset=``; the answer is ``{"items": [...], "count": total}``."""

    class Input(Schema):
        limit: int = Field(
            ninja_settings.PAGINATION_PER_PAGE, ge=1, le=ninja_settings.PAGINATION_MAX_LIMIT
        )
        offset: int = Field(0, ge=0, le=MAX_OFFSET)

    def paginate_queryset(self, queryset, pagination: Input, request: HttpRequest, **params: Any):
        offset = pagination.offset
        limit = min(pagination.limit, self.max_limit)
        items = list(queryset[offset : offset + limit])
        # A page that is not full ends the list: the total is known without a COUNT
        # (most lists of one person's things fit in one page). An empty page past the
        # start says nothing about the total.
        if len(items) < limit and (items or offset == 0):
            count = offset + len(items)
        else:
            count = self._items_count(queryset)
        return {self.items_attribute: items, "count": count}


# ---------------------------------------------------------------- answers kept whole


def json_response(content: bytes | str, status: int = 200) -> HttpResponse:
    """A JSON answer as the API's renderer writes it (``kakehashi.api.Renderer``)."""
    return HttpResponse(content, status=status, content_type="application/json; charset=utf-8")


def json_content(data: Any) -> bytes:
    """`data` (a schema's dump) written as the API's renderer writes it."""
    return json.dumps(data, cls=NinjaJSONEncoder, ensure_ascii=False).encode()


def schema_dump(request: HttpRequest, schema: type[Schema], obj: Any) -> dict[str, Any]:
    """`obj` as an endpoint answering `schema` shows it (ninja's validation and dump)."""
    context = {"request": request, "response_status": 200}
    return schema.model_validate(obj, context=context).model_dump(by_alias=False, context=context)


def kept_page(item_schema: type[Schema], *, name: str, visible):
    """A list endpoint's whole answer (the page, serialised) kept in the cache under the
    data version, the path with its query (limit, offset), the language and time zone,
    and ``visible(request)``: what the caller may see (``core.cache.visible_fragment``).

    Only for lists whose items show data the version covers (never rows of
    ``core.cache.IGNORED_APPS``; those may enter ``visible`` only as ids). Goes between
    ``@api_permission`` (still checked on every call) and ``@paginate(Pagination)``
    (which keeps declaring the parameters and the paged answer)."""

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            def render() -> bytes:
                page = view(request, *args, **kwargs)
                items = [schema_dump(request, item_schema, item) for item in page["items"]]
                return json_content({"items": items, "count": page["count"]})

            return json_response(
                visible_fragment(request, name, render, visible=lambda: visible(request))
            )

        return wrapped

    return decorator


def person_page(item_schema: type[Schema], *, name: str, until=None):
    """A signed-in person's own list (the page, serialised) kept per person under the
    data version and the activity version, the path with its query (limit, offset), the
    language and the time zone (``core.cache.person_fragment``): for lists of their own
    applications, results, interns, applicants, whose rows the data version ignores.

    ``until(items)`` (optional) gives the moment the page stops being true by time alone
    (a pending offer's deadline: it is shown lapsed from then on), or None. Goes between
    ``@api_permission`` (still checked on every call) and ``@paginate(Pagination)``."""

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            def render() -> tuple[str, Any]:
                page = view(request, *args, **kwargs)
                items = [schema_dump(request, item_schema, item) for item in page["items"]]
                content = json_content({"items": items, "count": page["count"]}).decode()
                return content, until(page["items"]) if until is not None else None

            return json_response(person_fragment(request, name, render))

        return wrapped

    return decorator


def kept_answer(request: HttpRequest, schema: type[Schema], *, name: str, parts: tuple, compute):
    """An endpoint's answer (`compute()`, shown as `schema`) kept whole under `parts`, the
    data version, the path with its query, the language and the time zone
    (``core.cache.versioned``): only for answers that depend on data the version covers
    and on `parts` (the caller, what they may see)."""
    key = (request.get_full_path(), get_language() or "", get_current_timezone_name(), *parts)
    content = versioned(
        name, key, lambda: json_content(schema_dump(request, schema, compute())), request=request
    )
    return json_response(content)


# ---------------------------------------------------------------- schemas


def text(limit: int, default: Any = ..., **kwargs: Any) -> Any:
    """A text field of an input schema, at most `limit` characters (``core.limits``):
    the OpenAPI document shows ``maxLength``; a longer text answers 422 naming the field."""
    return Field(default, max_length=limit, **kwargs)


#: A list of short texts (skills, acronyms) as ``core.limits.TextListValidator`` takes it.
TextList = Annotated[
    list[Annotated[str, StringConstraints(max_length=limits.LIST_ITEM)]],
    Field(max_length=limits.LIST_ITEMS),
]
#: A list of one-line texts (an organisation's aliases).
LineList = Annotated[
    list[Annotated[str, StringConstraints(max_length=limits.LINE)]],
    Field(max_length=limits.LIST_ITEMS),
]


def _constrained(annotation: Any, metadata: list[Any]) -> Any:
    return Annotated[(annotation, *metadata)] if metadata else annotation


def _admits_none(annotation: Any) -> bool:
    return annotation is Any or annotation is None or type(None) in get_args(annotation)


class PatchSchema(Schema):
    """Base of the bodies :func:`patch_schema` generates."""

    #: Fields that cannot be empty: ``null`` for one of them means "leave it unchanged".
    null_means_unchanged: ClassVar[frozenset[str]] = frozenset()

    @model_validator(mode="after")
    def _null_is_unsent(self):
        for name in self.null_means_unchanged:
            if getattr(self, name) is None:
                self.model_fields_set.discard(name)
        return self


def patch_schema(schema: type[Schema], *, name: str, exclude: Iterable[str] = ()) -> type[Schema]:
    """The body of a PATCH, generated from the input `schema`: the same fields (less
    `exclude`, which cannot change), each optional with ``None`` as default.

    A field left out stays as it is, and so does a field sent as ``null`` when the
    input schema does not accept ``null`` for it (it would otherwise reach the
    database as an empty value the model forbids); where it does accept ``null``,
    ``null`` is a value. Read it with ``payload.dict(exclude_unset=True)``: only what
    the caller sent and means to change.
    """
    skip = set(exclude)
    # The field's constraints (``max_length`` …) stay on the value; None means "unchanged".
    kept = {field: info for field, info in schema.model_fields.items() if field not in skip}
    fields: dict[str, Any] = {
        field: (_constrained(info.annotation, info.metadata) | None, None)
        for field, info in kept.items()
    }
    model = create_model(name, __base__=PatchSchema, __module__=schema.__module__, **fields)
    model.null_means_unchanged = frozenset(
        field for field, info in kept.items() if not _admits_none(info.annotation)
    )
    return model


# ---------------------------------------------------------------- errors


class ErrorDetail(Schema):
    status: int
    code: str
    message: str
    fields: dict[str, list[str]] | None = None
    rows: list[dict[str, Any]] | None = None


class ErrorOut(Schema):
    error: ErrorDetail


def error_response(*, headers: dict[str, str] | None = None, **body: Any) -> HttpResponse:
    """The error shape as a JSON answer: `body` is :func:`error_body`'s keywords (status,
    code, message, fields, rows); `headers` are added to the answer."""
    response = JsonResponse(
        error_body(**body), status=body["status"], json_dumps_params={"ensure_ascii": False}
    )
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def _first_code(exc: ValidationError) -> str:
    errors = (
        [e for errs in exc.error_dict.values() for e in errs]
        if hasattr(exc, "error_dict")
        else exc.error_list
    )
    return next((e.code for e in errors if e.code), "invalid")


_HTTP_CODES = {
    400: "bad_request",
    401: "not_authenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid",
    429: "throttled",
}


def _on_django_validation(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    message, fields = validation_messages(exc)
    return error_response(status=422, code=_first_code(exc), message=message, fields=fields)


def _on_import_rejected(request: HttpRequest, exc: ImportRejected) -> HttpResponse:
    return error_response(
        status=422, code="import_rejected", message=str(exc.messages[0]), rows=exc.rows
    )


def _on_schema_validation(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    fields: dict[str, list[str]] = {}
    for error in exc.errors:
        loc = [str(p) for p in error.get("loc", ())]
        # ("body", "payload", "project_ids", "0") → "project_ids.0"; ("query", "limit") → "limit"
        parts = loc[1:]
        if loc[:1] == ["body"] and parts[:1] == ["payload"]:
            parts = parts[1:]
        key = ".".join(parts) or "__all__"
        fields.setdefault(key, []).append(str(error.get("msg", "")))
    return error_response(
        status=422, code="invalid", message=_("The request is not valid."), fields=fields
    )


def _on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    status = exc.status_code
    message = str(exc)
    if isinstance(exc, AuthenticationError) and message == "Unauthorized":
        message = _("Authentication required: send a Bearer token or sign in.")
    elif status == 400 and message == "Cannot parse request body":
        message = _("The request body is not valid JSON.")
    elif status == 429:
        message = _("Too many requests.")
    return error_response(status=status, code=_HTTP_CODES.get(status, "error"), message=message)


def _on_not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    return not_found_response()


def _on_permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    message = str(exc) or _("You are not allowed to do this.")
    return error_response(status=403, code="forbidden", message=message)


def _on_malformed(request: HttpRequest, exc: Exception) -> HttpResponse:
    # A multipart body Django cannot parse, too many fields or files: the caller's fault.
    return error_response(
        status=400, code="bad_request", message=_("The request body cannot be read.")
    )


def _on_too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    return error_response(
        status=413,
        code="too_large",
        message=_("The request body is too large; upload a file as the multipart field “file”."),
    )


def _on_exception(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.exception("API error on %s %s", request.method, request.path, exc_info=exc)
    return error_response(
        status=500, code="server_error", message=_("Something went wrong on our side.")
    )


def not_found_response() -> HttpResponse:
    return error_response(status=404, code="not_found", message=_("Not found."))


def not_allowed_response(request: HttpRequest, allow: str) -> HttpResponse:
    """405 for the request's method, naming the methods the path takes (`allow`)."""
    return error_response(
        status=405,
        code="method_not_allowed",
        message=_("Method %(method)s is not allowed here.") % {"method": request.method},
        headers={"Allow": allow},
    )


def install_error_handlers(api) -> None:
    """Make every error of `api` answer in the one shape."""
    api.add_exception_handler(Exception, _on_exception)
    api.add_exception_handler(ValidationError, _on_django_validation)
    api.add_exception_handler(ImportRejected, _on_import_rejected)
    api.add_exception_handler(NinjaValidationError, _on_schema_validation)
    api.add_exception_handler(HttpError, _on_http_error)
    api.add_exception_handler(Http404, _on_not_found)
    api.add_exception_handler(ObjectDoesNotExist, _on_not_found)
    api.add_exception_handler(PermissionDenied, _on_permission_denied)
    api.add_exception_handler(MultiPartParserError, _on_malformed)
    api.add_exception_handler(SuspiciousOperation, _on_malformed)
    api.add_exception_handler(RequestDataTooBig, _on_too_big)


def forbid(message: str | None = None) -> None:
    """Refuse an action on an object the caller may see (403)."""
    raise PermissionDenied(message or _("You are not allowed to do this."))


def require_user(request: HttpRequest):
    """The signed-in caller, or 401."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        raise AuthenticationError()
    return user


ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


# ---------------------------------------------------------------- import / export


class ImportOut(Schema):
    created: int
    updated: int
    skipped: int
    keys: list[str]


_CONTENT_TYPES = {"csv": "text/csv; charset=utf-8", "json": "application/json; charset=utf-8"}

#: OpenAPI description of a file field in a multipart form.
FILE_FIELD = {"type": "string", "format": "binary"}


def multipart_body(fields: dict[str, Any], **other_content: dict) -> dict[str, Any]:
    """OpenAPI description (``openapi_extra``) of a required request body: a multipart
    form whose `fields` are all required, or another content type of `other_content`
    (keyed by content type)."""
    form = {"type": "object", "properties": fields, "required": list(fields)}
    content = {"multipart/form-data": {"schema": form}}
    content.update({kind: {"schema": schema} for kind, schema in other_content.items()})
    return {"requestBody": {"required": True, "content": content}}


def uploaded_pdf(request: HttpRequest) -> UploadedFile:
    """The PDF sent as the multipart field ``file`` (:data:`FILE_FIELD`); without it the
    request is refused about ``file``. What the PDF holds is the service's to check."""
    upload = request.FILES.get("file")
    if upload is None:
        raise ValidationError({"file": _("Send the PDF as the multipart field “file”.")})
    return upload


#: OpenAPI description of an import body: a multipart file or the raw file as the body.
IMPORT_BODY = multipart_body(
    {"file": FILE_FIELD},
    **{
        "text/csv": {"type": "string"},
        "application/json": {"type": "array", "items": {"type": "object"}},
    },
)


def import_request(request: HttpRequest, format: str | None, choices: tuple[str, ...]):
    """The uploaded file (multipart field ``file``) or the raw body, and its format.

    The format comes from ``?format=``, else the file name's extension, else the
    content type (``text/csv`` → csv, ``application/json`` → json).
    """

    upload = request.FILES.get("file")
    if upload is not None:
        data = upload.read()
        guessed = guess_format(upload.name or "", choices)
    elif request.content_type == "multipart/form-data":
        # A multipart body without the field: reading FILES consumed it, nothing is left.
        data, guessed = b"", None
    else:
        data = request.body
        content_type = request.content_type or ""
        guessed = (
            "csv"
            if content_type == "text/csv"
            else "json"
            if content_type == "application/json"
            else None
        )
    if not data:
        raise ValidationError(
            _("Send the file as multipart field “file” or as the request body."), code="empty"
        )
    return data, check_format(format or guessed or "csv", choices)


def import_answer(
    request: HttpRequest, format: str | None, importer, choices: tuple[str, ...] = ("csv", "json")
) -> dict[str, Any]:
    """Import the request's file with `importer` (``importer(data=…, format=…, actor=…)``,
    which returns an import report and audits the import as the caller's): the answer of
    every import endpoint (:class:`ImportOut`)."""
    data, fmt = import_request(request, format, choices)
    return importer(data=data, format=fmt, actor=request.user).as_dict()


def export_response(text: str, name: str, format: str) -> HttpResponse:
    response = HttpResponse(text, content_type=_CONTENT_TYPES[format])
    response["Content-Disposition"] = f'attachment; filename="{name}.{format}"'
    return response


def file_responses(description: str, content: dict[str, Any] | None = None) -> dict[str, Any]:
    """OpenAPI description of an answer that is a file: CSV or a JSON list, and any other
    `content` (media type → schema)."""
    return {
        "responses": {
            200: {
                "description": description,
                "content": {
                    "text/csv": {"schema": {"type": "string"}},
                    "application/json": {"schema": {"type": "array", "items": {"type": "object"}}},
                    **(content or {}),
                },
            }
        }
    }


#: OpenAPI description of an export answer: the file itself.
EXPORT_RESPONSE = file_responses(
    "The file, as an attachment (CSV with a header line, or a JSON list)."
)

#: OpenAPI: a public endpoint also answers without credentials (`{}` in `security`).
OPTIONAL_AUTH = {"security": [{}]}


# ---------------------------------------------------------------- routers


class ApiRouter(Router):
    """The router of every app's API: ninja's, with the operations the apps declare alike.

    Every operation answers its errors in the one shape: one that declares only its
    success answers (``response=Model``, ``response={201: Model}``) is documented with
    :data:`ERRORS` as well. One that names error statuses itself keeps just those."""

    def api_operation(self, methods: list[str], path: str, *, response: Any = NOT_SET, **kwargs):
        if response is not NOT_SET:
            answers = response if isinstance(response, dict) else {200: response}
            if not any(isinstance(code, int) and code >= 400 for code in answers):
                response = {**answers, **ERRORS}
        return super().api_operation(methods, path, response=response, **kwargs)

    def public_get(self, path: str, *, openapi_extra: dict[str, Any] | None = None, **kwargs):
        """A GET anonymous callers may call too (a token or session still names the
        caller); the OpenAPI document says so."""
        extra = {**(openapi_extra or {}), **OPTIONAL_AUTH}
        return self.get(path, auth=PUBLIC, openapi_extra=extra, **kwargs)

    def export_get(self, path: str, *, summary: str, public: bool = False):
        """A GET answering a file to download (:func:`export_response`)."""
        get = self.public_get if public else self.get
        return get(path, response={200: None}, summary=summary, openapi_extra=EXPORT_RESPONSE)

    def list_get(self, path: str, item: type[Schema], *, public: bool = False, **kwargs: Any):
        """A GET answering one page of a list of `item`s (:class:`Pagination`): the
        endpoint returns the whole list (a queryset or a list) and the page is cut from it.
        Its ``@api_permission`` goes under this decorator and is checked before the page is
        read. Lists kept whole in the cache (:func:`kept_page`, :func:`person_page`) declare
        ``@paginate(Pagination)`` themselves, under the cache."""
        get = self.public_get if public else self.get
        route = get(path, response=list[item], **kwargs)

        def decorator(view):
            return route(paginate(Pagination)(view))

        return decorator

    def created_post(self, path: str, item: type[Schema], **kwargs: Any):
        """A POST creating a record: it answers 201 with what the endpoint returns, shown
        as `item`."""
        route = self.post(path, response={201: item}, **kwargs)

        def decorator(view):
            @functools.wraps(view)
            def created(request: HttpRequest, *args: Any, **kwargs: Any) -> Status:
                return Status(201, view(request, *args, **kwargs))

            return route(created)

        return decorator

    def removing_delete(self, path: str, **kwargs: Any):
        """A DELETE removing a record: it answers 204 and no body (the endpoint returns
        nothing)."""
        route = self.delete(path, response={204: None}, **kwargs)

        def decorator(view):
            @functools.wraps(view)
            def removed(request: HttpRequest, *args: Any, **kwargs: Any) -> Status:
                view(request, *args, **kwargs)
                return Status(204, None)

            return route(removed)

        return decorator

    def import_post(self, path: str, *, summary: str):
        """A POST taking a file to import (:func:`import_answer`)."""
        return self.post(path, response=ImportOut, summary=summary, openapi_extra=IMPORT_BODY)
