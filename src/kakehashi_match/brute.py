"""Brute force for tiny instances: every stable assignment, and the
strategy-proofness check. Exponential; used by the tests as an independent
oracle, never by the solvers.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import numpy as np

from .certificate import audit
from .market import Market

__all__ = ["all_stable", "best_misreport_gain", "to_matching_game"]


def _assignments(market: Market) -> Iterator[np.ndarray]:
    ptr = market.stu_ptr.tolist()
    choices = [[-1, *range(ptr[s], ptr[s + 1])] for s in range(len(ptr) - 1)]
    for combo in itertools.product(*choices):
        yield np.asarray(combo, dtype=np.int64)


def all_stable(market: Market, limit: int = 200_000) -> list[np.ndarray]:
    """Every valid assignment with no blocking pair (O(prod(len+1)) audits).

    >>> from kakehashi_match import Instance
    >>> from kakehashi_match.market import compile_market
    >>> m = compile_market(Instance.from_dict({
    ...     "students": {"a": ["p"]}, "projects": {"p": {"capacity": 1, "ranking": ["a"]}}}))
    >>> [x.tolist() for x in all_stable(m)]
    [[0]]
    """
    ptr = market.stu_ptr
    size = int(np.prod(np.diff(ptr) + 1, dtype=np.float64))
    if size > limit:
        raise ValueError(f"market: {size} assignments exceed the brute-force limit {limit}")
    return [h for h in _assignments(market) if audit(market, h).stable]


def best_misreport_gain(instance_dict: dict[str, Any], solve_fn, student: str, max_len=3) -> int:
    """How many places *student* gains (by its true list) from its best
    misreport among all ordered lists of up to ``max_len`` projects; 0 or less
    means truthful reporting is a best response. ``solve_fn(dict) -> dict``
    maps an instance to assignments."""
    true_list = instance_dict["students"][student]

    def value(assigned):
        if assigned is None or assigned not in true_list:
            return len(true_list)
        return true_list.index(assigned)

    truthful = value(solve_fn(instance_dict)[student])
    projects = sorted(instance_dict["projects"])
    best = truthful
    for k in range(0, max_len + 1):
        for lst in itertools.permutations(projects, k):
            d = dict(instance_dict)
            d["students"] = dict(instance_dict["students"])
            d["students"][student] = list(lst)
            best = min(best, value(solve_fn(d)[student]))
    return truthful - best


def to_matching_game(instance_dict: dict[str, Any]):
    """The same market as a ``matching`` (PyPI) StudentAllocation game, for
    instances with strict supervisor rankings and no organisation caps."""
    # The reference library is a test-only dependency.
    from matching.games import StudentAllocation

    projects = instance_dict["projects"]
    sups = instance_dict["supervisors"]
    ranked = {lid: set(n["ranking"]) for lid, n in sups.items()}
    # the oracle assumes mutually consistent lists: keep acceptable pairs only
    students = {
        s: [p for p in v if s in ranked[projects[p]["supervisor"]]]
        for s, v in instance_dict["students"].items()
    }
    students = {s: v for s, v in students.items() if v}
    applied: dict[str, set] = {lid: set() for lid in sups}
    for s, v in students.items():
        for p in v:
            applied[projects[p]["supervisor"]].add(s)
    sup_prefs = {lid: [s for s in n["ranking"] if s in applied[lid]] for lid, n in sups.items()}
    sup_prefs = {lid: v for lid, v in sup_prefs.items() if v}
    used = {p for v in students.values() for p in v}
    # the oracle also warns on caps that cannot bind; trimming them changes nothing
    pcap = {
        p: min(projects[p]["capacity"], sups[projects[p]["supervisor"]]["capacity"]) for p in used
    }
    total: dict[str, int] = {}
    for p in used:
        total[projects[p]["supervisor"]] = total.get(projects[p]["supervisor"], 0) + pcap[p]
    return StudentAllocation.create_from_dictionaries(
        students,
        sup_prefs,
        {p: projects[p]["supervisor"] for p in used},
        pcap,
        {lid: min(sups[lid]["capacity"], total.get(lid, 0)) for lid in sup_prefs},
    )
