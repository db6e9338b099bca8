"""People's names written the way the reader's language writes them.

In Japanese a name is family name first, in kanji when the person has one, with
no space between kanji family and given names (森本拓也); a romaji name keeps its
space (Morimoto Takuya, Smith Jane). English and French write the given name
first (Takuya Morimoto), in romaji when known, else in kanji (a person known
only by a kanji name is still named, family first).
"""

from __future__ import annotations

from typing import Protocol

from django.conf import settings
from django.utils.translation import get_language


class Named(Protocol):
    username: str
    family_name: str
    given_name: str
    family_name_kanji: str
    given_name_kanji: str


def _language(language: str | None) -> str:
    return (language or get_language() or settings.LANGUAGE_CODE)[:2].lower()


def _part(person: Named, name: str) -> str:
    # getattr: an anonymous user, or a plain object, has no name fields.
    return (getattr(person, name, "") or "").strip()


def kanji_name(person: Named) -> str:
    """The kanji name, family first and unspaced (“森本拓也”), or "" when there is none."""
    return _part(person, "family_name_kanji") + _part(person, "given_name_kanji")


def person_name(person: Named, language: str | None = None) -> str:
    """The person's name in `language` (by default the active one).

    >>> from types import SimpleNamespace as P
    >>> morimoto = P(username="m", family_name="Morimoto", given_name="Takuya",
    ...              family_name_kanji="森本", given_name_kanji="拓也")
    >>> person_name(morimoto, "ja"), person_name(morimoto, "fr")
    ('森本拓也', 'Takuya Morimoto')
    """
    family, given = _part(person, "family_name"), _part(person, "given_name")
    if _language(language) == "ja":
        name = kanji_name(person) or " ".join(p for p in (family, given) if p)
    else:
        name = " ".join(p for p in (given, family) if p) or kanji_name(person)
    return name or _part(person, "username")


def other_script_name(person: Named, language: str | None = None) -> str:
    """The kanji name to show beside `person_name` for a reader who is not reading
    Japanese, or "" when it would add nothing (no kanji, or it is already shown)."""
    if _language(language) == "ja" or not (
        _part(person, "given_name") or _part(person, "family_name")
    ):
        return ""
    return kanji_name(person)
