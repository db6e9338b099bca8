"""The shape of a call's eligibility rules (see docs/calls.md); the match policy
has its own type and validator in ``programs.policy``.

The rules are JSON on the call. `eligibility_clean` checks the shape and the
codes and returns the rules in their one canonical form; anything it does not
know is refused. Errors are keyed by field so pages can show them next to
their field and the API can name them.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from kakehashi.core.enums import Language
from kakehashi.people.enums import LanguageLevel

ELIGIBILITY_KEYS = {"languages", "languages_rule"}
LANGUAGE_RULES = ("all", "any")

#: One scale for CEFR and JLPT, so "ja B2" is met by N2 and "ja N3" by B1.
LEVEL_ORDER = {
    "A1": 1,
    "N5": 1,
    "A2": 2,
    "N4": 2,
    "B1": 3,
    "N3": 3,
    "B2": 4,
    "N2": 4,
    "C1": 5,
    "N1": 5,
    "C2": 6,
    "native": 7,
}


def eligibility_clean(rules: Any) -> dict:
    """Check a call's own eligibility rules and return them in canonical form.

    ``{"languages": [{"language": "en", "level": "B2"}], "languages_rule": "all"|"any"}``
    """
    if rules in (None, ""):
        rules = {}
    if not isinstance(rules, dict):
        raise ValidationError({"__all__": _("The eligibility rules must be a JSON object.")})
    errors: dict[str, list[str]] = {}
    unknown = sorted(set(rules) - ELIGIBILITY_KEYS)
    if unknown:
        errors["__all__"] = [
            _("Unknown keys in the eligibility rules: %(keys)s.") % {"keys": ", ".join(unknown)}
        ]
    languages = rules.get("languages", [])
    out: list[dict] = []
    if not isinstance(languages, list):
        errors["languages"] = [_("Languages must be a list.")]
        languages = []
    for item in languages:
        language = item.get("language") if isinstance(item, dict) else None
        level = item.get("level") if isinstance(item, dict) else None
        if language not in Language.values or level not in LanguageLevel.values:
            errors.setdefault("languages", []).append(
                _("“%(item)s” is not a language (en, fr, ja) with a level (A1–C2, N5–N1, native).")
                % {"item": f"{language} {level}" if isinstance(item, dict) else item}
            )
        elif level.startswith("N") and level != "native" and language != "ja":
            errors.setdefault("languages", []).append(_("JLPT levels apply to Japanese only."))
        elif any(o["language"] == language for o in out):
            errors.setdefault("languages", []).append(
                _("Give each language only once: %(language)s.") % {"language": language}
            )
        else:
            out.append({"language": language, "level": level})
    rule = rules.get("languages_rule", "all")
    if rule not in LANGUAGE_RULES:
        errors["languages_rule"] = [_("The language rule must be “all” or “any”.")]
    if errors:
        raise ValidationError(errors)
    return {"languages": out, "languages_rule": rule}


def level_meets(level: str, minimum: str) -> bool:
    """Whether a language `level` is at least `minimum` on the common scale."""
    return LEVEL_ORDER.get(level, 0) >= LEVEL_ORDER.get(minimum, 99)
