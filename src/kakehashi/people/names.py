"""People's names written the way the reader's language writes them.

On Japanese pages a name is in kanji when the person has one, family name first
with no space (森本拓也). A name in Latin script keeps its own order in every
language: a Japanese name (one with a kanji or kana form) is family name first
(Morimoto Takuya), any other given name first (Olivia Grant, never Grant Olivia on a
Japanese page), unless the person chose otherwise (`User.name_order`). A person
known only by a kanji name is named by it in every language.
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


def family_first(person: Named) -> bool:
    """Whether the Latin-script name is written family name first: the person's choice
    (`name_order`), else yes for a Japanese name (one with a kanji or kana form)."""
    order = _part(person, "name_order")
    if order:
        return order == "family_first"
    return bool(
        kanji_name(person) or _part(person, "family_name_kana") or _part(person, "given_name_kana")
    )


def latin_name(person: Named) -> str:
    """The name in Latin script in its own order (“Morimoto Takuya”, “Olivia Grant”), or ""."""
    family, given = _part(person, "family_name"), _part(person, "given_name")
    parts = (family, given) if family_first(person) else (given, family)
    return " ".join(p for p in parts if p)


def person_name(person: Named, language: str | None = None) -> str:
    """The person's name in `language` (by default the active one).

    >>> from types import SimpleNamespace as P
    >>> morimoto = P(username="m", family_name="Morimoto", given_name="Takuya",
    ...              family_name_kanji="森本", given_name_kanji="拓也", name_order="")
    >>> person_name(morimoto, "ja"), person_name(morimoto, "fr")
    ('森本拓也', 'Morimoto Takuya')
    >>> grant = P(username="g", family_name="Grant", given_name="Olivia", name_order="")
    >>> person_name(grant, "ja")
    'Olivia Grant'
    """
    if _language(language) == "ja":
        name = kanji_name(person) or latin_name(person)
    else:
        name = latin_name(person) or kanji_name(person)
    return name or _part(person, "username")


def other_script_name(person: Named, language: str | None = None) -> str:
    """The kanji name to show beside `person_name` for a reader who is not reading
    Japanese, or "" when it would add nothing (no kanji, or it is already shown)."""
    if _language(language) == "ja" or not (
        _part(person, "given_name") or _part(person, "family_name")
    ):
        return ""
    return kanji_name(person)
