"""DOIs and Crossref records: what a person pastes or uploads, read without the network.

A Crossref record is the JSON the Crossref REST API answers for a work
(``{"status": "ok", "message": {...}}``) or its ``message`` alone. We keep the fields a
report needs: DOI, title, authors, journal or proceedings, publisher, type, date.
"""

from __future__ import annotations

import json
import re
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

#: Crossref's recommended pattern for modern DOIs (case-insensitive).
DOI_RE = re.compile(r"^10\.\d{4,9}/[-._;()/:a-z0-9<>\[\]]+$", re.IGNORECASE)
_PREFIXES = ("https://doi.org/", "http://doi.org/", "https://dx.doi.org/", "doi:")


def doi_normalise(value: str) -> str:
    """The bare DOI, lower-cased (DOIs are case-insensitive); ValidationError if it is none."""
    text = (value or "").strip()
    for prefix in _PREFIXES:
        if text.lower().startswith(prefix):
            text = text[len(prefix) :]
            break
    if not DOI_RE.match(text):
        raise ValidationError(
            _("“%(value)s” is not a DOI (expected e.g. 10.1038/s41586-020-2649-2).")
            % {"value": value[:100]}
        )
    return text.lower()


def crossref_metadata(raw: str | bytes) -> dict[str, Any]:
    """The fields we keep from a Crossref record; ValidationError saying what is wrong."""
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ValidationError(_("The Crossref record is not valid JSON.")) from exc
    if isinstance(data, dict) and isinstance(data.get("message"), dict):
        data = data["message"]
    if not isinstance(data, dict) or not isinstance(data.get("DOI"), str):
        raise ValidationError(_("The Crossref record has no DOI: paste the record of one work."))
    doi = doi_normalise(data["DOI"])

    def first(key: str) -> str:
        value = data.get(key)
        if isinstance(value, list):
            value = value[0] if value else ""
        return str(value or "")[:500]

    authors = []
    for a in data.get("author") or []:
        if isinstance(a, dict):
            name = " ".join(str(a.get(k, "")).strip() for k in ("given", "family")).strip()
            authors.append(name or str(a.get("name", ""))[:200])
    issued = (data.get("issued") or {}).get("date-parts") or [[]]
    parts = [
        int(p)
        for p in (issued[0] if issued and isinstance(issued[0], list) else [])
        if str(p).isdigit()
    ]
    return {
        "doi": doi,
        "title": first("title"),
        "authors": authors[:100],
        "container": first("container-title"),
        "publisher": first("publisher"),
        "type": first("type"),
        "issued": parts[:3],
    }
