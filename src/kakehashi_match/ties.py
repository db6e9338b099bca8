"""Ties in host rankings: single tie-breaking by the seeded lottery, then
stable improvement cycles (Erdil & Ergin 2008, doi:10.1257/aer.98.3.669).

Breaking ties by a lottery can cost efficiency: two students may each hold
a place the other prefers, although swapping would leave every host's weak
preferences satisfied. A *stable improvement cycle* is a cycle of students
s1 → s2 → … → s1 where each s_i prefers the project of s_{i+1} and has the
best tie group, in that project's ranking, among all students who prefer
that project to their own. Moving everyone along the cycle keeps every
count unchanged (so every capacity holds) and keeps the assignment stable
under the weak rankings; we repeat until no cycle remains. Each cycle makes
its students strictly better, so there are at most E cycles, each found in
O(E). Every applied cycle is re-checked by the weak-stability audit; with
binding organisation caps a cycle that would create a blocking pair is
skipped.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .certificate import audit
from .kernel import edge_lookup
from .market import Market

__all__ = ["stable_improvement_cycles", "weak_key"]


def weak_key(market: Market) -> np.ndarray:
    """Per edge, the student's tie-group index in its host's ranking (the
    project's own ranking if it has one, else the supervisor's); -1 if
    unranked. Comparing these instead of the lottery order tests weak
    stability."""
    inst = market.instance
    sr, pr = inst.supervisor_ranking, inst.project_ranking
    e_proj = market.edge_proj
    e_sup = np.where(inst.project_supervisor[e_proj] >= 0, market.proj_sup[e_proj], -1)
    sup_tier = edge_lookup(
        market.stu_ptr, e_sup, sr.ptr, sr.student, sr.tier.astype(np.int64), inst.n_students
    )
    if pr.has.any():
        own = np.where(pr.has[e_proj], e_proj, -1)
        proj_tier = edge_lookup(
            market.stu_ptr, own, pr.ptr, pr.student, pr.tier.astype(np.int64), inst.n_students
        )
        sup_tier = np.where(pr.has[e_proj], proj_tier, sup_tier)
    return np.where(market.edge_key >= 0, sup_tier, -1)


def _find_cycle(succ: dict[int, list[int]]) -> list[int] | None:
    """A directed cycle in the graph student -> students, or None (O(V+A))."""
    color: dict[int, int] = {}
    for root in sorted(succ):
        if color.get(root):
            continue
        stack = [(root, iter(succ.get(root, ())))]
        path = [root]
        color[root] = 1
        while stack:
            node, it = stack[-1]
            nxt = next(it, None)
            if nxt is None:
                color[node] = 2
                stack.pop()
                path.pop()
                continue
            c = color.get(nxt, 0)
            if c == 1:
                return path[path.index(nxt) :]
            if c == 0:
                color[nxt] = 1
                path.append(nxt)
                stack.append((nxt, iter(succ.get(nxt, ()))))
    return None


def stable_improvement_cycles(
    market: Market, held: np.ndarray, max_cycles: int | None = None
) -> tuple[np.ndarray, dict[str, Any]]:
    """Apply stable improvement cycles to *held* until none remains.

    Returns the improved assignment and ``{"ties": {...}}`` with the number
    of cycles applied and students improved.
    """
    held = np.asarray(held, dtype=np.int64).copy()
    wk = weak_key(market)
    ptr = market.stu_ptr
    estu, eproj = market.edge_stu, market.edge_proj
    n_s = len(ptr) - 1
    banned: set[tuple[int, int]] = set()
    applied = 0
    improved = np.zeros(n_s, dtype=bool)
    limit = max_cycles if max_cycles is not None else len(estu) + 1
    while applied < limit:
        # D_p: students preferring p to what they hold; their best tie group
        held_full = np.where(held >= 0, held, ptr[1:])
        desire = (np.arange(len(estu)) < held_full[estu]) & (wk >= 0)
        e = np.flatnonzero(desire)
        if len(e) == 0:
            break
        p = eproj[e]
        best = np.full(len(market.cap_p), np.iinfo(np.int64).max)
        np.minimum.at(best, p, wk[e])
        top = e[wk[e] == best[p]]
        holders: dict[int, list[int]] = {}
        for s in np.flatnonzero(held >= 0).tolist():
            holders.setdefault(int(eproj[held[s]]), []).append(s)
        succ: dict[int, list[int]] = {}
        edge_of: dict[tuple[int, int], int] = {}
        for edge in top.tolist():
            s, proj = int(estu[edge]), int(eproj[edge])
            for t in holders.get(proj, ()):
                if (s, t) not in banned:
                    succ.setdefault(s, []).append(t)
                    edge_of[(s, t)] = edge
        cycle = _find_cycle(succ)
        if cycle is None:
            break
        trial = held.copy()
        for i, s in enumerate(cycle):
            trial[s] = edge_of[(s, cycle[(i + 1) % len(cycle)])]
        if audit(market, trial, key=wk).stable:
            held = trial
            improved[cycle] = True
            applied += 1
        else:
            banned.add((cycle[0], cycle[1 % len(cycle)]))
    return held, {"ties": {"cycles_applied": applied, "students_improved": int(improved.sum())}}
