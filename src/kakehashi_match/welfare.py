"""Welfare mode: the most placements, then the least total rank, with
optional lower quotas; solved as a mixed-integer program by HiGHS through
``scipy.optimize.milp``.

Variables x_e ∈ {0, 1} for every acceptable (student, project) pair.
Constraints: each student at most once; at every project, supervisor and
organisation the number placed is at most its capacity; optionally at
least ``lower_quotas`` at named organisations (e.g. every partner at least
one intern). Objective: minimise Σ (rank_e − B)·x_e with B larger than any
possible total rank, so one more placement always outweighs any rank
saving (lexicographic: placements first, then total rank). Without lower
quotas the constraint matrix is two laminar families, hence totally
unimodular: the LP optimum is already integral.

Welfare and stability conflict, so this mode is not stable in general; the
certificate reports how many blocking pairs its result has.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import csr_array, vstack

from .market import Market

__all__ = ["welfare_assignment"]


def _rows(index: np.ndarray, cols: np.ndarray, n_rows: int, n_cols: int) -> csr_array:
    data = np.ones(len(cols))
    return csr_array((data, (index, cols)), shape=(n_rows, n_cols))


def welfare_assignment(
    market: Market,
    lower_quotas: dict[str, int] | None = None,
    time_limit: float = 60.0,
) -> tuple[np.ndarray, dict[str, Any]]:
    """The assignment with the most placements, then the least total rank.

    Parameters
    ----------
    market : Market
        The compiled market; only acceptable pairs are used.
    lower_quotas : dict of str to int, optional
        Organisation id -> minimum number of students placed there.
    time_limit : float
        Seconds the solver (HiGHS) may take.

    Returns
    -------
    (ndarray, dict)
        The edge each student holds (-1 unmatched) and the mode's extras.

    Raises
    ------
    ValueError
        Unknown organisation or bad quota; quotas that cannot be met.

    Notes
    -----
    A mixed-integer program (see the module docstring); without lower
    quotas its matrix is totally unimodular, so the LP optimum is integral
    (polynomial). Not stable in general: welfare and stability conflict.

    Examples
    --------
    >>> from kakehashi_match import Instance
    >>> from kakehashi_match.market import compile_market
    >>> m = compile_market(Instance.from_dict({
    ...     "students": {"a": ["p", "q"], "b": ["p"]},
    ...     "projects": {"p": {"capacity": 1, "ranking": ["a", "b"]},
    ...                  "q": {"capacity": 1, "ranking": ["a"]}}}))
    >>> welfare_assignment(m)[0].tolist()  # both placed, though a prefers p
    [1, 2]
    """
    inst = market.instance
    acc = np.flatnonzero(market.edge_key >= 0)
    n = len(acc)
    n_s = len(market.stu_ptr) - 1
    held = np.full(n_s, -1, dtype=np.int64)
    lq = dict(lower_quotas or {})
    o_index = {o: i for i, o in enumerate(inst.organisation_ids)}
    unknown = sorted(set(lq) - set(o_index))
    if unknown:
        raise ValueError(f"lower_quotas: unknown organisation ids {unknown[:10]}")
    for o, v in lq.items():
        if isinstance(v, bool) or not isinstance(v, int) or v < 0:
            raise ValueError(f"lower_quotas[{o!r}]: expected a non-negative integer")
    if n == 0:
        if any(lq.values()):
            raise ValueError("lower_quotas: cannot be met (no acceptable pairs)")
        return held, {"welfare": {"placements": 0, "total_rank": 0, "status": "empty"}}
    stu = market.edge_stu[acc]
    proj = market.edge_proj[acc]
    sup = market.proj_sup[proj]
    org = market.sup_org[sup]
    rank = (acc - market.stu_ptr[stu] + 1).astype(float)
    big = float(np.diff(market.stu_ptr).max()) * n_s + 1.0
    cols = np.arange(n)
    blocks, lo, hi = [], [], []
    blocks.append(_rows(stu, cols, n_s, n))
    lo.append(np.zeros(n_s))
    hi.append(np.ones(n_s))
    for node, cap in ((proj, market.cap_p), (sup, market.cap_l), (org, market.cap_o)):
        bounded = np.flatnonzero(cap >= 0)
        if len(bounded) == 0:
            continue
        remap = np.full(len(cap), -1)
        remap[bounded] = np.arange(len(bounded))
        keep = remap[node] >= 0
        blocks.append(_rows(remap[node[keep]], cols[keep], len(bounded), n))
        lo.append(np.full(len(bounded), -np.inf))
        hi.append(cap[bounded].astype(float))
    if lq:
        names = sorted(lq)
        which = np.full(len(market.cap_o), -1)
        for i, o in enumerate(names):
            which[o_index[o]] = i
        keep = which[org] >= 0
        blocks.append(_rows(which[org[keep]], cols[keep], len(names), n))
        lo.append(np.asarray([lq[o] for o in names], dtype=float))
        hi.append(np.full(len(names), np.inf))
    a = vstack(blocks).tocsr()
    res = milp(
        c=rank - big,
        constraints=LinearConstraint(a, np.concatenate(lo), np.concatenate(hi)),
        integrality=np.ones(n),
        bounds=Bounds(0, 1),
        options={"time_limit": time_limit, "disp": False},
    )
    if res.x is None:
        raise ValueError(f"lower_quotas: no feasible assignment ({res.message})")
    x = res.x > 0.5
    held[stu[x]] = acc[x]
    placed = int(x.sum())
    return held, {
        "welfare": {
            "placements": placed,
            "total_rank": int(rank[x].sum()),
            "status": "optimal" if res.status == 0 else str(res.message),
            "lower_quotas": dict(sorted(lq.items())),
        }
    }
