"""A history as arrays: organisations indexed 0..n-1, activities, and the tie table."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

#: The sector of each organisation type: a tie between two sectors is cross-sector.
SECTORS: dict[str, str] = {
    "university": "academia",
    "research_institute": "academia",
    "company": "industry",
    "incubator": "incubator",
    "government": "government",
    "nonprofit": "nonprofit",
}

#: The kinds of activity that tie organisations.
KINDS = (
    "internship",
    "co_supervision",
    "publication",
    "patent",
    "hire",
    "startup",
    "contract",
    "award",
)


class HistoryError(ValueError):
    """The history is malformed: the message says where."""


@dataclass
class History:
    """Organisations and activities, validated, with every pair tie expanded.

    ``pairs``: one row per (activity, pair of its organisations), columns ``a < b``
    (organisation indices), ``year`` and ``activity`` (index into ``activities``).
    """

    org_ids: list[str]
    org_type: list[str]
    org_country: list[str]
    org_region: list[str]
    org_name: list[str]
    activities: list[dict[str, Any]]
    region_groups: dict[str, list[str]] = field(default_factory=dict)
    pair_a: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    pair_b: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    pair_year: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    pair_activity: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))

    @property
    def n(self) -> int:
        return len(self.org_ids)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> History:
        if not isinstance(data, dict):
            raise HistoryError("A history is an object with organisations and activities.")
        orgs = data.get("organisations")
        acts = data.get("activities")
        if not isinstance(orgs, dict):
            raise HistoryError("organisations: an object of id → {type, country, region}.")
        if not isinstance(acts, list):
            raise HistoryError("activities: a list.")
        ids = list(orgs)
        index = {oid: i for i, oid in enumerate(ids)}
        types, countries, regions, names = [], [], [], []
        for oid in ids:
            o = orgs[oid]
            if not isinstance(o, dict):
                raise HistoryError(f"organisations.{oid}: an object.")
            t = o.get("type")
            if t not in SECTORS:
                raise HistoryError(
                    f"organisations.{oid}.type: {t!r} is not one of {', '.join(SECTORS)}."
                )
            c = o.get("country")
            if not isinstance(c, str) or len(c) != 2:
                raise HistoryError(f"organisations.{oid}.country: a two-letter code.")
            types.append(t)
            countries.append(c)
            regions.append(str(o.get("region") or c))
            names.append(str(o.get("name") or oid))
        pa: list[int] = []
        pb: list[int] = []
        py: list[int] = []
        pact: list[int] = []
        clean: list[dict[str, Any]] = []
        seen: set[str] = set()
        for k, a in enumerate(acts):
            where = f"activities[{k}]"
            if not isinstance(a, dict):
                raise HistoryError(f"{where}: an object.")
            aid = str(a.get("id", k))
            if aid in seen:
                raise HistoryError(f"{where}.id: {aid!r} appears twice.")
            seen.add(aid)
            year = a.get("year")
            if not isinstance(year, int) or isinstance(year, bool) or not 1900 <= year <= 2200:
                raise HistoryError(f"{where}.year: a year between 1900 and 2200.")
            kind = a.get("kind")
            if kind not in KINDS:
                raise HistoryError(f"{where}.kind: {kind!r} is not one of {', '.join(KINDS)}.")
            members = a.get("organisations")
            if not isinstance(members, list) or not members:
                raise HistoryError(f"{where}.organisations: a non-empty list of ids.")
            unknown = [m for m in members if m not in index]
            if unknown:
                raise HistoryError(f"{where}.organisations: unknown {unknown[0]!r}.")
            people = a.get("people", [])
            if not isinstance(people, list) or not all(isinstance(p, str) for p in people):
                raise HistoryError(f"{where}.people: a list of ids.")
            route = a.get("route")
            if route is not None:
                if not (
                    isinstance(route, list)
                    and len(route) == 2
                    and all(r in members for r in route)
                    and route[0] != route[1]
                ):
                    raise HistoryError(
                        f"{where}.route: two different ids of its organisations (from, to)."
                    )
                route = [index[route[0]], index[route[1]]]
            idx = sorted({index[m] for m in members})
            for i in range(len(idx)):
                for j in range(i + 1, len(idx)):
                    pa.append(idx[i])
                    pb.append(idx[j])
                    py.append(year)
                    pact.append(len(clean))
            clean.append(
                {
                    "id": aid,
                    "year": year,
                    "kind": kind,
                    "organisations": idx,
                    "people": list(people),
                    "route": route,
                }
            )
        groups = data.get("region_groups", {}) or {}
        if not isinstance(groups, dict) or not all(
            isinstance(v, list) and all(isinstance(r, str) for r in v) for v in groups.values()
        ):
            raise HistoryError("region_groups: an object of name → list of region codes.")
        return cls(
            org_ids=ids,
            org_type=types,
            org_country=countries,
            org_region=regions,
            org_name=names,
            activities=clean,
            region_groups={str(k): list(v) for k, v in groups.items()},
            pair_a=np.asarray(pa, np.int64),
            pair_b=np.asarray(pb, np.int64),
            pair_year=np.asarray(py, np.int64),
            pair_activity=np.asarray(pact, np.int64),
        )
