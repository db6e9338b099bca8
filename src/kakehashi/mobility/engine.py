"""From the facts of a stay to its route and steps, read from a rule pack (plain data).

A pack (``rulepacks/<country>.yaml``, stored as :class:`~kakehashi.mobility.models.RulePack`)
lists **routes** in order and **steps**. The route is the first whose ``when`` the facts
meet; its steps are those of its ``steps`` list whose own ``when`` the facts meet. This
module knows no Django model: it reads dicts, so tests and the officer's preview run it
on any pack.

Conditions (``when``), every one given must hold:

* ``paid``: true or false (paid by the host or the partner in the host country);
* ``levels``: academic levels (``masters``, ``phd``, ``postdoc``);
* ``min_days`` / ``max_days``: the length of the stay in days, both ends included;
* ``nationality_in`` / ``nationality_not_in``: ISO 3166-1 codes, or the name of a list
  of the pack's ``lists``, or a list mixing both (``[eta, no_document]``);
* ``regions`` / ``regions_not``: ISO 3166-2 codes of the destination (``CA-QC``);
* ``host_types``: the kinds of host organisation (``university``, ``research_institute``,
  ``company``, …); an unknown kind meets none.

Deadlines (``due``) of a step: ``business_days_before_start`` (counted in the calendar of
``place``: ``host``, the destination region, or ``home``, the home country),
``days_after_start`` (calendar days after arrival, e.g. resident registration within 14
days). ``risk_days_before_start``: from that many days before the start an unfinished
step puts the internship at risk.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from kakehashi.mobility import calendars

#: The people a step belongs to.
OWNERS = ("intern", "host", "home", "officer")
#: Keys a ``when`` may hold.
CONDITIONS = (
    "paid",
    "levels",
    "min_days",
    "max_days",
    "nationality_in",
    "nationality_not_in",
    "regions",
    "regions_not",
    "host_types",
)
LANGUAGES = ("en", "fr", "ja")


@dataclass(frozen=True)
class Facts:
    """What decides the route: the intern's nationality (ISO 3166-1), the destination
    region (ISO 3166-2), the length in days, paid or not, the academic level, the home
    country (for the calendar of steps done at home), and the host's kind of
    organisation."""

    nationality: str
    region: str
    days: int
    paid: bool
    level: str
    home_country: str = ""
    host_type: str = ""

    @property
    def country(self) -> str:
        return self.region.split("-")[0].upper()


@dataclass(frozen=True)
class Step:
    key: str
    title: dict
    detail: dict
    owner: str
    place: str
    due: dict
    risk_days_before_start: int | None
    sources: tuple[str, ...]
    documents: bool


@dataclass
class Derivation:
    """The route (None when no route fits: an officer decides), its steps, and why."""

    country: str
    route: dict | None
    steps: list[Step] = field(default_factory=list)
    reason: str = ""

    @property
    def route_key(self) -> str:
        return self.route["key"] if self.route else ""


class PackError(ValueError):
    """A rule pack that does not hold together (named in the message)."""


def _list(pack: dict, name: str) -> list:
    try:
        return pack.get("lists", {})[name]
    except KeyError as exc:
        raise PackError(f"unknown list {name!r}") from exc


def _codes(pack: dict, value: Any) -> set[str]:
    """The country codes a condition names: a list name, or a list whose items are codes
    (two letters) or list names (longer), e.g. ``[eta, no_document]``."""
    items = _list(pack, value) if isinstance(value, str) else value
    codes = set()
    for item in items:
        # YAML 1.1 reads an unquoted NO (Norway) as false: codes must be strings.
        if not isinstance(item, str):
            raise PackError(f"{item!r} is not an ISO 3166-1 alpha-2 code (quote it)")
        if len(item) == 2:
            codes.add(item.upper())
        else:
            codes |= _codes(pack, _list(pack, item))
    return codes


def meets(pack: dict, when: dict | None, facts: Facts) -> bool:
    """Whether `facts` meet every condition of `when` (an empty `when` always holds)."""
    for key, value in (when or {}).items():
        if key == "paid" and bool(value) != facts.paid:
            return False
        if key == "levels" and facts.level not in value:
            return False
        if key == "min_days" and facts.days < int(value):
            return False
        if key == "max_days" and facts.days > int(value):
            return False
        if key == "nationality_in" and facts.nationality.upper() not in _codes(pack, value):
            return False
        if key == "nationality_not_in" and facts.nationality.upper() in _codes(pack, value):
            return False
        if key == "regions" and facts.region.upper() not in {r.upper() for r in value}:
            return False
        if key == "regions_not" and facts.region.upper() in {r.upper() for r in value}:
            return False
        if key == "host_types" and facts.host_type not in value:
            return False
    return True


def _step(pack: dict, key: str) -> Step:
    spec = pack["steps"][key]
    due = spec.get("due") or {}
    return Step(
        key=key,
        title=spec["title"],
        detail=spec.get("detail") or {},
        owner=spec["owner"],
        place=spec.get("place", "host"),
        due=due,
        risk_days_before_start=spec.get("risk_days_before_start"),
        sources=tuple(spec.get("sources") or ()),
        documents=bool(spec.get("documents", False)),
    )


def derive(pack: dict, facts: Facts) -> Derivation:
    """The route of `facts` in `pack`, and its steps in the pack's order."""
    if facts.country != str(pack["country"]).upper():
        raise PackError(f"the pack is for {pack['country']}, the stay in {facts.country}")
    if not facts.nationality:
        return Derivation(country=facts.country, route=None, reason="nationality_missing")
    for route in pack["routes"]:
        if meets(pack, route.get("when"), facts):
            steps = [
                _step(pack, key)
                for key in route["steps"]
                if meets(pack, pack["steps"][key].get("when"), facts)
            ]
            return Derivation(country=facts.country, route=route, steps=steps)
    return Derivation(country=facts.country, route=None, reason="no_route")


