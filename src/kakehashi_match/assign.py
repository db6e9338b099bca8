"""Reviewer assignment: every proposal gets exactly k distinct eligible,
non-conflicted reviewers, every reviewer's load stays between its minimum
and its maximum, and the affinities are used in one of three ways (``mode``):

- ``sum``: the largest total affinity (optimal: a min-cost flow whose
  potentials are returned as a dual certificate, see :func:`dual_bound`);
- ``fair``: the largest affinity of the worst-served proposal first (a
  proposal's score is the sum of its reviewers' affinities), then the
  largest total (a heuristic in the spirit of FairFlow and PR4A: Lagrangian
  re-weighting of the proposals, then local search; it reports an upper
  bound on the best possible minimum);
- ``randomized``: every pair's probability at most ``cap``, the largest
  expected total affinity under that cap, and one assignment drawn with
  exactly those marginals (Jecmen, Zhang, Liu, Shah, Conitzer & Fang,
  NeurIPS 2020: the capped fractional flow, then dependent rounding).

When no assignment exists the result says which proposals cannot be served
and why (:func:`infeasibility`). :func:`assignment_check` is the checker
beside the solver: feasibility, the objective recomputed, and (``sum`` and
``randomized``) optimality against the dual certificate.

The modules: this one solves; :mod:`~kakehashi_match.assignment` holds the
result and its JSON form, :mod:`~kakehashi_match.assign_proofs` the dual
bound and the reasons of infeasibility, :mod:`~kakehashi_match.assign_check`
the checker, :mod:`~kakehashi_match.flow`, :mod:`~kakehashi_match.rounding`
and :mod:`~kakehashi_match.polish` the compiled kernels. Every public name
is importable from here.

>>> inst = {"proposals": [{"id": "p1", "reviewers": 1}, {"id": "p2", "reviewers": 1}],
...         "reviewers": [{"id": "r1", "max_load": 1}, {"id": "r2", "max_load": 1}],
...         "affinity": {"p1": {"r1": 0.9, "r2": 0.8}, "p2": {"r1": 0.7, "r2": 0.1}}}
>>> a = assign(inst, mode="sum")
>>> a.assignment, round(a.objective, 6)
({'p1': ['r2'], 'p2': ['r1']}, 1.5)
>>> assignment_check(inst, a)["ok"]
True
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction
from typing import Any

import numpy as np

from .arrays import readonly
from .assign_check import assignment_check
from .assign_proofs import assignment_warnings, dual_bound, hall_violation, infeasibility
from .assignment import Assignment
from .review import ReviewInstance

__all__ = [
    "ASSIGN_MODES",
    "Assignment",
    "assign",
    "assignment_check",
    "dual_bound",
    "infeasibility",
]

ASSIGN_MODES = ("sum", "fair", "randomized")
DEFAULT_CAP = 0.5
FAIR_ROUNDS = 16  # Lagrangian re-weightings in fair mode


def assign(
    instance: ReviewInstance | Mapping[str, Any] | str,
    mode: str = "sum",
    seed: int = 0,
    cap: float = DEFAULT_CAP,
    rounds: int = FAIR_ROUNDS,
) -> Assignment:
    """Assign reviewers to proposals in *mode* (see the module docstring).

    Parameters
    ----------
    instance : ReviewInstance, mapping or str
        The instance, as :class:`ReviewInstance`, plain data or JSON text
        (never mutated).
    mode : {"sum", "fair", "randomized"}, default "sum"
        What the affinities are used for.
    seed : int, default 0
        Draws the randomized assignment (same seed, same result).
    cap : float, default 0.5
        Randomized mode: each pair's largest probability, a fraction with
        denominator at most 100 in (0, 1].
    rounds : int, default 16
        Fair mode: the number of Lagrangian re-weightings.

    Returns
    -------
    Assignment
        The chosen pairs with their certificate, or the reasons why no
        assignment exists (``feasible`` False).

    Raises
    ------
    ValueError
        Naming the argument, on a bad argument or an invalid instance.

    Notes
    -----
    ``sum`` sends one unit per needed review along a shortest path
    (successive shortest paths, Dijkstra with potentials, stopped at the
    sink; Ahuja, Magnanti & Orlin, *Network Flows*, 1993, §9.7): O(K · E log
    E) in the worst case for K = Σ k, far less in practice. ``randomized``
    the same with K scaled by the cap's denominator, plus O(E · path)
    dependent rounding (Jecmen, Zhang, Liu, Shah, Conitzer & Fang, NeurIPS
    2020, doi:10.48550/arXiv.2006.16437; Gandhi, Khuller, Parthasarathy &
    Srinivasan, JACM 2006, doi:10.1145/1147954.1147956). ``fair``: ``rounds
    + 1`` such flows plus local search, in the spirit of FairFlow (Kobren,
    Saha & McCallum, KDD 2019, doi:10.1145/3292500.3330899).

    Examples
    --------
    >>> inst = {"proposals": [{"id": "p", "reviewers": 1}],
    ...         "reviewers": [{"id": "a", "max_load": 1}, {"id": "b", "max_load": 1}],
    ...         "affinity": {"p": {"a": 0.9, "b": 0.5}}}
    >>> r = assign(inst, mode="randomized", seed=1)
    >>> r.marginals.tolist(), round(r.expected_objective, 6)
    ([0.5, 0.5], 0.7)
    """
    if mode not in ASSIGN_MODES:
        raise ValueError(f"mode: expected one of {ASSIGN_MODES}, got {mode!r}")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed: expected a non-negative integer, got {seed!r}")
    if isinstance(rounds, bool) or not isinstance(rounds, int) or rounds < 0:
        raise ValueError(f"rounds: expected a non-negative integer, got {rounds!r}")
    inst = ReviewInstance.from_any(instance)
    num, den = _cap_fraction(cap) if mode == "randomized" else (1, 1)
    pre = infeasibility(inst, cap=num / den)
    warnings = assignment_warnings(inst)
    none = readonly(np.zeros(inst.n_pairs, dtype=np.int8))
    if pre:
        return Assignment(inst, mode, int(seed), _cap_out(mode, cap), none, infeasible=tuple(pre))
    flow, pot, reasons = _flow(inst, -inst.aff, num, den)
    if reasons:
        return Assignment(inst, mode, int(seed), _cap_out(mode, cap), none, infeasible=reasons)
    duals = _duals(pot, inst)
    if mode == "sum":
        chosen = flow.astype(np.int8)
        bound = dual_bound(inst, *duals)
        return Assignment(
            inst, mode, int(seed), None, readonly(chosen), duals=duals, bound=bound,
            warnings=warnings,
        )  # fmt: skip
    if mode == "randomized":
        x = flow / den
        # Compiled on first use only: plain imports must not load numba.
        from .rounding import dependent_round

        draws = np.random.default_rng(seed).random(int(((flow > 0) & (flow < den)).sum()) + 1)
        chosen = dependent_round(inst.ptr, inst.col, flow.astype(np.int64), den, draws)
        bound = dual_bound(inst, *duals, cap=num / den)
        return Assignment(
            inst, mode, int(seed), num / den, readonly(chosen), marginals=readonly(x),
            duals=duals, bound=bound, warnings=warnings,
        )  # fmt: skip
    chosen, min_bound, extra = _fair(inst, flow.astype(np.int8), rounds)
    return Assignment(
        inst, mode, int(seed), None, readonly(chosen), min_bound=min_bound,
        warnings=warnings + extra,
    )  # fmt: skip


def _cap_out(mode: str, cap: float) -> float | None:
    return float(cap) if mode == "randomized" else None


def _cap_fraction(cap: Any) -> tuple[int, int]:
    """*cap* as ``num / den`` with den ≤ 100, or ``ValueError``.

    >>> _cap_fraction(0.5), _cap_fraction(1 / 3)
    ((1, 2), (1, 3))
    """
    if isinstance(cap, bool) or not isinstance(cap, (int, float)) or not 0 < cap <= 1:
        raise ValueError(f"cap: expected a number in (0, 1], got {cap!r}")
    f = Fraction(cap).limit_denominator(100)
    if abs(float(f) - cap) > 1e-9:
        raise ValueError(
            f"cap: expected a fraction with denominator at most 100 (0.5, 0.25, 1/3 …), got {cap!r}"
        )
    return f.numerator, f.denominator


def _flow(inst: ReviewInstance, cost: np.ndarray, num: int, den: int):
    """Min-cost flow with demands ``den·k``, loads ``den·[min, max]`` and
    pair capacity *num*; returns (flow, potentials, infeasibility reasons)."""
    # Compiled on first use only: plain imports must not load numba.
    from .flow import min_cost_flow

    lo = inst.min_load * den
    hi = np.minimum(inst.max_load * den, np.bincount(inst.col, minlength=inst.n_reviewers) * num)
    big = 0.0
    if lo.any() and len(cost):
        big = 2.0 * float(inst.k.sum() * den) * float(cost.max() - cost.min()) + 1.0
    flow, load, pot, unrouted, reach = min_cost_flow(
        inst.ptr,
        inst.col,
        np.ascontiguousarray(cost, dtype=np.float64),
        np.full(inst.n_pairs, num, dtype=np.int64),
        inst.k * den,
        lo,
        hi,
        big,
    )
    reasons = []
    if unrouted.any():
        reasons.append(hall_violation(inst, reach, num / den))
    below = np.flatnonzero(load < lo)
    if len(below):
        reasons.append(
            {
                "reason": "min_loads_unsatisfiable",
                "reviewers": [inst.reviewer_ids[r] for r in below.tolist()],
                "message": f"{len(below)} reviewers cannot reach their minimum load while "
                "every proposal gets exactly its reviewers from its eligible ones",
            }
        )
    return flow, pot, tuple(reasons)


def _duals(pot: np.ndarray, inst: ReviewInstance) -> tuple[np.ndarray, np.ndarray]:
    P = inst.n_proposals
    t = pot[-1]
    return readonly(pot[:P] - t), readonly(t - pot[P:-1])


def _fair(inst: ReviewInstance, start: np.ndarray, rounds: int):
    """Max-min heuristic: Lagrangian re-weighting of the proposals (each
    round a weighted sum flow, weights growing on the worse-served), the
    best iterate by (minimum, total), then local search. Returns (chosen,
    upper bound on the best minimum, warnings)."""
    # Compiled on first use only: plain imports must not load numba.
    from .polish import fair_polish

    served = np.flatnonzero(inst.k > 0)  # a proposal needing nobody has no score
    P = len(served)
    w, row = inst.aff, inst.row

    def scores(ch):
        m = ch.astype(bool)
        return np.bincount(row[m], w[m], minlength=inst.n_proposals)[served]

    best = start
    s = scores(start)
    best_key = (s.min(), s.sum()) if P else (0.0, 0.0)
    lam = np.full(P, 1.0 / max(P, 1))
    weight = np.zeros(inst.n_proposals)
    upper = np.inf
    for _ in range(rounds if P else 0):
        z = s - s.min()
        lam = lam * np.exp(-2.0 * z / (float(z.max()) or 1.0))
        lam /= lam.sum()
        weight[served] = lam
        flow, _pot, reasons = _flow(inst, -(weight[row] * w), 1, 1)
        if reasons:  # pragma: no cover - feasibility does not depend on weights
            break
        ch = flow.astype(np.int8)
        s = scores(ch)
        upper = min(upper, float((lam * s).sum()))
        key = (s.min(), s.sum())
        if key > best_key:
            best, best_key = ch, key
    chosen = fair_polish(
        inst.ptr, inst.col, w, best.copy(), inst.k, inst.min_load, inst.max_load,
        200 * (inst.n_proposals + 1),
    )  # fmt: skip
    s = scores(chosen)
    warnings = []
    if np.isfinite(upper) and P:
        gap = upper - float(s.min())
        if gap > 1e-9 * max(1.0, abs(upper)):
            warnings.append(
                f"fair: minimum score {float(s.min()):.6g}; no assignment can do better than "
                f"{upper:.6g} (Lagrangian bound)"
            )
    return chosen, (float(upper) if np.isfinite(upper) else None), tuple(warnings)
