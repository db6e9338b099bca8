"""A run's policy: the call's match policy with the run's own choices laid over it.

The policy is the call's `MatchPolicy` (``programs.policy``: mode, seed, caps with
reserves, a balanced exchange's level and tolerance; see docs/match-runs.md),
checked by its one validator. What the engine
is asked to do follows from it (`MatchPolicy.engine_mode`): caps are honoured by
student-proposing deferred acceptance with distributional caps (the engine's
``flexible`` mode), and nowhere else, so the validator refuses caps with another
mode rather than ignoring them.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from kakehashi.programs.policy import EXCHANGE_MODE, MatchPolicy
from kakehashi.programs.services import match_policy_parse

RUN_OVERRIDES = ("mode", "seed", "caps", "exchange")


def policy_for_run(*, call_policy: MatchPolicy, overrides: dict[str, Any] | None) -> MatchPolicy:
    """The run's policy: the call's, with `overrides` (mode, seed, caps as data; a key
    that is absent or None keeps the call's value) laid over it and checked."""
    data = call_policy.to_data()
    for key, value in (overrides or {}).items():
        if key not in RUN_OVERRIDES:
            raise ValidationError(
                _("Unknown keys in the match policy: %(keys)s.") % {"keys": key},
                code="invalid_policy",
            )
        if value is not None:
            data[key] = value
    if data["mode"] != EXCHANGE_MODE and not (overrides or {}).get("exchange"):
        # The call's exchange settings belong to its exchange mode, which this run leaves.
        data.pop("exchange", None)
    return match_policy_parse(data)
