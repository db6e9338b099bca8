"""A call's match policy as one typed value (see docs/calls.md, "Match policy").

`MatchPolicy.from_data` is the one validator of a policy, wherever it comes
from: the call form, the run form, the API or a call's stored JSON. It refuses
anything it does not know, so a typo never silently turns a cap off, and it
checks each rule once: values of the cap's kind, caps that must not overlap,
reserves only for organisations, caps only with student-proposing matching.
`to_data()` gives the canonical JSON stored in ``Call.match_policy`` and
``MatchRun.policy`` and shown by the API; ``from_data(p.to_data()) == p``.

A refusal is a `PolicyError`: a ``ValidationError`` keyed by the path of the
offending value (``caps.0.capacity``) for the API, which also keeps the same
messages placed for a form (policy fields, and each cap's fields by row).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext as _

from kakehashi.core import limits
from kakehashi.core.enums import Direction
from kakehashi.organisations.enums import OrganisationType
from kakehashi.organisations.regions import REGIONS

MATCH_MODES = ("student", "host", "welfare", "exchange")
CAP_KINDS = ("region", "sector", "direction")
POLICY_KEYS = {"mode", "seed", "caps", "exchange"}
CAP_KEYS = {"label", "kind", "values", "capacity", "reserves"}
#: The mode that balances exports and imports (the engine's mode of the same name).
EXCHANGE_MODE = "exchange"
#: What balances in an exchange: each country (its organisations together) or each
#: organisation.
EXCHANGE_LEVELS = ("country", "organisation")
EXCHANGE_KEYS = {"level", "tolerance"}
#: Round two keeps round one's placements and does not rebalance an exchange.
ROUND_TWO_MODES = tuple(m for m in MATCH_MODES if m != EXCHANGE_MODE)
SEED_MAX = 2**63 - 1
#: The engine's mode when caps apply: student-proposing with distributional caps.
CAPPED_ENGINE_MODE = "flexible"

#: Given the reserve keys of a policy (organisation ids or ROR ids, as typed), the
#: organisation id each known key names; unknown keys are left out.
OrganisationLookup = Callable[[list[str]], dict[str, int]]

#: Errors by field name (``__all__`` for the whole): ValidationErrors with their codes.
Errors = dict[str, list[ValidationError]]


class PolicyError(ValidationError):
    """A refused policy. ``error_dict`` is keyed by path under `prefix`
    (``match_policy.caps.0.values``); `fields` holds the errors of the policy's own
    fields (``mode``, ``seed``, ``caps`` and ``__all__``), `caps` those of each cap
    by its row (field name or ``__all__``), and `others` any errors of the
    surrounding object it was raised with (a call's slug, …)."""

    def __init__(
        self,
        *,
        fields: Errors,
        caps: dict[int, Errors],
        prefix: str = "",
        others: Errors | None = None,
    ):
        self.fields = fields
        self.caps = caps
        self.prefix = prefix
        self.others = others or {}

        def path(key: str) -> str:
            if key == NON_FIELD_ERRORS:
                return prefix or NON_FIELD_ERRORS
            return f"{prefix}.{key}" if prefix else key

        flat: dict[str, list] = {path(key): list(messages) for key, messages in fields.items()}
        for row, errors in caps.items():
            for key, messages in errors.items():
                name = f"caps.{row}" if key == NON_FIELD_ERRORS else f"caps.{row}.{key}"
                flat.setdefault(path(name), []).extend(messages)
        for key, messages in self.others.items():
            flat.setdefault(key, []).extend(messages)
        super().__init__(flat)

    def under(self, prefix: str, *, others: Errors | None = None) -> PolicyError:
        """The same errors as a field `prefix` of a larger object, with its `others`."""
        return PolicyError(fields=self.fields, caps=self.caps, prefix=prefix, others=others)


#: The most places a cap or reserve may hold: a project's own capacity bound (a
#: PositiveSmallIntegerField); the match engine's integer arrays overflow on 10^30.
MAX_PLACES = 32767


def _is_count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _is_places(value: Any) -> bool:
    return _is_count(value) and value <= MAX_PLACES


def cap_values(kind: str) -> set[str]:
    """The codes a cap of `kind` may count."""
    if kind == "region":
        return set(REGIONS)
    if kind == "sector":
        return set(OrganisationType.values)
    return set(Direction.values)


@dataclasses.dataclass(frozen=True)
class Cap:
    """At most `capacity` placements in the places whose `kind` is one of `values`;
    `reserves` holds places of the cap for organisations (id → places, in order)."""

    label: str
    kind: str
    values: tuple[str, ...]
    capacity: int
    reserves: tuple[tuple[str, int], ...] = ()

    def to_data(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "kind": self.kind,
            "values": list(self.values),
            "capacity": self.capacity,
            "reserves": dict(self.reserves),
        }


@dataclasses.dataclass(frozen=True)
class Exchange:
    """A balanced exchange: every country (or organisation, by `level`) ends with
    |imports − exports| ≤ `tolerance`."""

    level: str = "country"
    tolerance: int = 0

    def to_data(self) -> dict[str, Any]:
        return {"level": self.level, "tolerance": self.tolerance}


@dataclasses.dataclass(frozen=True)
class MatchPolicy:
    """How a call's match is run. The default is student-proposing, seed 0, no cap.
    `exchange` is set exactly when the mode is ``exchange``."""

    mode: str = "student"
    seed: int = 0
    caps: tuple[Cap, ...] = ()
    exchange: Exchange | None = None

    @property
    def engine_mode(self) -> str:
        """The engine's mode: ``flexible`` when caps apply, else the policy's mode."""
        return CAPPED_ENGINE_MODE if self.caps else self.mode

    def to_data(self) -> dict[str, Any]:
        """The canonical JSON form (every key present; ``exchange`` only in that mode)."""
        data = {"mode": self.mode, "seed": self.seed, "caps": [c.to_data() for c in self.caps]}
        if self.exchange is not None:
            data["exchange"] = self.exchange.to_data()
        return data

    @classmethod
    def from_stored(cls, data: Any) -> MatchPolicy:
        """A policy as stored on a call or a run, read without checking it again
        (it was checked when it was saved); missing keys take their defaults."""
        data = data if isinstance(data, dict) else {}
        exchange = data.get("exchange")
        return cls(
            exchange=Exchange(**exchange) if isinstance(exchange, dict) else None,
            mode=data.get("mode", cls.mode),
            seed=data.get("seed", cls.seed),
            caps=tuple(
                Cap(
                    label=cap.get("label", ""),
                    kind=cap.get("kind", ""),
                    values=tuple(cap.get("values") or ()),
                    capacity=cap.get("capacity", 0),
                    reserves=tuple((cap.get("reserves") or {}).items()),
                )
                for cap in data.get("caps") or ()
            ),
        )

    @classmethod
    def from_data(
        cls, data: Any, *, organisations: OrganisationLookup | None = None
    ) -> MatchPolicy:
        """Check a policy given as JSON data and return it; raise `PolicyError` otherwise.

        ``{}`` (or None) is the default policy. A reserve's key must name an
        organisation: with `organisations` (the database's lookup) an id or a
        ROR id of a known organisation, stored as its id; without it, any id.
        """
        return _Parser(organisations).policy(data)


class _Parser:
    """One pass over a policy's data, collecting every error by field and by row."""

    def __init__(self, organisations: OrganisationLookup | None):
        self.organisations = organisations
        self.fields: Errors = {}
        self.caps: dict[int, Errors] = {}

    def add(self, key: str, message: str, row: int | None = None, code: str | None = None) -> None:
        target = self.fields if row is None else self.caps.setdefault(row, {})
        target.setdefault(key, []).append(ValidationError(message, code=code))

    def policy(self, data: Any) -> MatchPolicy:
        if data in (None, ""):
            data = {}
        if not isinstance(data, dict):
            self.add(NON_FIELD_ERRORS, _("The match policy must be a JSON object."))
            raise PolicyError(fields=self.fields, caps={})
        unknown = sorted(set(data) - POLICY_KEYS)
        if unknown:
            self.add(
                NON_FIELD_ERRORS,
                _("Unknown keys in the match policy: %(keys)s.") % {"keys": ", ".join(unknown)},
            )
        mode = data.get("mode", MatchPolicy.mode)
        if mode not in MATCH_MODES:
            self.add(
                "mode",
                _("The mode must be one of %(modes)s.") % {"modes": ", ".join(MATCH_MODES)},
            )
        seed = data.get("seed", MatchPolicy.seed)
        if not _is_count(seed) or seed > SEED_MAX:
            self.add("seed", _("The seed must be a whole number from 0."))
        caps_in = data.get("caps", [])
        if not isinstance(caps_in, list):
            self.add("caps", _("Caps must be a list."))
            caps_in = []
        reserve_ids = self._reserve_ids(caps_in)
        seen: dict[tuple[str, str], str] = {}
        labels: set[str] = set()
        caps = []
        for row, cap in enumerate(caps_in):
            if not isinstance(cap, dict):
                self.add(NON_FIELD_ERRORS, _("Each cap must be a JSON object."), row)
                continue
            caps.append(self.cap(row, cap, seen, labels, reserve_ids))
        if caps_in and mode in MATCH_MODES and mode != "student":
            # The engine honours caps only in student-proposing deferred acceptance.
            self.add(
                "mode",
                _(
                    "Caps are applied only by student-proposing matching; "
                    "choose that mode or remove the caps."
                ),
                code="caps_need_student_mode",
            )
        exchange = self.exchange(mode, data.get("exchange"))
        if self.fields or self.caps:
            raise PolicyError(fields=self.fields, caps=self.caps)
        return MatchPolicy(mode=mode, seed=seed, caps=tuple(caps), exchange=exchange)

    def exchange(self, mode: str, data: Any) -> Exchange | None:
        """The exchange's settings: only in mode exchange (defaults: country, 0)."""
        if mode != EXCHANGE_MODE:
            if data is not None:
                self.add(
                    "exchange",
                    _("Balance and tolerance apply only to the balanced exchange mode."),
                    code="exchange_needs_exchange_mode",
                )
            return None
        data = {} if data is None else data
        if not isinstance(data, dict):
            self.add("exchange", _("The exchange must be a JSON object."))
            return Exchange()
        unknown = sorted(set(data) - EXCHANGE_KEYS)
        if unknown:
            self.add(
                "exchange",
                _("Unknown keys in the exchange: %(keys)s.") % {"keys": ", ".join(unknown)},
            )
        level = data.get("level", Exchange.level)
        if level not in EXCHANGE_LEVELS:
            self.add(
                "exchange.level",
                _("The balance must be one of %(levels)s.")
                % {"levels": ", ".join(EXCHANGE_LEVELS)},
            )
            level = Exchange.level
        tolerance = data.get("tolerance", Exchange.tolerance)
        if not _is_places(tolerance):
            self.add(
                "exchange.tolerance",
                _("The tolerance must be a whole number from 0 to %(max)d.") % {"max": MAX_PLACES},
            )
            tolerance = 0
        return Exchange(level=level, tolerance=tolerance)

    def _reserve_ids(self, caps_in: list) -> dict[str, int] | None:
        if self.organisations is None:
            return None
        keys = sorted(
            {
                str(key).strip()
                for cap in caps_in
                if isinstance(cap, dict) and isinstance(cap.get("reserves"), dict)
                for key in cap["reserves"]
            }
        )
        return self.organisations(keys) if keys else {}

    def cap(self, row: int, cap: dict, seen: dict, labels: set, reserve_ids) -> Cap:
        unknown = sorted(set(cap) - CAP_KEYS)
        if unknown:
            self.add(
                NON_FIELD_ERRORS,
                _("Unknown keys in a cap: %(keys)s.") % {"keys": ", ".join(unknown)},
                row,
            )
        label = cap.get("label", "")
        if not isinstance(label, str) or not label.strip():
            self.add("label", _("Give the cap a label."), row)
            label = ""
        elif len(label.strip()) > limits.LABEL:
            self.add(
                "label",
                _("A cap's label has at most %(limit)d characters (it has %(count)d).")
                % {"limit": limits.LABEL, "count": len(label.strip())},
                row,
            )
        elif label.strip() in labels:
            self.add("label", _("Two caps are labelled “%(label)s”.") % {"label": label}, row)
        label = label.strip()
        labels.add(label)
        kind = cap.get("kind")
        if kind not in CAP_KINDS:
            self.add(
                "kind",
                _("The kind must be one of %(kinds)s.") % {"kinds": ", ".join(CAP_KINDS)},
                row,
            )
        values = cap.get("values")
        if not (isinstance(values, list) and values and all(isinstance(v, str) for v in values)):
            self.add("values", _("List at least one value."), row)
            values = []
        elif kind in CAP_KINDS:
            self.cap_values(row, kind, values, label, seen)
        capacity = cap.get("capacity")
        if not _is_places(capacity):
            self.add(
                "capacity",
                _("The capacity must be a whole number from 0 to %(max)d.") % {"max": MAX_PLACES},
                row,
            )
            capacity = 0
        reserves = self.reserves(row, cap.get("reserves", {}) or {}, capacity, reserve_ids)
        return Cap(
            label=label,
            kind=kind if isinstance(kind, str) else "",
            values=tuple(values),
            capacity=capacity,
            reserves=reserves,
        )

    def cap_values(self, row: int, kind: str, values: list, label: str, seen: dict) -> None:
        bad = [v for v in values if v not in cap_values(kind)]
        if bad:
            self.add(
                "values",
                _("Not a %(kind)s: %(values)s.") % {"kind": kind, "values": ", ".join(bad)},
                row,
            )
        # A value listed twice in one cap is its own error, not an overlap with itself.
        for v in dict.fromkeys(values):
            other = seen.get((kind, v))
            if other is not None:
                self.add(
                    "values",
                    _("%(value)s is already in the cap “%(label)s”; caps must not overlap.")
                    % {"value": v, "label": other},
                    row,
                )
            seen[(kind, v)] = label
        if len(set(values)) != len(values):
            self.add("values", _("A value is listed twice."), row)

    def reserves(
        self, row: int, reserves: Any, capacity: int, reserve_ids: dict[str, int] | None
    ) -> tuple[tuple[str, int], ...]:
        if not isinstance(reserves, dict):
            self.add("reserves", _("Reserves must map organisations to places."), row)
            return ()
        out: dict[str, int] = {}
        missing: list[int] = []
        for key, n in reserves.items():
            key = str(key).strip()
            if not _is_places(n) or n == 0:
                self.add(
                    "reserves",
                    _("Reserve places for “%(key)s” must be a whole number from 1.") % {"key": key},
                    row,
                )
                continue
            if reserve_ids is not None and key in reserve_ids:
                out[str(reserve_ids[key])] = n
            elif not key.isdecimal():
                # The engine reserves places for organisations (targets that revert).
                self.add(
                    "reserves",
                    _("Places are reserved for organisations: “%(key)s” is not one.")
                    % {"key": key},
                    row,
                )
            elif reserve_ids is not None:
                missing.append(int(key))
            else:
                out[key] = n
        if all(_is_places(n) for n in reserves.values()) and sum(reserves.values()) > capacity:
            self.add(
                "reserves",
                _("Reserves add up to more than the capacity (%(capacity)d).")
                % {"capacity": capacity},
                row,
            )
        if missing:
            self.add(
                "reserves",
                _("No organisation with id %(ids)s.")
                % {"ids": ", ".join(map(str, sorted(missing)))},
                row,
            )
        return tuple(out.items())


_CAP_LINE = re.compile(r"^\s*([A-Za-z0-9_+\- ]+?)\s*[=:]\s*(\d+)\s*$")


def caps_from_lines(text: str, *, kind: str) -> list[dict[str, Any]]:
    """Caps written one a line as ``values = places`` (``JP-13 JP-14 = 3``), as the
    data `MatchPolicy.from_data` checks; each is labelled by its values (``JP-13+JP-14``).

    Only the line's form is checked here; the values and places are checked by
    the validator with the rest of the policy.
    """
    caps = []
    for line in re.split(r"[\n;]+", text or ""):
        if not line.strip():
            continue
        match = _CAP_LINE.match(line)
        if match is None:
            raise ValidationError(
                _("“%(line)s” is not a cap; write “values = places”.") % {"line": line.strip()}
            )
        values = [v for v in re.split(r"[\s+,]+", match.group(1)) if v]
        caps.append(
            {
                "label": "+".join(values),
                "kind": kind,
                "values": values,
                "capacity": int(match.group(2)),
            }
        )
    return caps
