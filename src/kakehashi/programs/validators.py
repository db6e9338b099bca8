"""The shapes of a call's match policy and eligibility rules (see docs/calls.md).

Both are JSON on the call. These functions check the shape and the codes and
return the policy in its one canonical form; anything they do not know is
refused, so a typo never silently turns a cap off. Errors are keyed by the
path of the offending value (``caps.0.capacity``) so pages can show them next
to their field and the API can name them.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from kakehashi.core.enums import Direction, Language
from kakehashi.organisations.enums import OrganisationType
from kakehashi.organisations.regions import REGIONS
from kakehashi.people.enums import LanguageLevel

MATCH_MODES = ("student", "host", "welfare")
CAP_KINDS = ("region", "sector", "direction")
POLICY_KEYS = {"mode", "seed", "caps"}
CAP_KEYS = {"label", "kind", "values", "capacity", "reserves"}
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


def _cap_values(kind: str) -> set[str]:
    if kind == "region":
        return set(REGIONS)
    if kind == "sector":
        return set(OrganisationType.values)
    return set(Direction.values)


#: The most places a cap or reserve may hold: a project's own capacity bound (a
#: PositiveSmallIntegerField); the match engine's integer arrays overflow on 10^30.
MAX_PLACES = 32767


def _is_count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_PLACES


def match_policy_clean(policy: Any) -> dict:
    """Check a match policy and return it in canonical form (every key present).

    ``{}`` (or None) is the default policy: student-proposing, seed 0, no caps.
    Reserve keys are kept as given: one of the cap's values, or an organisation
    id (digits; the service resolves ROR ids to ids).
    """
    if policy in (None, ""):
        policy = {}
    if not isinstance(policy, dict):
        raise ValidationError({"__all__": _("The match policy must be a JSON object.")})
    errors: dict[str, list[str]] = {}

    def add(path: str, message: str) -> None:
        errors.setdefault(path, []).append(message)

    unknown = sorted(set(policy) - POLICY_KEYS)
    if unknown:
        add(
            "__all__",
            _("Unknown keys in the match policy: %(keys)s.") % {"keys": ", ".join(unknown)},
        )
    mode = policy.get("mode", "student")
    if mode not in MATCH_MODES:
        add(
            "mode",
            _("The mode must be one of %(modes)s.") % {"modes": ", ".join(MATCH_MODES)},
        )
    seed = policy.get("seed", 0)
    if not _is_count(seed) or seed >= 2**63:
        add("seed", _("The seed must be a whole number from 0."))
    caps_in = policy.get("caps", [])
    caps: list[dict] = []
    if not isinstance(caps_in, list):
        add("caps", _("Caps must be a list."))
        caps_in = []
    seen: dict[tuple[str, str], str] = {}
    labels: set[str] = set()
    for i, cap in enumerate(caps_in):
        where = f"caps.{i}"
        if not isinstance(cap, dict):
            add(where, _("Each cap must be a JSON object."))
            continue
        unknown = sorted(set(cap) - CAP_KEYS)
        if unknown:
            add(where, _("Unknown keys in a cap: %(keys)s.") % {"keys": ", ".join(unknown)})
        label = cap.get("label", "")
        if not isinstance(label, str) or not label.strip():
            add(f"{where}.label", _("Give the cap a label."))
            label = ""
        elif label.strip() in labels:
            add(f"{where}.label", _("Two caps are labelled “%(label)s”.") % {"label": label})
        label = label.strip()
        labels.add(label)
        kind = cap.get("kind")
        if kind not in CAP_KINDS:
            add(
                f"{where}.kind",
                _("The kind must be one of %(kinds)s.") % {"kinds": ", ".join(CAP_KINDS)},
            )
        values = cap.get("values")
        if not (isinstance(values, list) and values and all(isinstance(v, str) for v in values)):
            add(f"{where}.values", _("List at least one value."))
            values = []
        elif kind in CAP_KINDS:
            bad = [v for v in values if v not in _cap_values(kind)]
            if bad:
                add(
                    f"{where}.values",
                    _("Not a %(kind)s: %(values)s.") % {"kind": kind, "values": ", ".join(bad)},
                )
            for v in values:
                other = seen.get((kind, v))
                if other is not None:
                    add(
                        f"{where}.values",
                        _("%(value)s is already in the cap “%(label)s”; caps must not overlap.")
                        % {"value": v, "label": other},
                    )
                seen[(kind, v)] = label
            if len(set(values)) != len(values):
                add(f"{where}.values", _("A value is listed twice."))
        capacity = cap.get("capacity")
        if not _is_count(capacity):
            add(f"{where}.capacity", _("The capacity must be a whole number from 0."))
            capacity = 0
        reserves = cap.get("reserves", {}) or {}
        if not isinstance(reserves, dict):
            add(f"{where}.reserves", _("Reserves must map organisations to places."))
            reserves = {}
        for key, n in reserves.items():
            if not _is_count(n) or n == 0:
                add(
                    f"{where}.reserves",
                    _("Reserve places for “%(key)s” must be a whole number from 1.") % {"key": key},
                )
            elif not str(key).isdecimal():
                # The engine reserves places for organisations (targets that revert).
                add(
                    f"{where}.reserves",
                    _("Places are reserved for organisations: “%(key)s” is not one.")
                    % {"key": key},
                )
        if all(_is_count(n) for n in reserves.values()) and sum(reserves.values()) > capacity:
            add(
                f"{where}.reserves",
                _("Reserves add up to more than the capacity (%(capacity)d).")
                % {"capacity": capacity},
            )
        caps.append(
            {
                "label": label,
                "kind": kind,
                "values": list(values),
                "capacity": capacity,
                "reserves": {str(k): n for k, n in reserves.items()},
            }
        )
    if errors:
        raise ValidationError(errors)
    return {"mode": mode, "seed": seed, "caps": caps}


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
