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

The weak audit compares *tie-group positions* (:func:`weak_positions`): the
position, in the host's lottery-broken order, of the first member of the
student's tie group. A project compares by its own ranking's groups (its
supervisor's when it has none); a supervisor, and the organisation through
it, by the supervisor's own groups, for every project it supervises. Both
agree with the lottery order wherever a host strictly prefers one student to
another, so the lottery's deferred acceptance is weakly stable; they are the
positions the explanations report in this mode.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .certificate import audit
from .market import Market, merged_orders

__all__ = ["stable_improvement_cycles", "weak_key", "weak_positions"]


def weak_key(market: Market) -> np.ndarray:
    """Per edge, the student's tie-group index in its host's ranking (the
    project's own ranking if it has one, else the supervisor's); -1 if
    unranked. Within one ranking these order students as
    :func:`weak_positions` does; the audit compares the latter, which also
    make sense across the rankings under one supervisor.

    O(R + E).

    >>> from kakehashi_match import Instance
    >>> from kakehashi_match.market import compile_market
    >>> m = compile_market(Instance.from_dict({"students": {"a": ["p"], "b": ["p"]},
    ...     "projects": {"p": {"capacity": 1, "ranking": [["a", "b"]]}}}))
    >>> weak_key(m).tolist(), sorted(m.edge_key.tolist())  # tied, then broken by lottery
    ([0, 0], [0, 1])
    """
    inst = market.instance
    sr, pr = inst.supervisor_ranking, inst.project_ranking
    e_proj = market.edge_proj
    e_sup = np.where(inst.project_supervisor[e_proj] >= 0, market.proj_sup[e_proj], -1)
    edge_lookup = market.kernels.edge_lookup
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


def _group_start(ptr: np.ndarray, tier: np.ndarray) -> np.ndarray:
    """Per ranking entry, the index (into the entry arrays) of the first entry
    of its tie group."""
    n = len(tier)
    new = np.ones(n, dtype=bool)
    if n:
        new[1:] = tier[1:] != tier[:-1]
        new[ptr[:-1][ptr[:-1] < n]] = True
    return np.maximum.accumulate(np.where(new, np.arange(n), 0)) if n else np.zeros(0, np.int64)


def weak_positions(market: Market) -> tuple[np.ndarray, np.ndarray]:
    """Per edge, the keys of the weak (tied) audit: ``(project_key,
    supervisor_key)``, each the 0-based position, in the edge's root
    (supervisor) order ``edge_key``, of the first member of the student's tie
    group; -1 where the host does not rank the student.

    ``project_key`` uses the project's own ranking (its supervisor's when it
    has none); ``supervisor_key`` the supervisor's ranking. A student only a
    project ranks, placed by the merged order inside the span of one of the
    supervisor's tie groups, joins that group; elsewhere it keeps its own
    position. Both keys are therefore non-decreasing along ``edge_key``
    (strict preferences of a host are kept), tie-group members share a key,
    and without ties both equal ``edge_key``. O(R log R + E).
    """
    inst = market.instance
    sr, pr = inst.supervisor_ranking, inst.project_ranking
    k = market.kernels
    n_s = inst.n_students
    key, ptr_s = market.edge_key, market.stu_ptr
    e_proj = market.edge_proj
    e_root = market.proj_sup[e_proj]
    n_l0 = len(inst.supervisor_ids)
    sr_ptr = sr.ptr.astype(np.int64)
    sr_tier = sr.tier.astype(np.int64)
    sr_stu = sr.student.astype(np.int64)
    real_sup = np.where(inst.project_supervisor[e_proj] >= 0, e_root, -1)
    if not pr.has.any():
        # each root order is its supervisor's ranking with ties by lottery:
        # a group's first position is its first index in the ranking
        start = _group_start(sr_ptr, sr_tier)
        local = start - np.repeat(sr_ptr[:-1], np.diff(sr_ptr))
        kl = k.edge_lookup(ptr_s, real_sup, sr_ptr, sr_stu, local, n_s)
        kl = np.where(key >= 0, kl, -1)
        return kl, kl
    root_ptr, root_stu, root_pos = merged_orders(
        inst, market.proj_sup, market.n_sup, market.lottery
    )
    n_v = len(root_stu)
    v_root = np.repeat(np.arange(market.n_sup, dtype=np.int64), np.diff(root_ptr))
    vcode = v_root * n_s + root_stu  # sorted: vertices are in (root, student) order

    def positions(rows: np.ndarray, ptr: np.ndarray, stu: np.ndarray) -> np.ndarray:
        owner = np.repeat(np.arange(len(ptr) - 1, dtype=np.int64), np.diff(ptr))
        i = np.searchsorted(vcode, rows[owner] * n_s + stu) if n_v else owner
        return root_pos[i] if n_v else np.zeros(0, np.int64)

    # the supervisors' tie groups as spans of their root orders
    cover = np.arange(n_v, dtype=np.int64)
    if len(sr_stu):
        pos_s = positions(np.arange(n_l0, dtype=np.int64), sr_ptr, sr_stu)
        start = _group_start(sr_ptr, sr_tier)
        heads = np.flatnonzero(start == np.arange(len(start)))
        owner = np.repeat(np.arange(n_l0, dtype=np.int64), np.diff(sr_ptr))
        base = root_ptr[owner[heads]]
        lo = base + np.minimum.reduceat(pos_s, heads)
        hi = base + np.maximum.reduceat(pos_s, heads)
        depth = np.zeros(n_v + 1, dtype=np.int64)
        np.add.at(depth, lo, 1)
        np.add.at(depth, hi + 1, -1)
        inside = np.cumsum(depth[:-1]) > 0
        opened = np.full(n_v, -1, dtype=np.int64)
        opened[lo] = lo
        cover = np.where(inside, np.maximum.accumulate(opened), cover)
    acc = key >= 0
    g = np.where(acc, root_ptr[e_root] + key, n_v)  # n_v: a dummy for unranked edges
    kl = np.where(acc, np.append(cover, 0)[g] - root_ptr[e_root], -1)
    # the projects' own tie groups: the first position of each group
    pr_ptr = pr.ptr.astype(np.int64)
    pr_stu = pr.student.astype(np.int64)
    pos_p = positions(market.proj_sup, pr_ptr, pr_stu)
    start = _group_start(pr_ptr, pr.tier.astype(np.int64))
    heads = np.flatnonzero(start == np.arange(len(start)))
    first = np.minimum.reduceat(pos_p, heads) if len(heads) else np.zeros(0, np.int64)
    gmin = first[np.searchsorted(heads, start)] if len(heads) else pos_p
    own = np.where(pr.has[e_proj], e_proj, -1)
    kp_own = k.edge_lookup(ptr_s, own, pr_ptr, pr_stu, gmin, n_s)
    kp = np.where(pr.has[e_proj], kp_own, kl)
    kp = np.where(acc, kp, -1)
    # a project without a supervisor is its own root: its ranking decides there too
    kl = np.where(real_sup >= 0, kl, kp)
    return kp, kl


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
    market: Market,
    held: np.ndarray,
    max_cycles: int | None = None,
    keys: tuple[np.ndarray, np.ndarray] | None = None,
) -> tuple[np.ndarray, dict[str, Any]]:
    """Apply stable improvement cycles to *held* until none remains.

    Parameters
    ----------
    market : Market
        The compiled market (its lottery broke the ties).
    held : array of int
        A weakly stable assignment, edge per student (-1 unmatched), usually
        the lottery's student-optimal one. Not mutated.
    max_cycles : int, optional
        Stop after this many cycles.
    keys : (ndarray, ndarray), optional
        :func:`weak_positions` of *market* (computed when not given).

    Returns
    -------
    (ndarray, dict)
        The improved assignment and ``{"ties": {"cycles_applied": n, "students_improved": m}}``.

    Notes
    -----
    Each cycle makes its students strictly better, so there are at most E
    cycles, each found in O(E). Erdil & Ergin 2008 (doi:10.1257/aer.98.3.669);
    single tie-breaking as in Abdulkadiroğlu, Pathak & Roth 2009
    (doi:10.1257/aer.99.5.1954).

    Examples
    --------
    The lottery of seed 5 leaves a holding Y and b holding X although each
    prefers the other's place and no host strictly objects (the example of
    ``tests/kakehashi_match/test_match_papers.py``); one cycle swaps them.

    >>> from kakehashi_match import Instance
    >>> from kakehashi_match.market import compile_market
    >>> from kakehashi_match.solve import student_optimal
    >>> m = compile_market(Instance.from_dict({
    ...     "students": {"a": ["X", "Y"], "b": ["Y", "X"], "c": ["X", "Z"]},
    ...     "projects": {"X": {"capacity": 1, "ranking": ["b", ["a", "c"]]},
    ...                  "Y": {"capacity": 1, "ranking": [["a", "b"]]},
    ...                  "Z": {"capacity": 1, "ranking": ["c"]}}}), seed=5)
    >>> before = student_optimal(m)
    >>> after, extra = stable_improvement_cycles(m, before)
    >>> before.tolist(), after.tolist(), extra["ties"]["cycles_applied"]
    ([1, 3, 5], [0, 2, 5], 1)
    """
    held = np.asarray(held, dtype=np.int64).copy()
    keys = weak_positions(market) if keys is None else keys
    wk = keys[0]  # per project, the same order of tie groups as the tier
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
        if audit(market, trial, key=keys).stable:
            held = trial
            improved[cycle] = True
            applied += 1
        else:
            banned.add((cycle[0], cycle[1 % len(cycle)]))
    return held, {"ties": {"cycles_applied": applied, "students_improved": int(improved.sum())}}
