"""Rounds: a second round on residual capacity.

After round one, some matched students decline their offer. Round two keeps
every accepted placement, removes those students and the decliners from
the market, lowers each capacity (project, supervisor, organisation) by the
places kept, and runs the chosen mode for the students still unplaced, on
their same lists (or new ones). The result is stable for the residual
market; combined with the kept placements no capacity is exceeded.
O(E log E).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any

from .instance import Instance
from .solve import Result, as_instance, solve

__all__ = ["residual_instance", "second_round"]


def residual_instance(
    instance: Instance | Mapping[str, Any] | str,
    assignments: Mapping[str, str | None],
    declined: Iterable[str] = (),
    lists: Mapping[str, list[str]] | None = None,
) -> tuple[dict[str, Any], dict[str, str]]:
    """The round-two instance and the placements kept from round one.

    Parameters
    ----------
    instance : Instance, mapping or JSON text
        Round one's instance (never mutated).
    assignments : mapping
        Round one's ``Result.assignments``.
    declined : iterable of str
        Students who turned their offer down; they leave the market.
    lists : mapping, optional
        New rank lists for some remaining students.

    Returns
    -------
    (dict, dict)
        The residual instance as plain data (capacities lowered by the
        placements kept, kept students and decliners removed, groups
        and the ``exchange`` key dropped: round two does not rebalance an
        exchange) and the placements kept, student id -> project id.

    Raises
    ------
    ValueError
        Unknown ids, a decliner without an offer, a node over capacity.

    Notes
    -----
    O(N + E). Round two then runs any mode of :func:`~kakehashi_match.solve`
    on this instance, so it follows that mode's paper.

    Examples
    --------
    >>> data, kept = residual_instance(
    ...     {"students": {"a": ["p"], "b": ["p"]},
    ...      "projects": {"p": {"capacity": 2, "ranking": ["a", "b"]}}},
    ...     {"a": "p", "b": "p"}, declined=["b"])
    >>> data["projects"]["p"], kept
    ({'capacity': 1, 'ranking': []}, {'a': 'p'})
    """
    inst = as_instance(instance)
    data = inst.to_dict()
    declined = set(declined)
    unknown = sorted((declined | set(assignments) | set(lists or {})) - set(inst.student_ids))
    if unknown:
        raise ValueError(f"declined/assignments/lists: unknown student ids {unknown[:10]}")
    not_matched = sorted(s for s in declined if assignments.get(s) is None)
    if not_matched:
        raise ValueError(f"declined: students without a round-one offer {not_matched[:10]}")
    kept = {s: p for s, p in assignments.items() if p is not None and s not in declined}
    bad = sorted(p for p in kept.values() if p not in data["projects"])
    if bad:
        raise ValueError(f"assignments: unknown project ids {bad[:10]}")
    used_p: dict[str, int] = {}
    used_l: dict[str, int] = {}
    used_o: dict[str, int] = {}
    for p in kept.values():
        used_p[p] = used_p.get(p, 0) + 1
        lid = data["projects"][p].get("supervisor")
        if lid is not None:
            used_l[lid] = used_l.get(lid, 0) + 1
            oid = data["supervisors"][lid].get("organisation")
            if oid is not None:
                used_o[oid] = used_o.get(oid, 0) + 1
    for table, used in (
        (data["projects"], used_p),
        (data["supervisors"], used_l),
        (data["organisations"], used_o),
    ):
        for k, n in used.items():
            if "capacity" in table[k]:
                left = table[k]["capacity"] - n
                if left < 0:
                    raise ValueError(
                        f"assignments: {k!r} holds {n} > capacity {table[k]['capacity']}"
                    )
                table[k]["capacity"] = left
    gone = set(kept) | declined
    data["students"] = {
        s: list((lists or {}).get(s, lst)) for s, lst in data["students"].items() if s not in gone
    }
    data.pop("groups", None)
    data.pop("exchange", None)  # its homes name students no longer in the market
    for table in (data["projects"], data["supervisors"]):
        for node in table.values():
            if "ranking" in node:
                node["ranking"] = _drop(node["ranking"], gone)
    return data, kept


def _drop(ranking: list, gone: set[str]) -> list:
    out: list = []
    for entry in ranking:
        if isinstance(entry, list):
            kept = [s for s in entry if s not in gone]
            if kept:
                out.append(kept if len(kept) > 1 else kept[0])
        elif entry not in gone:
            out.append(entry)
    return out


def second_round(
    instance: Instance | Mapping[str, Any] | str,
    assignments: Mapping[str, str | None],
    declined: Iterable[str] = (),
    *,
    lists: Mapping[str, list[str]] | None = None,
    mode: str = "student",
    seed: int = 0,
    backend: str = "numba",
) -> Result:
    """Run round two. The returned Result covers the residual market; its
    ``to_dict()["round_one_kept"]`` lists the placements kept and
    ``combined_assignments`` all of them.

    >>> inst = {"students": {"a": ["p"], "b": ["q"], "c": ["p", "q"]},
    ...         "projects": {"p": {"capacity": 1, "ranking": ["a", "c"]},
    ...                      "q": {"capacity": 1, "ranking": ["b", "c"]}}}
    >>> r1 = solve(inst)
    >>> r1.assignments
    {'a': 'p', 'b': 'q', 'c': None}
    >>> r2 = second_round(inst, r1.assignments, declined=["a"])
    >>> r2.assignments, r2.extra["combined_assignments"]
    ({'c': 'p'}, {'a': None, 'b': 'q', 'c': 'p'})
    """
    data, kept = residual_instance(instance, assignments, declined, lists)
    result = solve(data, mode=mode, seed=seed, backend=backend)
    combined = {s: None for s in as_instance(instance).student_ids}
    combined.update(kept)
    combined.update({s: p for s, p in result.assignments.items() if p is not None})
    extra = dict(result.extra) | {
        "round_one_kept": dict(sorted(kept.items())),
        "combined_assignments": combined,
    }
    return replace(result, extra=extra)
