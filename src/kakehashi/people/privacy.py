"""Shapes shared by the personal-data export and the account deletion.

People own the person, so the export and the deletion start here
(``selectors.person_data_export``, ``services.person_delete``); the apps above
people add what they hold by answering ``signals.person_data_export`` and
``signals.person_erase`` with the shapes built here, so people never import them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils.translation import gettext as _

#: What an exported document says it is; bump when its shape changes.
EXPORT_FORMAT = "kakehashi-personal-data/1"

#: What an erase item does to the records it counts.
DELETED, ANONYMISED, KEPT = "deleted", "anonymised", "kept"


def placeholder(person_id: int) -> str:
    """What replaces a deleted person's name, e-mail and free texts everywhere.

    Not translated: it is stored, and read by people in every language."""
    return f"Deleted person #{person_id}"


def _reference_labels() -> dict[str, str]:
    """Labels of the keys by which every section names a record and the records it
    refers to (not the model field's verbose name: the value is a reference)."""
    return {
        "id": _("number"),
        "call": _("call"),
        "run": _("match run"),
        "project": _("project key"),
        "project_title": _("project title"),
    }


def field_labels(model: type[models.Model], names: list[str], **extra: str) -> dict[str, str]:
    """Each exported key with its label in the active language: `extra` (already
    translated), else the label every section gives a reference (a record's number,
    its call's slug, its project's key and title, its match run), else the model
    field's verbose name."""
    labels = {}
    references = _reference_labels()
    for name in names:
        label = extra.get(name, references.get(name))
        if label is not None:
            labels[name] = str(label)
            continue
        try:
            labels[name] = str(model._meta.get_field(name).verbose_name)
        except Exception:
            labels[name] = name
    return labels


def export_value(value: Any) -> Any:
    """A value as the export writes it: dates and times in ISO 8601, the rest as it is
    (None stays None)."""
    return value.isoformat() if isinstance(value, dt.date) else value


def export_record(row: Any, keys: list[str], **values: Any) -> dict[str, Any]:
    """One exported record of `row`, key by key in the order of `keys`: the value given in
    `values` (a related record's reference, a computed value), else `row`'s attribute of
    that name, each as `export_value` writes it."""
    return {key: export_value(values[key] if key in values else getattr(row, key)) for key in keys}


def data_section(
    *, title: str, explanation: str, labels: dict[str, str], records: list[dict[str, Any]]
) -> dict[str, Any]:
    """One section of the export: what it is, what each key means, and the records."""
    return {
        "title": str(title),
        "explanation": str(explanation),
        "keys": labels,
        "count": len(records),
        "records": records,
    }


def model_section(
    *,
    title: str,
    explanation: str,
    model: type[models.Model],
    keys: list[str],
    rows: Iterable[Any],
    labels: dict[str, str] | None = None,
    values: Callable[[Any], dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """A section whose records are `rows` (of `model`), each exported under `keys`: the
    keys labelled by `field_labels` (`labels` for those it should not guess), each row
    by `export_record`, with `values(row)` for its references and computed values."""
    return data_section(
        title=title,
        explanation=explanation,
        labels=field_labels(model, keys, **(labels or {})),
        records=[export_record(row, keys, **(values(row) if values else {})) for row in rows],
    )


def erase_item(*, what: str, count: int, action: str, why: str) -> dict[str, Any]:
    """One line of what a deletion does (or did): `count` records of `what` are
    `action` (DELETED, ANONYMISED or KEPT) because `why`."""
    return {"what": str(what), "count": count, "action": action, "why": str(why)}


@dataclass(frozen=True)
class Erase:
    """One step of a deletion plan: the records of `rows` (a queryset, or several whose
    counts add up) are `action` (DELETED, ANONYMISED or KEPT) because `why`.

    `effect` is what the step does when the deletion is made; without it, a DELETED
    step deletes its rows and any other step changes nothing."""

    what: str
    rows: models.QuerySet | tuple[models.QuerySet, ...]
    action: str
    why: str
    effect: Callable[[], Any] | None = None

    def querysets(self) -> tuple[models.QuerySet, ...]:
        return self.rows if isinstance(self.rows, tuple) else (self.rows,)

    def item(self) -> dict[str, Any]:
        count = sum(rows.count() for rows in self.querysets())
        return erase_item(what=self.what, count=count, action=self.action, why=self.why)

    def apply(self) -> None:
        if self.effect is not None:
            self.effect()
        elif self.action == DELETED:
            for rows in self.querysets():
                rows.delete()


def erase_plan(*steps: Erase, dry_run: bool) -> list[dict[str, Any]]:
    """The erase items of `steps`, all counted before anything changes; then, unless
    `dry_run`, each step is applied in turn, so that what the plan says is what is done."""
    items = [step.item() for step in steps]
    if not dry_run:
        for step in steps:
            step.apply()
    return items


def action_label(action: str) -> str:
    return {
        DELETED: _("deleted"),
        ANONYMISED: _("kept, anonymised"),
        KEPT: _("kept"),
    }[action]
