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

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np

from .arrays import readonly
from .document import load_json
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
_REL_TOL = 1e-6  # relative tolerance of objective and bound checks


# ----------------------------------------------------------------- results
@dataclass(frozen=True, eq=False)
class Assignment:
    """The outcome of :func:`assign` (arrays read-only).

    ``chosen`` marks the assigned pairs of ``instance`` (its compressed
    rows); ``marginals`` (randomized mode) each pair's probability;
    ``duals`` the certificate ``(y, q)`` of :func:`dual_bound`;
    ``infeasible`` the reasons when no assignment exists (then nothing is
    chosen).
    """

    instance: ReviewInstance
    mode: str
    seed: int
    cap: float | None
    chosen: np.ndarray
    marginals: np.ndarray | None = None
    duals: tuple[np.ndarray, np.ndarray] | None = None
    bound: float | None = None
    min_bound: float | None = None
    warnings: tuple[str, ...] = ()
    infeasible: tuple[dict, ...] = ()
    _cache: dict = field(default_factory=dict, repr=False, compare=False)

    @property
    def feasible(self) -> bool:
        return not self.infeasible

    @property
    def scores(self) -> np.ndarray:
        """(P,) sum of each proposal's assigned affinities."""
        if "scores" not in self._cache:
            inst = self.instance
            c = self.chosen.astype(bool)
            self._cache["scores"] = readonly(
                np.bincount(inst.row[c], inst.aff[c], minlength=inst.n_proposals)
            )
        return self._cache["scores"]

    @property
    def loads(self) -> np.ndarray:
        """(R,) reviews per reviewer."""
        c = self.chosen.astype(bool)
        return np.bincount(self.instance.col[c], minlength=self.instance.n_reviewers)

    @property
    def objective(self) -> float:
        """Total affinity of the assignment (0 when infeasible)."""
        return float(self.instance.aff[self.chosen.astype(bool)].sum())

    @property
    def min_score(self) -> float | None:
        """The lowest score of a proposal that needs reviewers (None if none)."""
        served = self.scores[self.instance.k > 0]
        return float(served.min()) if len(served) and self.feasible else None

    @property
    def expected_objective(self) -> float | None:
        """Randomized mode: the total affinity expected under the marginals."""
        if self.marginals is None:
            return None
        return float(self.instance.aff @ self.marginals)

    @property
    def assignment(self) -> dict[str, list[str]]:
        """Proposal id → its reviewers' ids (sorted); empty lists when infeasible."""
        inst = self.instance
        c = self.chosen.astype(bool)
        rows, cols = inst.row[c], inst.col[c]
        bounds = np.searchsorted(rows, np.arange(inst.n_proposals + 1))
        rid = inst.reviewer_ids
        names = [rid[j] for j in cols.tolist()]
        return {pid: names[bounds[p] : bounds[p + 1]] for p, pid in enumerate(inst.proposal_ids)}

    def to_dict(self, explain: bool = True) -> dict[str, Any]:
        """Plain data: the JSON result format (``docs/match/assign.md``)."""
        # The engine's version is recorded with every result; result.py is its home.
        from .result import ENGINE_VERSION

        inst = self.instance
        out: dict[str, Any] = {
            "engine": {"name": "kakehashi_match.assign", "version": ENGINE_VERSION},
            "input_hash": inst.input_hash,
            "mode": self.mode,
            "seed": self.seed,
            "cap": self.cap,
            "status": "ok" if self.feasible else "infeasible",
            "assignment": self.assignment,
            "objective": self.objective,
            "min_score": self.min_score,
            "scores": dict(zip(inst.proposal_ids, self.scores.tolist(), strict=True)),
            "loads": dict(zip(inst.reviewer_ids, self.loads.tolist(), strict=True)),
            "warnings": list(self.warnings),
        }
        cert: dict[str, Any] = {}
        if self.duals is not None:
            y, q = self.duals
            cert["upper_bound"] = self.bound
            cert["duals"] = {
                "proposals": dict(zip(inst.proposal_ids, y.tolist(), strict=True)),
                "reviewers": dict(zip(inst.reviewer_ids, q.tolist(), strict=True)),
            }
        if self.min_bound is not None:
            cert["min_score_upper_bound"] = self.min_bound
        out["certificate"] = cert
        if self.marginals is not None:
            out["expected_objective"] = self.expected_objective
            out["marginals"] = _marginals_dict(inst, self.marginals)
        out["explanations"] = {
            "infeasible": list(self.infeasible),
            "proposals": _explain(self) if explain and self.feasible else {},
        }
        return out

    def to_json(self, explain: bool = True) -> str:
        """:meth:`to_dict` as JSON text (keys sorted; deterministic)."""
        return json.dumps(self.to_dict(explain), sort_keys=True, ensure_ascii=False) + "\n"


