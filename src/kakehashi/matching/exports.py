"""Files of a run's assignments and of a call's audit record (CSV, JSON, XLSX)."""

from __future__ import annotations

import io
import json
from collections.abc import Iterable

from django.http import HttpResponse
from openpyxl import Workbook

from kakehashi.audit.selectors import audit_list
from kakehashi.core.imports import spreadsheet_safe, write_csv, write_json
from kakehashi.matching.models import MatchRun
from kakehashi.matching.selectors import run_assignment_rows
from kakehashi.programs.models import Call

ASSIGNMENT_COLUMNS = [
    "run",
    "round",
    "candidate_id",
    "candidate",
    "project",
    "project_title",
    "rank",
    "host",
    "supervisor",
]
AUDIT_COLUMNS = ["at", "verb", "actor", "target", "data"]
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def write_xlsx(rows: Iterable[dict], columns: list[str], title: str) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.append(columns)
    for row in rows:
        sheet.append([spreadsheet_safe(row.get(c)) for c in columns])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _render(rows: list[dict], columns: list[str], fmt: str, title: str) -> bytes:
    if fmt == "csv":
        return write_csv([{c: row.get(c) for c in columns} for row in rows], columns).encode()
    if fmt == "xlsx":
        return write_xlsx(rows, columns, title)
    return write_json(rows).encode()


def run_export(*, run: MatchRun, fmt: str) -> tuple[bytes, str]:
    """The run's assignments as a file; returns (content, file name)."""
    rows = run_assignment_rows(run=run)
    return _render(rows, ASSIGNMENT_COLUMNS, fmt, "assignments"), f"run-{run.pk}-assignments.{fmt}"


def audit_rows(*, call: Call) -> list[dict]:
    return [
        {
            "at": event.at.isoformat(),
            "verb": event.verb,
            "actor": event.actor.username if event.actor else "",
            "target": event.target,
            "data": event.data,
        }
        for event in audit_list(scope=call)
    ]


def audit_export(*, call: Call, fmt: str) -> tuple[bytes, str]:
    rows = audit_rows(call=call)
    if fmt != "json":
        rows = [
            {**r, "data": json.dumps(r["data"], ensure_ascii=False, sort_keys=True)} for r in rows
        ]
    return _render(rows, AUDIT_COLUMNS, fmt, "audit"), f"{call.slug}-audit.{fmt}"


def file_response(content: bytes, name: str, fmt: str) -> HttpResponse:
    """An export as an attachment named `name`, for the pages and the API alike."""
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
