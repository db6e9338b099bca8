"""Import and export of organisations: our CSV/JSON columns, and ROR records.

Natural key: the ROR id (bare, e.g. ``01pe1d703``); an organisation without one
is matched by exact name and country. Used by the management commands and the
API alike.

ROR input is the registry's own JSON (schema v2, and v1 for older records):
one record per line (JSON Lines, as in ``../shared/data/ror_ca_jp/``; a line
may wrap the record as ``{"record": {...}}``) or a JSON list of records.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kakehashi.audit.services import audit_import
from kakehashi.core.errors import errors_on
from kakehashi.core.imports import (
    ImportResult,
    check_format,
    decode,
    load_json,
    read_csv,
    read_json,
    run_import,
    split_list,
    write_csv,
    write_json,
)
from kakehashi.core.imports import (
    text_field as _text,
)
from kakehashi.organisations.models import Organisation
from kakehashi.organisations.regions import region_from_admin1
from kakehashi.organisations.selectors import organisation_list
from kakehashi.organisations.services import organisation_create, organisation_update
from kakehashi.organisations.validators import normalise_ror

COLUMNS = [
    "ror_id",
    "name",
    "name_en",
    "name_fr",
    "name_ja",
    "aliases",
    "acronyms",
    "type",
    "country",
    "region",
    "city",
    "parent_ror",
    "website",
]
REQUIRED = ["name", "type", "country", "region"]
IMPORT_FORMATS = ("csv", "json", "ror")

# ROR organisation types → ours, in order of preference when a record has several.
ROR_TYPES = [
    ("education", "university"),
    ("facility", "research_institute"),
    ("company", "company"),
    ("government", "government"),
    ("funder", "government"),
    ("healthcare", "nonprofit"),
    ("nonprofit", "nonprofit"),
    ("archive", "nonprofit"),
    ("other", "nonprofit"),
]


def organisation_row(organisation: Organisation) -> dict[str, Any]:
    return {
        "ror_id": organisation.ror_id or "",
        "name": organisation.name,
        "name_en": organisation.name_en,
        "name_fr": organisation.name_fr,
        "name_ja": organisation.name_ja,
        "aliases": list(organisation.aliases),
        "acronyms": list(organisation.acronyms),
        "type": organisation.type,
        "country": organisation.country,
        "region": organisation.region,
        "city": organisation.city,
        "parent_ror": organisation.parent.ror_id if organisation.parent_id else "",
        "website": organisation.website,
    }


def organisations_export(*, format: str = "csv") -> str:
    """Every organisation, in the import columns (one query)."""
    check_format(format)
    rows = (organisation_row(o) for o in organisation_list())
    return write_csv(rows, COLUMNS) if format == "csv" else write_json(rows)


def organisation_by_ror(ref: str, *, column: str) -> Organisation:
    """The organisation another import's row names by ROR id (bare or as a URL) in
    `column`; refused, on that column, when the id is malformed or no organisation has it."""
    try:
        ror = normalise_ror(ref)
    except ValidationError as exc:
        raise ValidationError({column: exc.messages}) from exc
    organisation = Organisation.objects.filter(ror_id=ror).first()
    if organisation is None:
        raise ValidationError({column: _("No organisation with ROR id %(ror)s.") % {"ror": ror}})
    return organisation


@transaction.atomic
def organisations_import(*, data: bytes | str, format: str = "csv", actor=None) -> ImportResult:
    """Create or update organisations from a file; all rows or none; audited
    (``import.organisations``).

    Raises ValidationError for an unreadable file and ImportRejected (with the
    per-row report) when any row is bad.
    """
    check_format(format, IMPORT_FORMATS)
    text = decode(data)
    if format in ("csv", "json"):
        read = read_csv if format == "csv" else read_json
        records = read(text, columns=COLUMNS, required=REQUIRED)
        result = _import_rows(records, strict_parents=True)
    else:
        ror_records = read_ror(text)
        # A withdrawn ROR id must not be used; it is skipped, not an error.
        kept = [r for r in ror_records if r.get("status") != "withdrawn"]
        records = [ror_record_to_row(r) for r in kept]
        result = _import_rows(records, strict_parents=False)
        result.skipped = len(ror_records) - len(kept)
    audit_import(noun="organisations", actor=actor, data=data, format=format, result=result)
    return result


def read_ror(text: str) -> list[dict]:
    """ROR records from JSON Lines or a JSON list; ``{"record": ...}`` wrappers unwrapped."""
    stripped = text.lstrip()
    if stripped.startswith("["):
        items = load_json(text)
    else:
        items = []
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip() or line.lstrip().startswith("#"):
                continue  # blank lines and comment lines (e.g. an attribution) are allowed
            try:
                items.append(load_json(line))
            except ValidationError as exc:
                raise ValidationError(
                    _("Line %(line)d is not valid JSON: %(error)s"),
                    code="malformed",
                    params={"line": number, "error": exc.messages[0]},
                ) from exc
    records = []
    for item in items:
        if isinstance(item, dict) and isinstance(item.get("record"), dict):
            item = item["record"]
        if not isinstance(item, dict) or "id" not in item:
            raise ValidationError(
                _("Every ROR record must be a JSON object with an “id”."), code="malformed"
            )
        records.append(item)
    if not records:
        raise ValidationError(_("The file is empty."), code="empty")
    return records


def ror_record_to_row(record: dict) -> dict[str, Any]:
    """Map one ROR record (schema v2 or v1) to our import columns."""
    row = _ror_v2(record) if "names" in record else _ror_v1(record)
    if not row["region"]:
        # Kept out of the columns: `apply` turns it into a clear per-row error.
        row["_unknown_place"] = row["city"] or row["country"] or "?"
    return row


def _ror_type(types: list[str]) -> str:
    lowered = {t.lower() for t in types}
    for ror_type, ours in ROR_TYPES:
        if ror_type in lowered:
            return ours
    return "nonprofit"


def _region(country: str, *names: str | None) -> str:
    """The ISO 3166-2 code of the first name that maps to one, else ""."""
    for name in names:
        if name:
            code = region_from_admin1(country, name)
            if code:
                return code
    return ""


def _ror_v2(record: dict) -> dict[str, Any]:
    names = record.get("names") or []
    display = next((n["value"] for n in names if "ror_display" in n.get("types", [])), "")

    def label(lang: str) -> str:
        for n in names:
            if n.get("lang") == lang and ({"ror_display", "label"} & set(n.get("types", []))):
                return n["value"]
        return ""

    locations = [loc.get("geonames_details") or {} for loc in record.get("locations") or []] or [{}]
    place = next((g for g in locations if g.get("country_code") in ("CA", "JP")), locations[0])
    country = place.get("country_code") or ""
    parent = next(
        (r["id"] for r in record.get("relationships") or [] if r.get("type") == "parent"), ""
    )
    website = next(
        (link["value"] for link in record.get("links") or [] if link.get("type") == "website"),
        "",
    )
    return {
        "ror_id": record["id"],
        "name": display or (names[0]["value"] if names else ""),
        "name_en": label("en") or (display if not any(n.get("lang") for n in names) else ""),
        "name_fr": label("fr"),
        "name_ja": label("ja"),
        "aliases": [n["value"] for n in names if "alias" in n.get("types", [])],
        "acronyms": [n["value"] for n in names if "acronym" in n.get("types", [])],
        "type": _ror_type(record.get("types") or []),
        "country": country,
        "region": _region(
            country,
            place.get("country_subdivision_name"),
            place.get("country_subdivision_code"),
            place.get("name"),
        ),
        "city": place.get("name") or "",
        "parent_ror": parent,
        "website": website,
    }


def _ror_v1(record: dict) -> dict[str, Any]:
    labels = {lb.get("iso639"): lb.get("label") for lb in record.get("labels") or []}
    address = (record.get("addresses") or [{}])[0]
    city = address.get("geonames_city") or {}
    admin1 = (city.get("geonames_admin1") or {}).get("name")
    country = (record.get("country") or {}).get("country_code") or ""
    parent = next(
        (r["id"] for r in record.get("relationships") or [] if r.get("type") == "Parent"), ""
    )
    return {
        "ror_id": record["id"],
        "name": record.get("name") or "",
        "name_en": labels.get("en") or record.get("name") or "",
        "name_fr": labels.get("fr") or "",
        "name_ja": labels.get("ja") or "",
        "aliases": list(record.get("aliases") or []),
        "acronyms": list(record.get("acronyms") or []),
        "type": _ror_type(record.get("types") or []),
        "country": country,
        "region": _region(country, admin1, address.get("city")),
        "city": address.get("city") or city.get("city") or "",
        "parent_ror": parent,
        "website": (record.get("links") or [""])[0],
    }


def _import_rows(records: list[dict], *, strict_parents: bool) -> ImportResult:
    pending_parents: list[tuple[int, Organisation, str, str]] = []
    counter = {"row": 0}

    def key(record: dict) -> str:
        return _text(record, "ror_id") or _text(record, "name")

    def apply(record: dict, result: ImportResult) -> None:
        counter["row"] += 1
        if record.get("_unknown_place"):
            raise ValidationError(
                {
                    "region": _(
                        "The ROR record names no province or prefecture we recognise "
                        "(place: “%(place)s”); import it as CSV or JSON with a region code."
                    )
                    % {"place": record["_unknown_place"]}
                }
            )
        ror = _text(record, "ror_id")
        if ror:
            with errors_on("ror_id"):
                ror = normalise_ror(ror)
        values = {
            "name": _text(record, "name"),
            "name_en": _text(record, "name_en"),
            "name_fr": _text(record, "name_fr"),
            "name_ja": _text(record, "name_ja"),
            "aliases": split_list(record.get("aliases")),
            "acronyms": split_list(record.get("acronyms")),
            "type": _text(record, "type"),
            "country": _text(record, "country").upper(),
            "region": _text(record, "region").upper(),
            "city": _text(record, "city"),
            "website": _text(record, "website"),
        }
        if ror:
            existing = Organisation.objects.filter(ror_id=ror).first()
        else:
            existing = Organisation.objects.filter(
                ror_id__isnull=True, name=values["name"], country=values["country"]
            ).first()
        if existing:
            organisation = organisation_update(organisation=existing, **values)
            result.updated += 1
        else:
            organisation = organisation_create(ror_id=ror or None, **values)
            result.created += 1
        result.keys.append(ror or values["name"])
        parent = _text(record, "parent_ror")
        if parent:
            pending_parents.append((counter["row"], organisation, parent, key(record)))

    def finish(result: ImportResult) -> list[dict]:
        errors = []
        for row, organisation, parent_ref, ident in pending_parents:
            try:
                parent_ror = normalise_ror(parent_ref)
            except ValidationError as exc:
                errors.append({"row": row, "id": ident, "errors": {"parent_ror": exc.messages}})
                continue
            parent = Organisation.objects.filter(ror_id=parent_ror).first()
            if parent is None:
                if strict_parents:
                    errors.append(
                        {
                            "row": row,
                            "id": ident,
                            "errors": {
                                "parent_ror": [
                                    _(
                                        "No organisation with ROR id %(ror)s in the database "
                                        "or in this file."
                                    )
                                    % {"ror": parent_ror}
                                ]
                            },
                        }
                    )
                continue
            try:
                organisation_update(organisation=organisation, parent=parent)
            except ValidationError as exc:
                errors.append({"row": row, "id": ident, "errors": {"parent_ror": exc.messages}})
        return errors

    return run_import(records, key=key, apply=apply, finish=finish, identity=_identity)


def _identity(record: dict) -> tuple[str, object] | None:
    """What a row is looked up by (see `run_import`): its ROR id, written either way
    (bare or as a URL), else its name and country."""
    ror = _text(record, "ror_id")
    if ror:
        try:
            return ("ror_id", normalise_ror(ror))
        except ValidationError:
            return ("ror_id", ror.lower())
    name = _text(record, "name")
    return ("name", (name, _text(record, "country").upper())) if name else None
