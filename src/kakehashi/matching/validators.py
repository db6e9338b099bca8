"""A run's policy: the call's match policy with the run's own choices laid over it.

The policy's shape is the call's (``programs.validators.match_policy_clean``:
mode, seed, caps with reserves; see docs/match-runs.md). What the engine is
asked to do follows from it: caps are honoured by student-proposing deferred
acceptance with distributional caps (the engine's ``flexible`` mode), and
nowhere else, so caps with another mode are refused rather than ignored.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from kakehashi.programs.services import match_policy_normalise

SEED_MAX = 2**63 - 1
RUN_OVERRIDES = ("mode", "seed", "caps")


def policy_for_run(*, call_policy: Any, overrides: dict[str, Any] | None) -> dict[str, Any]:
    """The run's policy in canonical form: the call's, with `overrides` (mode, seed,
    caps; a key that is absent or None keeps the call's value) laid over it."""
    merged = dict(call_policy or {})
    for key, value in (overrides or {}).items():
        if key not in RUN_OVERRIDES:
            raise ValidationError(
                _("Unknown keys in the match policy: %(keys)s.") % {"keys": key},
                code="invalid_policy",
            )
        if value is not None:
            merged[key] = value
    clean = match_policy_normalise(merged)
    engine_mode_for(clean)
    return clean


def engine_mode_for(policy: dict[str, Any]) -> str:
    """The engine's mode for a canonical policy (``flexible`` when caps apply)."""
    if policy.get("caps"):
        if policy["mode"] != "student":
            raise ValidationError(
                {
                    "caps": _(
                        "Caps are applied only by student-proposing matching; "
                        "choose that mode or run without caps."
                    )
                },
                code="caps_need_student_mode",
            )
        return "flexible"
    return policy["mode"]
