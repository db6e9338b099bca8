"""The one error shape of the API and the helpers that produce it.

Every error answer of /api/v1/ is::

    {"error": {"status": 422, "code": "invalid", "message": "...",
               "fields": {"field": ["message", ...]}, "rows": [...]}}

`fields` and `rows` appear only when they have content. Services raise
Django's ValidationError (with codes); the API and the pages both turn it
into messages, so the two behave alike.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, NoReturn

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError


def validation_messages(exc: ValidationError) -> tuple[str, dict[str, list[str]]]:
    """Split a ValidationError into a headline message and per-field messages."""
    fields: dict[str, list[str]] = {}
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            key = "__all__" if field == NON_FIELD_ERRORS else field
            fields.setdefault(key, []).extend(str(e) for e in errors)
        general = fields.pop("__all__", [])
        headline = general[0] if general else next(iter(fields.values()))[0]
        if general[1:]:
            fields["__all__"] = general[1:]
        return headline, fields
    messages = [str(m) for m in exc.messages]
    return messages[0] if messages else "Invalid input.", (
        {"__all__": messages[1:]} if messages[1:] else {}
    )


def error_body(
    *,
    status: int,
    code: str,
    message: str,
    fields: dict[str, list[str]] | None = None,
    rows: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    error: dict[str, Any] = {"status": status, "code": code, "message": message}
    if fields:
        error["fields"] = fields
    if rows:
        error["rows"] = rows
    return {"error": error}


def refuse(message: str, code: str, field: str | None = None) -> NoReturn:
    """Refuse a write: a ValidationError with `message` and `code`, about `field` when
    one is named (else about the whole request)."""
    error = ValidationError(message, code=code)
    raise ValidationError({field: [error]}) if field else error


@contextmanager
def errors_on(field: str) -> Iterator[None]:
    """Put the refusal of a check run in the block (a ValidationError about no field,
    such as a normaliser's) on `field`, its messages kept."""
    try:
        yield
    except ValidationError as exc:
        raise ValidationError({field: exc.messages}) from exc


class ImportRejected(ValidationError):
    """A whole import file was rejected; `rows` holds the per-row, per-field report."""

    def __init__(self, message: str, rows: list[dict[str, Any]]):
        super().__init__(message, code="import_rejected")
        self.rows = rows
