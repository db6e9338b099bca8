"""Reading and writing the tabular files of the import/export services.

Each app's ``imports.py`` declares its columns and turns one record into one
service call; this module parses bytes (CSV or JSON), refuses malformed input
with a clear message, runs every row in one transaction and rejects the whole
file, with a per-row, per-field report, when any row is bad.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from typing import Any, NoReturn

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kakehashi.core.errors import ImportRejected

#: Separator of multi-valued cells in CSV (aliases, skills, languages …).
LIST_SEPARATOR = "|"

FORMATS = ("csv", "json")


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    skipped: int = 0
    keys: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "created": self.created,
            "updated": self.updated,
            "skipped": self.skipped,
            "keys": self.keys,
        }


def decode(data: bytes | str) -> str:
    if isinstance(data, str):
        return data
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationError(
            _("The file is not valid UTF-8 (byte %(position)d)."),
            code="invalid_encoding",
            params={"position": exc.start + 1},
        ) from exc


def guess_format(filename: str, choices: Iterable[str] = FORMATS) -> str | None:
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    mapping = {"csv": "csv", "json": "json", "jsonl": "ror", "ndjson": "ror"}
    guess = mapping.get(suffix)
    return guess if guess in choices else None


def check_format(format: str, choices: Iterable[str] = FORMATS) -> str:
    choices = tuple(choices)
    if format not in choices:
        raise ValidationError(
            _("Unknown format “%(format)s”; use one of: %(choices)s."),
            code="unknown_format",
            params={"format": format, "choices": ", ".join(choices)},
        )
    return format


def read_csv(text: str, *, columns: Iterable[str], required: Iterable[str]) -> list[dict]:
    """Rows of a CSV file with a header line, as dicts of stripped strings."""
    columns = list(columns)
    try:
        reader = csv.reader(io.StringIO(text, newline=""), strict=True)
        rows = list(reader)
    except csv.Error as exc:
        raise ValidationError(
            _("The CSV file is malformed: %(error)s."), code="malformed", params={"error": exc}
        ) from exc
    rows = [r for r in rows if any(cell.strip() for cell in r)]
    if not rows:
        raise ValidationError(_("The file is empty."), code="empty")
    header = [h.strip() for h in rows[0]]
    _check_columns(header, columns=columns, required=required)
    records = []
    for number, row in enumerate(rows[1:], start=2):
        if len(row) != len(header):
            raise ValidationError(
                _("Line %(line)d has %(found)d cells; the header has %(expected)d."),
                code="malformed",
                params={"line": number, "found": len(row), "expected": len(header)},
            )
        records.append(
            {h: _spreadsheet_unquote(cell.strip()) for h, cell in zip(header, row, strict=True)}
        )
    return records


def read_json(text: str, *, columns: Iterable[str], required: Iterable[str]) -> list[dict]:
    """Records of a JSON list of objects (or ``{"items": [...]}`` as the API exports)."""
    data = load_json(text)
    if isinstance(data, dict) and isinstance(data.get("items"), list):
        data = data["items"]
    if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
        raise ValidationError(_("The JSON file must hold a list of objects."), code="malformed")
    if not data:
        raise ValidationError(_("The file is empty."), code="empty")
    columns = list(columns)
    for record in data:
        _check_columns(list(record), columns=columns, required=required)
    return data


def read_records(
    data: bytes | str, *, format: str, columns: Iterable[str], required: Iterable[str]
) -> list[dict]:
    """Decode an uploaded CSV or JSON file into records with the given columns."""
    check_format(format)
    text = decode(data)
    reader = read_csv if format == "csv" else read_json
    return reader(text, columns=columns, required=required)


def text_field(record: dict, name: str, limit: int | None = None) -> str:
    """A record's field as stripped text ("" when absent), cut to `limit` characters."""
    value = record.get(name)
    value = "" if value is None else str(value).strip()
    return value[:limit] if limit else value