def step_place(step: Step, facts: Facts) -> str:
    """The calendar a step's business days are counted in."""
    if step.place == "home" and facts.home_country:
        return facts.home_country
    return facts.region


def due_date(step: Step, facts: Facts, start: dt.date) -> dt.date | None:
    due = step.due
    if "business_days_before_start" in due:
        return calendars.business_days_before(
            start, int(due["business_days_before_start"]), step_place(step, facts)
        )
    if "days_after_start" in due:
        return start + dt.timedelta(days=int(due["days_after_start"]))
    return None


def risk_date(step: Step, start: dt.date) -> dt.date | None:
    if step.risk_days_before_start is None:
        return None
    return start - dt.timedelta(days=int(step.risk_days_before_start))


def text(value: dict | str | None, language: str) -> str:
    """A pack's text in `language`, else English."""
    if not value:
        return ""
    if isinstance(value, str):
        return value
    return value.get(language) or value.get("en") or ""


def validate(pack: dict) -> None:
    """Refuse a pack that does not hold together, naming what is wrong."""
    for key in ("country", "version", "title", "last_reviewed", "sources", "routes", "steps"):
        if key not in pack:
            raise PackError(f"missing {key!r}")
    sources = {s["key"] for s in pack["sources"]}
    for source in pack["sources"]:
        if not str(source.get("url", "")).startswith("https://"):
            raise PackError(f"source {source.get('key')!r}: its url must start with https://")
    _check_texts(pack.get("disclaimer"), "the disclaimer")
    _check_texts(pack.get("title"), "the title")
    seen_routes: set[str] = set()
    for route in pack["routes"]:
        if route["key"] in seen_routes:
            raise PackError(f"route {route['key']!r} twice")
        seen_routes.add(route["key"])
        _check_texts(route.get("title"), f"route {route['key']!r}: its title")
        _check_when(pack, route.get("when"), f"route {route['key']!r}")
        for key in route["steps"]:
            if key not in pack["steps"]:
                raise PackError(f"route {route['key']!r}: unknown step {key!r}")
        for source in route.get("sources", ()):
            if source not in sources:
                raise PackError(f"route {route['key']!r}: unknown source {source!r}")
    for key, spec in pack["steps"].items():
        where = f"step {key!r}"
        if spec.get("owner") not in OWNERS:
            raise PackError(f"{where}: owner must be one of {', '.join(OWNERS)}")
        if spec.get("place", "host") not in ("host", "home"):
            raise PackError(f"{where}: place must be host or home")
        _check_texts(spec.get("title"), f"{where}: its title")
        due = spec.get("due") or {}
        if set(due) - {"business_days_before_start", "days_after_start"}:
            raise PackError(f"{where}: unknown deadline {sorted(due)}")
        for source in spec.get("sources", ()):
            if source not in sources:
                raise PackError(f"{where}: unknown source {source!r}")
        _check_when(pack, spec.get("when"), where)


def _check_texts(value, where: str) -> None:
    """A text of the pack is given in every language of the interface (the fallback to
    English is for reading, never a reason to leave one out)."""
    for lang in LANGUAGES:
        if not isinstance(value, dict) or not str(value.get(lang) or "").strip():
            raise PackError(f"{where} lacks {lang!r}")


def _check_when(pack: dict, when: dict | None, where: str) -> None:
    for key, value in (when or {}).items():
        if key not in CONDITIONS:
            raise PackError(f"{where}: unknown condition {key!r}")
        if key == "host_types" and (
            not isinstance(value, list) or not all(isinstance(v, str) and v for v in value)
        ):
            raise PackError(f"{where}: host_types must be a list of organisation kinds")
        if key in ("nationality_in", "nationality_not_in"):
            _codes(pack, value)
