"""Import and export of projects.

Natural key: the project key. The call is named by its slug, the host by its
ROR id, supervisors by username with their role (``username:academic``),
research fields by CRDC code. Translations are a JSON object (in CSV: the
JSON text in one cell).
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kakehashi.audit.services import audit_import
from kakehashi.core.imports import (
    ImportResult,
    check_format,
    import_by_column,
    split_list,
    write_csv,
    write_json,
)
from kakehashi.core.imports import (
    text_field as _text,
)
from kakehashi.organisations.imports import organisation_by_ror
from kakehashi.people.models import User
from kakehashi.programs.models import Call
from kakehashi.projects.models import Project
from kakehashi.projects.selectors import project_list_visible
from kakehashi.projects.services import (
    DESCRIPTION,
    project_create,
    project_supervisors_set,
    project_update,
)
from kakehashi.research_fields.selectors import research_fields_by_code

COLUMNS = ["key", "call", "host_ror", *DESCRIPTION, "status", "supervisors"]
REQUIRED = [
    "key",
    "call",
    "host_ror",
    "language",
    "title",
    "description",
    "working_language",
    "region",
    "start_date",
    "end_date",
]


def project_row(project: Project) -> dict[str, Any]:
    return {
        "key": project.key,
        "call": project.call.slug,
        "host_ror": project.host.ror_id or "",
        "language": project.language,
        "title": project.title,
        "summary": project.summary,
        "description": project.description,
        "translations": project.translations,
        "fields": [f.code for f in project.fields.all()],
        "skills": list(project.skills),
        "working_language": project.working_language,
        "city": project.city,
        "region": project.region,
        "start_date": project.start_date.isoformat(),
        "end_date": project.end_date.isoformat(),
        "capacity": project.capacity,
        "status": project.status,
        "supervisors": [f"{s.person.username}:{s.role}" for s in project.supervisions.all()],
    }


def projects_export(*, user, format: str = "csv") -> str:
    """The projects `user` may see, in the import columns (fixed number of queries)."""
    check_format(format)
    rows = [project_row(p) for p in project_list_visible(user=user).order_by("key")]
    if format == "csv":
        for row in rows:
            row["translations"] = (
                json.dumps(row["translations"], ensure_ascii=False) if row["translations"] else ""
            )
        return write_csv(rows, COLUMNS)
    return write_json(rows)


@transaction.atomic
def projects_import(*, data: bytes | str, format: str = "csv", actor=None) -> ImportResult:
    """Create or update projects by key; all rows or none. Audited (``import.projects``),
    and each project it changes gets a version made by `actor`."""
    result = import_by_column(
        data,
        format=format,
        columns=COLUMNS,
        required=REQUIRED,
        column="key",
        apply=functools.partial(_apply, actor=actor),
    )
    audit_import(noun="projects", actor=actor, data=data, format=format, result=result)
    return result


def _date(record: dict, name: str) -> dt.date:
    try:
        return dt.date.fromisoformat(_text(record, name))
    except ValueError as exc:
        raise ValidationError(
            {name: _("“%(value)s” is not a date (YYYY-MM-DD).") % {"value": _text(record, name)}}
        ) from exc


def _translations(record: dict) -> dict:
    raw = record.get("translations")
    if raw in (None, ""):
        return {}
    if isinstance(raw, dict):
        return raw
    try:
        value = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise ValidationError({"translations": _("Translations must be a JSON object.")}) from exc
    if not isinstance(value, dict):
        raise ValidationError({"translations": _("Translations must be a JSON object.")})
    return value


def _supervisors(record: dict) -> list[tuple[User, str]]:
    specs = []
    for item in split_list(record.get("supervisors")):
        username, sep, role = item.partition(":")
        if not sep:
            raise ValidationError(
                {
                    "supervisors": _("“%(value)s” is not username:role (e.g. tanaka:academic).")
                    % {"value": item}
                }
            )
        specs.append((username.strip(), role.strip()))
    people = {u.username: u for u in User.objects.filter(username__in=[s[0] for s in specs])}
    unknown = [name for name, _role in specs if name not in people]
    if unknown:
        raise ValidationError(
            {"supervisors": _("Unknown usernames: %(names)s.") % {"names": ", ".join(unknown)}}
        )
    return [(people[name], role) for name, role in specs]


def _apply(record: dict, result: ImportResult, *, actor=None) -> None:
    key = _text(record, "key")
    errors: dict[str, Any] = {}
    call = Call.objects.filter(slug=_text(record, "call")).first()
    if call is None:
        errors["call"] = _("No call with slug “%(slug)s”.") % {"slug": _text(record, "call")}
    host = None
    try:
        host = organisation_by_ror(_text(record, "host_ror"), column="host_ror")
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    capacity_text = _text(record, "capacity") or "1"
    try:
        capacity = int(capacity_text)
    except ValueError as exc:
        raise ValidationError(
            {"capacity": _("“%(value)s” is not a whole number.") % {"value": capacity_text}}
        ) from exc
    values = {
        "call": call,
        "host": host,
        "language": _text(record, "language"),
        "title": _text(record, "title"),
        "summary": _text(record, "summary"),
        "description": _text(record, "description"),
        "translations": _translations(record),
        "skills": split_list(record.get("skills")),
        "working_language": _text(record, "working_language"),
        "city": _text(record, "city"),
        "region": _text(record, "region").upper(),
        "start_date": _date(record, "start_date"),
        "end_date": _date(record, "end_date"),
        "capacity": capacity,
    }
    if _text(record, "status"):
        values["status"] = _text(record, "status")
    fields = research_fields_by_code(codes=split_list(record.get("fields")))
    supervisors = _supervisors(record)
    existing = Project.objects.filter(key=key).first()
    if existing:
        project = project_update(project=existing, fields=fields, actor=actor, **values)
        result.updated += 1
    else:
        # An officer's import: no host rule, the named supervisors are supervisors at once.
        project = project_create(actor=None, key=key, fields=fields, **values)
        result.created += 1
    if supervisors or existing is None:
        project_supervisors_set(project=project, supervisors=supervisors, actor=actor)
    result.keys.append(key)