def _marginals_dict(inst: ReviewInstance, x: np.ndarray) -> dict[str, dict[str, float]]:
    nz = np.flatnonzero(x > 0)
    rows, cols, vals = inst.row[nz].tolist(), inst.col[nz].tolist(), x[nz].tolist()
    out: dict[str, dict[str, float]] = {pid: {} for pid in inst.proposal_ids}
    pid, rid = inst.proposal_ids, inst.reviewer_ids
    for p, r, v in zip(rows, cols, vals, strict=True):
        out[pid[p]][rid[r]] = v
    return out


def _explain(a: Assignment, short: int = 3) -> dict[str, dict]:
    """Per proposal: the rank of each assigned reviewer among its eligible
    ones (1 = highest affinity), how many eligible reviewers were removed by
    a conflict, and the (at most *short*) reviewers it ranks above its
    lowest assigned one but did not get, each with a reason: ``reviewer_full``
    (at its maximum load), or else ``min_loads`` (sum), ``fairness`` (fair),
    ``lottery`` (randomized). O(E log E)."""
    inst = a.instance
    P = inst.n_proposals
    row, w = inst.row, inst.aff
    c = a.chosen.astype(bool)
    lowest = np.full(P, np.inf)
    np.minimum.at(lowest, row[c], w[c])
    missed = ~c & (w > lowest[row])
    n_missed = np.bincount(row[missed], minlength=P)
    # only the assigned pairs and those above a proposal's lowest one matter
    sub = np.flatnonzero(c | missed)
    order = sub[np.lexsort((inst.col[sub], -w[sub], row[sub]))]  # per row: best first
    o_rows = row[order]
    start = np.searchsorted(o_rows, np.arange(P + 1))
    pos = np.arange(len(order)) - start[o_rows]
    rank = np.zeros(len(w), dtype=np.int64)
    rank[order] = pos + 1
    m_order = order[missed[order]]
    m_rows = row[m_order]
    first = np.searchsorted(m_rows, np.arange(P))
    keep = np.arange(len(m_order)) - first[m_rows] < short
    listed = m_order[keep]
    full = a.loads >= inst.max_load
    other = {"sum": "min_loads", "fair": "fairness", "randomized": "lottery"}[a.mode]
    rid = inst.reviewer_ids
    out = {}
    chosen_idx = np.flatnonzero(c)
    cb = np.searchsorted(row[chosen_idx], np.arange(P + 1))
    lb = np.searchsorted(row[listed], np.arange(P + 1))
    ranks = rank[chosen_idx].tolist()
    l_col, l_w = inst.col[listed].tolist(), w[listed].tolist()
    conflicted = inst.conflict_eligible.tolist()
    for p, pid in enumerate(inst.proposal_ids):
        out[pid] = {
            "ranks": ranks[cb[p] : cb[p + 1]],
            "conflicted": conflicted[p],
            "passed_over": int(n_missed[p]),
            "passed_over_first": [
                {
                    "reviewer": rid[l_col[i]],
                    "affinity": l_w[i],
                    "reason": "reviewer_full" if full[l_col[i]] else other,
                }
                for i in range(lb[p], lb[p + 1])
            ],
        }
    return out


