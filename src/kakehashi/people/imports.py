"""Import and export of people (accounts, names, languages, affiliations, candidate profile).

Natural key: the username. Imported accounts get no usable password (they sign
in after a password reset). Role flags that grant powers (officer, superuser)
are never imported; `is_reviewer` is.
"""

from __future__ import annotations

import functools
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kakehashi.audit.services import audit_import
from kakehashi.core.errors import errors_on
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
from kakehashi.people.models import NAME_FIELDS, User
from kakehashi.people.selectors import person_list_visible
from kakehashi.people.services import (
    candidate_profile_set,
    person_affiliations_set,
    person_audit_changes,
    person_snapshot,
    user_create,
    user_update,
)
from kakehashi.people.validators import normalise_orcid
from kakehashi.research_fields.selectors import research_fields_by_code

NAME_COLUMNS = ["email", *NAME_FIELDS]
PROFILE_COLUMNS = [
    "level",
    "home_organisation_ror",
    "direction",
    "nationality",
    "degree",
    "research_interests",
    "interests_language",
    "skills",
    "fields",
]
COLUMNS = [
    "username",
    *NAME_COLUMNS,
    "orcid",
    "timezone",
    "preferred_language",
    "is_reviewer",
    "languages",
    "affiliations",
    *PROFILE_COLUMNS,
]
REQUIRED = ["username"]
_TRUE = {"1", "true", "yes", "y", "on"}
_FALSE = {"0", "false", "no", "n", "off", ""}


def person_row(person: User) -> dict[str, Any]:
    profile = getattr(person, "candidate_profile", None)
    row: dict[str, Any] = {"username": person.username}
    row.update({name: getattr(person, name) for name in NAME_COLUMNS})
    row.update(
        {
            "orcid": person.orcid or "",
            "timezone": person.timezone,
            "preferred_language": person.preferred_language,
            "is_reviewer": person.is_reviewer,
            "languages": [f"{s.language}:{s.level}" for s in person.languages.all()],
            "affiliations": [
                f"{a.organisation.ror_id}:{a.role}"
                for a in person.affiliations.all()
                if a.organisation.ror_id
            ],
        }
    )
    if profile is None:
        row.update({name: [] if name in ("skills", "fields") else "" for name in PROFILE_COLUMNS})
    else:
        row.update(
            {
                "level": profile.level,
                "home_organisation_ror": profile.home_organisation.ror_id or "",
                "direction": profile.direction,
                "nationality": profile.nationality.code or "",
                "degree": profile.degree,
                "research_interests": profile.research_interests,
                "interests_language": profile.interests_language,
                "skills": list(profile.skills),
                "fields": [f.code for f in profile.fields.all()],
            }
        )
    return row


def people_export(*, user, format: str = "csv") -> str:
    """The people `user` may see (officers: everyone), in the import columns."""
    check_format(format)
    people = person_list_visible(user=user).prefetch_related("candidate_profile__fields")
    rows = (person_row(p) for p in people)
    return write_csv(rows, COLUMNS) if format == "csv" else write_json(rows)


@transaction.atomic
def people_import(*, data: bytes | str, format: str = "csv", actor=None) -> ImportResult:
    """Create or update people by username; all rows or none. Audited (``import.people``)."""
    result = import_by_column(
        data,
        format=format,
        columns=COLUMNS,
        required=REQUIRED,
        column="username",
        apply=functools.partial(_apply, actor=actor),
    )
    audit_import(noun="people", actor=actor, data=data, format=format, result=result)
    return result


def _bool(record: dict, name: str) -> bool:
    value = record.get(name)
    if isinstance(value, bool):
        return value
    text = _text(record, name).lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValidationError({name: _("“%(value)s” is not true or false.") % {"value": text}})


def _languages(record: dict) -> list[dict]:
    raw = record.get("languages")
    specs = []
    items = raw if isinstance(raw, list) else split_list(raw)
    for item in items:
        if isinstance(item, dict):
            specs.append({"code": item.get("code", ""), "level": item.get("level", "")})
            continue
        code, sep, level = str(item).partition(":")
        if not sep:
            raise ValidationError(
                {
                    "languages": _("“%(value)s” is not language:level (e.g. ja:N2).")
                    % {"value": item}
                }
            )
        specs.append({"code": code.strip(), "level": level.strip()})
    return specs


def _affiliations(record: dict) -> list[dict]:
    raw = record.get("affiliations")
    specs = []
    for item in raw if isinstance(raw, list) else split_list(raw):
        if isinstance(item, dict):
            ref, role, title = (
                item.get("organisation_ror", ""),
                item.get("role", ""),
                item.get("title", ""),
            )
        else:
            ref, sep, role = str(item).rpartition(":")
            title = ""
            if not sep:
                raise ValidationError(
                    {
                        "affiliations": _(
                            "“%(value)s” is not ror_id:role (e.g. 01pe1d703:supervisor)."
                        )
                        % {"value": item}
                    }
                )
        specs.append(
            {
                "organisation": organisation_by_ror(ref, column="affiliations"),
                "role": role.strip(),
                "title": title,
            }
        )
    return specs


def _apply(record: dict, result: ImportResult, *, actor=None) -> None:
    username = _text(record, "username")
    if not username:
        raise ValidationError({"username": _("A username is required.")})
    values: dict[str, Any] = {n: _text(record, n) for n in NAME_COLUMNS if n in record}
    for name in ("timezone", "preferred_language"):
        if _text(record, name):
            values[name] = _text(record, name)
    if "is_reviewer" in record:
        values["is_reviewer"] = _bool(record, "is_reviewer")
    languages = _languages(record) if "languages" in record else None
    affiliations = _affiliations(record) if "affiliations" in record else None
    orcid = _text(record, "orcid") if "orcid" in record else None
    if orcid:
        with errors_on("orcid"):
            orcid = normalise_orcid(orcid)
    existing = User.objects.filter(username=username).first()
    before = person_snapshot(existing) if existing else None
    if existing:
        person = user_update(user=existing, orcid=orcid, languages=languages, **values)
        result.updated += 1
    else:
        person = user_create(
            username=username, orcid=orcid or None, languages=languages or (), **values
        )
        result.created += 1
    result.keys.append(username)
    if affiliations is not None:
        person_affiliations_set(person=person, affiliations=affiliations)
    if _text(record, "level"):
        candidate_profile_set(
            user=person,
            fields=research_fields_by_code(codes=split_list(record.get("fields"))),
            level=_text(record, "level"),
            home_organisation=organisation_by_ror(
                _text(record, "home_organisation_ror"), column="home_organisation_ror"
            ),
            direction=_text(record, "direction"),
            nationality=_text(record, "nationality").upper(),
            degree=_text(record, "degree"),
            research_interests=_text(record, "research_interests"),
            interests_language=_text(record, "interests_language"),
            skills=split_list(record.get("skills")),
        )
    if before is not None:  # a new person's values are the import's own entry
        person_audit_changes(person=person, actor=actor, before=before)
