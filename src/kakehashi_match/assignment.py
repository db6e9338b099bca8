"""The outcome of a reviewer assignment (:class:`Assignment`): which pairs
were chosen, the scores and loads they give, the certificate the solver
produced, and the result's JSON form (``docs/match/assign.md``) with a short
explanation per proposal.

>>> from kakehashi_match.assign import assign
>>> a = assign({"proposals": [{"id": "p", "reviewers": 1}],
...             "reviewers": [{"id": "r", "max_load": 1}], "affinity": {"p": {"r": 0.5}}})
>>> a.assignment, a.to_dict()["explanations"]["proposals"]["p"]["ranks"]
({'p': ['r']}, [1])
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .arrays import readonly
from .review import ReviewInstance

__all__ = ["Assignment"]


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