def load_json(text: str) -> Any:
    """Parse JSON, refusing what the database or Python could not hold afterwards."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValidationError(
            _("The JSON is malformed: %(error)s (line %(line)d, column %(column)d)."),
            code="malformed",
            params={"error": exc.msg, "line": exc.lineno, "column": exc.colno},
        ) from exc
    except RecursionError as exc:
        raise ValidationError(_("The JSON is nested too deeply."), code="malformed") from exc
    try:
        # "\ud800" decodes to a lone surrogate, which no database text column accepts.
        json.dumps(data, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValidationError(
            _("The JSON holds an escaped character that is not valid Unicode."),
            code="malformed",
        ) from exc
    return data


def _check_columns(found: list[str], *, columns: list[str], required: Iterable[str]) -> None:
    unknown = [c for c in found if c not in columns]
    if unknown:
        raise ValidationError(
            _("Unknown columns: %(unknown)s. Known columns: %(known)s."),
            code="unknown_columns",
            params={"unknown": ", ".join(unknown), "known": ", ".join(columns)},
        )
    missing = [c for c in required if c not in found]
    if missing:
        raise ValidationError(
            _("Missing columns: %(missing)s."),
            code="missing_columns",
            params={"missing": ", ".join(missing)},
        )


def split_list(value: Any) -> list[str]:
    """A multi-valued cell: a JSON list, or a CSV string split on ``|``."""
    if value is None or value == "":
        return []
    if isinstance(value, list):
        return [str(v).strip() for v in value if str(v).strip()]
    return [part.strip() for part in str(value).split(LIST_SEPARATOR) if part.strip()]


def join_list(values: Iterable[Any]) -> str:
    return LIST_SEPARATOR.join(str(v) for v in values)


def error_fields(exc: ValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        out: dict[str, list[str]] = {}
        for name, messages in exc.message_dict.items():
            key = "__all__" if name == NON_FIELD_ERRORS else name
            out.setdefault(key, []).extend(str(m) for m in messages)
        return out
    return {"__all__": [str(m) for m in exc.messages]}


def duplicate_rows(
    records: list[dict],
    *,
    key: Callable[[dict], Any],
    identity: Callable[[dict], tuple[str, Hashable] | None],
) -> list[dict]:
    """Report rows that name the same record as another row of the file.

    `identity` gives a row's ``(field, value)``: the column the report names and the
    value rows are compared on (normalised as the import looks records up), or None
    for a row without one (its own check refuses it). Each duplicate row's report
    names the other rows. Linear in the number of records.
    """
    rows_of: dict[tuple[str, Hashable], list[int]] = {}
    for number, record in enumerate(records, start=1):
        ident = identity(record)
        if ident is not None:
            rows_of.setdefault(ident, []).append(number)
    report = []
    for (name, _value), numbers in rows_of.items():
        for number in numbers if len(numbers) > 1 else ():
            others = [n for n in numbers if n != number]
            message = ngettext(
                "“%(key)s” is also in row %(rows)s: a file may name each record only once.",
                "“%(key)s” is also in rows %(rows)s: a file may name each record only once.",
                len(others),
            ) % {"key": key(records[number - 1]), "rows": ", ".join(str(n) for n in others)}
            report.append(
                {"row": number, "id": key(records[number - 1]), "errors": {name: [message]}}
            )
    return sorted(report, key=lambda r: r["row"])


def import_by_column(
    data: bytes | str,
    *,
    format: str,
    columns: Iterable[str],
    required: Iterable[str],
    column: str,
    apply: Callable[[dict, ImportResult], None],
) -> ImportResult:
    """Read a file whose rows are named by the text `column` (a username, a key) and
    apply every row, all or none (`run_import`); a file naming a row twice is rejected."""
    records = read_records(data, format=format, columns=columns, required=required)

    def identity(record: dict) -> tuple[str, str] | None:
        value = text_field(record, column)
        return (column, value) if value else None

    return run_import(records, key=lambda r: text_field(r, column), apply=apply, identity=identity)


def run_import(
    records: list[dict],
    *,
    key: Callable[[dict], Any],
    apply: Callable[[dict, ImportResult], None],
    finish: Callable[[ImportResult], list[dict]] | None = None,
    identity: Callable[[dict], tuple[str, Hashable] | None] | None = None,
) -> ImportResult:
    """Apply every record in one transaction; reject the whole file if any row fails.

    `apply` raises ValidationError for a bad row. `finish` runs after all rows
    (e.g. to link parents named later in the file) and returns extra row errors.
    With `identity` (see `duplicate_rows`), a file naming the same record twice is
    rejected before any row is applied: the second row would silently overwrite the first.
    Row numbers count records from 1 (CSV: the first line after the header).
    """
    result = ImportResult()
    report: list[dict] = []
    if identity is not None:
        report = duplicate_rows(records, key=key, identity=identity)
        if report:
            _reject(report, total=len(records))
    with transaction.atomic():
        for number, record in enumerate(records, start=1):
            try:
                with transaction.atomic():
                    apply(record, result)
            except ValidationError as exc:
                report.append({"row": number, "id": key(record), "errors": error_fields(exc)})
            except IntegrityError as exc:
                report.append({"row": number, "id": key(record), "errors": {"__all__": [str(exc)]}})
        if not report and finish is not None:
            report.extend(finish(result))
        if report:
            # Raising inside the atomic block rolls back every row already written.
            _reject(report, total=len(records))
    return result


def _reject(report: list[dict], *, total: int) -> NoReturn:
    raise ImportRejected(
        _("The file was rejected: %(bad)d of %(total)d rows have errors; nothing was imported.")
        % {"bad": len({r["row"] for r in report}), "total": total},
        rows=report,
    )


#: Spreadsheets run a cell that starts with one of these as a formula (CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: Any) -> Any:
    """`value`, with a single quote before a text that a spreadsheet would run as a formula.

    ``=HYPERLINK(…)`` in a title becomes ``'=HYPERLINK(…)``: shown as text, never run.
    `read_csv` takes the quote off again, so an export imports back unchanged.
    """
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _spreadsheet_unquote(cell: str) -> str:
    return cell[1:] if cell[:1] == "'" and cell[1:].startswith(FORMULA_START) else cell


def write_csv(rows: Iterable[dict], columns: list[str]) -> str:
    """CSV with a header line; every export goes through here, so every cell is spreadsheet-safe."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(
            {
                c: spreadsheet_safe(
                    join_list(v) if isinstance(v, list) else ("" if v is None else v)
                )
                for c, v in row.items()
            }
        )
    return out.getvalue()


def write_json(rows: Iterable[dict]) -> str:
    return json.dumps(list(rows), ensure_ascii=False, indent=2, default=str) + "\n"


def render_report(exc: ValidationError) -> str:
    """A human-readable report for the management commands."""
    lines = [str(exc.messages[0]) if exc.messages else _("Invalid input.")]
    for row in getattr(exc, "rows", []):
        for name, messages in row["errors"].items():
            for message in messages:
                lines.append(
                    _("row %(row)s (%(id)s) · %(field)s: %(message)s")
                    % {"row": row["row"], "id": row["id"], "field": name, "message": message}
                )
    if not getattr(exc, "rows", None):
        lines.extend(str(m) for m in exc.messages[1:])
    return "\n".join(lines)