# ------------------------------------------------------------------ solver
def assign(
    instance: ReviewInstance | Mapping[str, Any] | str,
    mode: str = "sum",
    seed: int = 0,
    cap: float = DEFAULT_CAP,
    rounds: int = FAIR_ROUNDS,
) -> Assignment:
    """Assign reviewers to proposals in *mode* (see the module docstring).

    *instance* is a :class:`ReviewInstance`, plain data or JSON text (never
    mutated). *cap* (randomized mode) is each pair's largest probability, a
    fraction with denominator at most 100 in (0, 1]; *seed* draws the
    randomized assignment (same seed, same result); *rounds* is the number
    of re-weightings in fair mode. Raises ``ValueError`` naming the argument.

    Complexity: ``sum`` sends one unit per needed review along a shortest
    path (Dijkstra with potentials, stopped at the sink): O(K · E log E) in
    the worst case for K = Σ k, far less in practice; ``randomized`` the same
    with K scaled by the cap's denominator, plus O(E · path) rounding;
    ``fair`` ``rounds + 1`` such flows plus local search.

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
    inst = (
        ReviewInstance.from_json(instance)
        if isinstance(instance, (str, bytes))
        else ReviewInstance.from_dict(instance)
    )
    num, den = _cap_fraction(cap) if mode == "randomized" else (1, 1)
    pre = infeasibility(inst, cap=num / den)
    warnings = _warnings(inst)
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
        from .flow import dependent_round

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
        reasons.append(_hall(inst, reach, num / den))
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


def dual_bound(instance: ReviewInstance, y: np.ndarray, q: np.ndarray, cap: float = 1.0) -> float:
    """An upper bound on the total affinity of every assignment (with pair
    probabilities at most *cap*: every fractional one), valid for ANY
    proposal duals *y* and reviewer duals *q* (weak LP duality):

    ``Σ_p k_p y_p + Σ_r (max_r · q_r⁺ − min_r · q_r⁻) + cap · Σ_pairs (a_pr − y_p − q_r)⁺``.

    The flow's potentials make it equal to the optimum. O(E).

    >>> inst = ReviewInstance.from_dict({"proposals": [{"id": "p", "reviewers": 1}],
    ...     "reviewers": [{"id": "r", "max_load": 1}], "affinity": {"p": {"r": 2.0}}})
    >>> zero = np.array([0.0])
    >>> dual_bound(inst, zero, zero), dual_bound(inst, np.array([2.0]), zero)
    (2.0, 2.0)
    """
    y = np.asarray(y, dtype=np.float64)
    q = np.asarray(q, dtype=np.float64)
    slack = np.maximum(instance.aff - y[instance.row] - q[instance.col], 0.0)
    return float(
        instance.k @ y
        + instance.max_load @ np.maximum(q, 0.0)
        - instance.min_load @ np.maximum(-q, 0.0)
        + cap * slack.sum()
    )


# ---------------------------------------------------------- infeasibility
def infeasibility(instance: ReviewInstance, cap: float = 1.0) -> list[dict]:
    """Reasons found without solving why no assignment exists (empty when
    none is found; the flow may still find a Hall violator or unmet minimum
    loads): proposals with fewer than k eligible non-conflicted reviewers
    (fewer than k / cap under a probability cap), total capacity short,
    minimum loads above the total need, a reviewer whose minimum exceeds its
    eligible proposals. Each reason is plain data with a ``message``. O(E).

    >>> infeasibility(ReviewInstance.from_dict({"proposals": [{"id": "p", "reviewers": 2}],
    ...     "reviewers": [{"id": "a", "max_load": 1}, {"id": "b", "max_load": 0}],
    ...     "affinity": {"p": {"a": 1, "b": 1}}}))[0]["reason"]
    'capacity_short'
    """
    inst = instance
    out: list[dict] = []
    avail = np.diff(inst.ptr)
    short = np.flatnonzero(inst.k > cap * avail + 1e-9)
    for p in short.tolist():
        n, c = int(avail[p]), int(inst.conflict_eligible[p])
        out.append(
            {
                "reason": "too_few_reviewers",
                "proposal": inst.proposal_ids[p],
                "needs": int(inst.k[p]),
                "eligible": int(inst.n_eligible[p]),
                "conflicted": c,
                "message": f"needs {int(inst.k[p])} reviewers; {n} eligible reviewers are not "
                f"conflicted ({c} conflicted)"
                + (f", and each may review it with probability at most {cap:g}" if cap < 1 else ""),
            }
        )
    deg_r = np.bincount(inst.col, minlength=inst.n_reviewers)
    capacity = float(np.minimum(inst.max_load, cap * deg_r).sum())
    capacity = int(capacity) if capacity == int(capacity) else capacity
    need = int(inst.k.sum())
    if need > capacity + 1e-9:
        out.append(
            {
                "reason": "capacity_short",
                "needs": need,
                "capacity": capacity,
                "message": f"the proposals need {need} reviews; the reviewers can give at most "
                f"{capacity} (each up to its max_load and its eligible proposals)",
            }
        )
    mins = int(inst.min_load.sum())
    if mins > need:
        out.append(
            {
                "reason": "min_loads_exceed_demand",
                "needs": need,
                "min_loads": mins,
                "message": f"the minimum loads add up to {mins} reviews; the proposals need {need}",
            }
        )
    lonely = np.flatnonzero(inst.min_load > cap * deg_r + 1e-9)
    for r in lonely.tolist():
        out.append(
            {
                "reason": "min_load_unreachable",
                "reviewer": inst.reviewer_ids[r],
                "min_load": int(inst.min_load[r]),
                "eligible_proposals": int(deg_r[r]),
                "message": f"min_load {int(inst.min_load[r])} but only {int(deg_r[r])} eligible, "
                "non-conflicted proposals",
            }
        )
    return out


def _hall(inst: ReviewInstance, reach: np.ndarray, cap: float) -> dict:
    """The reason drawn from a failed search: the proposals S it reached
    need more reviews than the reviewers it reached (all full) and their
    other, already used, eligible pairs can give (a cut of the network)."""
    P = inst.n_proposals
    sp = np.flatnonzero(reach[:P])
    sr = np.flatnonzero(reach[P:])
    in_s = np.zeros(P, dtype=bool)
    in_s[sp] = True
    reached = np.zeros(inst.n_reviewers, dtype=bool)
    reached[sr] = True
    pairs = in_s[inst.row] & ~reached[inst.col]
    # a reviewer gives at most its max_load, and at most cap per eligible pair
    deg_r = np.bincount(inst.col, minlength=inst.n_reviewers)
    full = float(np.minimum(inst.max_load, cap * deg_r)[sr].sum())
    capacity = full + cap * float(pairs.sum())
    needs = int(inst.k[sp].sum())
    return {
        "reason": "reviewers_short",
        "proposals": [inst.proposal_ids[p] for p in sp.tolist()],
        "reviewers": [inst.reviewer_ids[r] for r in sr.tolist()],
        "needs": needs,
        "capacity": capacity,
        "message": f"these {len(sp)} proposals need {needs} reviews; the reviewers listed "
        f"can give them at most {full:g} and their {int(pairs.sum())} other eligible pairs "
        f"{cap * float(pairs.sum()):g}",
    }


def _warnings(inst: ReviewInstance) -> tuple[str, ...]:
    out = []
    deg_r = np.bincount(inst.col, minlength=inst.n_reviewers)
    idle = int((deg_r == 0).sum())
    if idle:
        out.append(f"{idle} reviewers have no eligible, non-conflicted proposal")
    forced = int(((np.diff(inst.ptr) == inst.k) & (inst.k > 0)).sum())
    if forced:
        out.append(f"{forced} proposals have exactly as many eligible reviewers as they need")
    return tuple(out)


# -------------------------------------------------------------------- fair
def _fair(inst: ReviewInstance, start: np.ndarray, rounds: int):
    """Max-min heuristic: Lagrangian re-weighting of the proposals (each
    round a weighted sum flow, weights growing on the worse-served), the
    best iterate by (minimum, total), then local search. Returns (chosen,
    upper bound on the best minimum, warnings)."""
    # Compiled on first use only: plain imports must not load numba.
    from .flow import fair_polish

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


# ----------------------------------------------------------------- checker
def assignment_check(
    instance: ReviewInstance | Mapping[str, Any] | str,
    result: Assignment | Mapping[str, Any] | str,
) -> dict[str, Any]:
    """Verify *result* (an :class:`Assignment`, its ``to_dict()`` or JSON)
    against *instance*: every proposal has exactly k distinct reviewers, all
    known, eligible and not conflicted; loads within [min_load, max_load];
    objective and scores recomputed; in ``sum`` mode the dual certificate
    bounds every assignment by the objective (optimality); in randomized
    mode the marginals respect the cap, sum to k per proposal and keep the
    loads in bounds, the expected affinity matches the certificate, and the
    drawn pairs have positive probability. An ``infeasible`` result has its
    verifiable reasons rechecked. Returns ``{"ok", "violations", "feasible",
    "objective", "min_score", "optimal"}``. O(E log E).

    >>> inst = {"proposals": [{"id": "p", "reviewers": 1}],
    ...         "reviewers": [{"id": "r", "max_load": 1}], "affinity": {"p": {"r": 1}}}
    >>> assignment_check(inst, {"assignment": {"p": ["x"]}})["violations"]
    ["assignment['p']: unknown reviewer id 'x'"]
    """
    inst = (
        ReviewInstance.from_json(instance)
        if isinstance(instance, (str, bytes))
        else ReviewInstance.from_dict(instance)
    )
    if isinstance(result, Assignment):
        res = result.to_dict(explain=False)
    elif isinstance(result, (str, bytes)):
        res = load_json(result, "result")
    else:
        res = result
    if not isinstance(res, Mapping) or not isinstance(res.get("assignment"), Mapping):
        raise ValueError("result: expected an object with an 'assignment' object")
    v: list[str] = []
    infeasible = res.get("status") == "infeasible"
    report: dict[str, Any] = {
        "feasible": not infeasible,
        "objective": None,
        "min_score": None,
        "optimal": None,
    }
    if infeasible:
        v += _check_reasons(inst, res)
        return {"ok": not v, "violations": v, **report}
    chosen = _chosen_from(inst, res["assignment"], v)
    if chosen is None:
        return {"ok": False, "violations": v, **report}
    loads = np.bincount(inst.col[chosen], minlength=inst.n_reviewers)
    for r in np.flatnonzero((loads < inst.min_load) | (loads > inst.max_load)).tolist():
        v.append(
            f"loads[{inst.reviewer_ids[r]!r}]: {int(loads[r])} reviews, outside "
            f"[{int(inst.min_load[r])}, {int(inst.max_load[r])}]"
        )
    scores = np.bincount(inst.row[chosen], inst.aff[chosen], minlength=inst.n_proposals)
    objective = float(inst.aff[chosen].sum())
    report["objective"] = objective
    served = scores[inst.k > 0]
    report["min_score"] = float(served.min()) if len(served) else None
    tol = _REL_TOL * max(1.0, abs(objective))
    if "objective" in res and not _close(res["objective"], objective, tol):
        v.append(f"objective: reported {res['objective']!r}, recomputed {objective!r}")
    if isinstance(res.get("scores"), Mapping):
        for p, pid in enumerate(inst.proposal_ids):
            if not _close(res["scores"].get(pid), float(scores[p]), tol):
                v.append(f"scores[{pid!r}]: reported {res['scores'].get(pid)!r}, "
                         f"recomputed {float(scores[p])!r}")  # fmt: skip
                break
    mode = res.get("mode")
    cert = res.get("certificate") if isinstance(res.get("certificate"), Mapping) else {}
    if mode == "randomized":
        _check_marginals(inst, res, chosen, v, report)
    elif mode == "sum" and isinstance(cert.get("duals"), Mapping):
        y, q = _read_duals(inst, cert["duals"], v)
        if y is not None:
            bound = dual_bound(inst, y, q)
            report["optimal"] = bound - objective <= tol
            if not report["optimal"]:
                v.append(f"certificate: dual bound {bound!r} exceeds the objective {objective!r}")
    return {"ok": not v, "violations": v, **report}


def _close(reported: Any, value: float, tol: float) -> bool:
    return (
        isinstance(reported, (int, float))
        and not isinstance(reported, bool)
        and abs(reported - value) <= tol
    )


def _chosen_from(inst: ReviewInstance, table: Mapping, v: list[str]) -> np.ndarray | None:
    """The pair indices named by an assignment table (violations appended)."""
    r_index = dict(zip(inst.reviewer_ids, range(inst.n_reviewers), strict=True))
    known = set(inst.proposal_ids)
    for pid in table:
        if pid not in known:
            v.append(f"assignment: unknown proposal id {pid!r}")
    conflicts = {(int(p), int(r)) for p, r in inst.conflict_pairs.tolist()}
    picked = []
    for p, pid in enumerate(inst.proposal_ids):
        names = table.get(pid)
        if names is None:
            v.append(f"assignment[{pid!r}]: missing")
            continue
        if not isinstance(names, list) or not all(isinstance(x, str) for x in names):
            v.append(f"assignment[{pid!r}]: expected a list of reviewer ids")
            continue
        if len(set(names)) != len(names):
            v.append(f"assignment[{pid!r}]: a reviewer appears twice")
        if len(set(names)) != int(inst.k[p]):
            v.append(
                f"assignment[{pid!r}]: {len(set(names))} distinct reviewers, needs {int(inst.k[p])}"
            )
        for name in dict.fromkeys(names):
            r = r_index.get(name, -1)
            if r < 0:
                v.append(f"assignment[{pid!r}]: unknown reviewer id {name!r}")
                continue
            e = inst.pair_index(p, r)
            if e >= 0:
                picked.append(e)
            elif (p, r) in conflicts:
                v.append(f"assignment[{pid!r}]: {name!r} has a conflict with it")
            else:
                v.append(f"assignment[{pid!r}]: {name!r} is not eligible (not in affinity)")
    if v and not picked:
        return None
    return np.array(sorted(picked), dtype=np.int64)


def _read_duals(inst, duals: Mapping, v: list[str]):
    try:
        y = np.array([float(duals["proposals"][p]) for p in inst.proposal_ids])
        q = np.array([float(duals["reviewers"][r]) for r in inst.reviewer_ids])
    except (KeyError, TypeError, ValueError):
        v.append("certificate.duals: expected a number for every proposal and reviewer")
        return None, None
    return y, q


def _check_marginals(inst, res, chosen, v, report) -> None:
    cap = res.get("cap")
    table = res.get("marginals")
    if not isinstance(cap, (int, float)) or not isinstance(table, Mapping):
        v.append("randomized: expected 'cap' and 'marginals'")
        return
    x = np.zeros(inst.n_pairs)
    r_index = dict(zip(inst.reviewer_ids, range(inst.n_reviewers), strict=True))
    p_index = dict(zip(inst.proposal_ids, range(inst.n_proposals), strict=True))
    for pid, row in table.items():
        p = p_index.get(pid, -1)
        if p < 0 or not isinstance(row, Mapping):
            v.append(f"marginals: unknown proposal id {pid!r}")
            continue
        for rid, val in row.items():
            e = inst.pair_index(p, r_index.get(rid, 0)) if rid in r_index else -1
            if e < 0:
                v.append(f"marginals[{pid!r}][{rid!r}]: not an eligible, non-conflicted pair")
            elif not isinstance(val, (int, float)) or not 0 <= val <= cap + 1e-12:
                v.append(f"marginals[{pid!r}][{rid!r}]: {val!r} outside [0, cap {cap}]")
            else:
                x[e] = val
    sums = np.bincount(inst.row, x, minlength=inst.n_proposals)
    for p in np.flatnonzero(np.abs(sums - inst.k) > 1e-9).tolist():
        v.append(f"marginals[{inst.proposal_ids[p]!r}]: sum {sums[p]!r}, needs {int(inst.k[p])}")
    loads = np.bincount(inst.col, x, minlength=inst.n_reviewers)
    bad = (loads < inst.min_load - 1e-9) | (loads > inst.max_load + 1e-9)
    for r in np.flatnonzero(bad).tolist():
        v.append(
            f"marginals: expected load of {inst.reviewer_ids[r]!r} is {loads[r]!r}, out of bounds"
        )
    if len(chosen) and (x[chosen] <= 0).any():
        v.append("assignment: a drawn pair has probability 0")
    expected = float(inst.aff @ x)
    report["expected_objective"] = expected
    tol = _REL_TOL * max(1.0, abs(expected))
    if "expected_objective" in res and not _close(res["expected_objective"], expected, tol):
        v.append(
            f"expected_objective: reported {res['expected_objective']!r}, recomputed {expected!r}"
        )
    cert = res.get("certificate")
    if isinstance(cert, Mapping) and isinstance(cert.get("duals"), Mapping):
        y, q = _read_duals(inst, cert["duals"], v)
        if y is not None:
            bound = dual_bound(inst, y, q, cap=float(cap))
            report["optimal"] = bound - expected <= tol
            if not report["optimal"]:
                v.append(
                    f"certificate: dual bound {bound!r} exceeds the expected objective {expected!r}"
                )


def _check_reasons(inst: ReviewInstance, res: Mapping) -> list[str]:
    """Recheck the reasons of an infeasible result that carry a proof."""
    v: list[str] = []
    reasons = (res.get("explanations") or {}).get("infeasible") or []
    if not reasons:
        return ["explanations.infeasible: an infeasible result must give its reasons"]
    got = {json.dumps(x, sort_keys=True) for x in infeasibility(inst, cap=res.get("cap") or 1.0)}
    p_index = dict(zip(inst.proposal_ids, range(inst.n_proposals), strict=True))
    r_index = dict(zip(inst.reviewer_ids, range(inst.n_reviewers), strict=True))
    for x in reasons:
        if not isinstance(x, Mapping):
            v.append("explanations.infeasible: expected objects")
        elif x.get("reason") == "reviewers_short":
            sp = [p_index[p] for p in x.get("proposals", []) if p in p_index]
            sr = [r_index[r] for r in x.get("reviewers", []) if r in r_index]
            reach = np.zeros(inst.n_proposals + inst.n_reviewers, dtype=bool)
            reach[sp] = True
            reach[inst.n_proposals + np.array(sr, dtype=np.int64)] = True
            proof = _hall(inst, reach, float(res.get("cap") or 1.0))
            if not proof["needs"] > proof["capacity"] + 1e-9:
                v.append(f"explanations.infeasible: {x.get('message')!r} does not hold")
        elif (
            x.get("reason") != "min_loads_unsatisfiable"
            and json.dumps(x, sort_keys=True) not in got
        ):
            v.append(f"explanations.infeasible: {x.get('message')!r} does not hold")
    return v
