"""The proofs beside the reviewer assignment: the dual bound that certifies
an assignment optimal (:func:`dual_bound`), and the reasons why no
assignment exists (:func:`infeasibility` before solving,
:func:`hall_violation` from a failed search), each checkable on its own.

>>> inst = ReviewInstance.from_dict({"proposals": [{"id": "p", "reviewers": 1}],
...     "reviewers": [{"id": "r", "max_load": 1}], "affinity": {"p": {"r": 1.0}}})
>>> infeasibility(inst), dual_bound(inst, np.array([1.0]), np.array([0.0]))
([], 1.0)
"""

from __future__ import annotations

import numpy as np

from .review import ReviewInstance

__all__ = ["assignment_warnings", "dual_bound", "hall_violation", "infeasibility"]


def dual_bound(instance: ReviewInstance, y: np.ndarray, q: np.ndarray, cap: float = 1.0) -> float:
    """An upper bound on the total affinity of every assignment.

    Weak LP duality: for ANY proposal duals *y* and reviewer duals *q*, no
    assignment (and, with *cap*, no fractional one whose pair probabilities
    are at most *cap*) has a larger total affinity than

    ``Σ_p k_p y_p + Σ_r (max_r · q_r⁺ − min_r · q_r⁻) + cap · Σ_pairs (a_pr − y_p − q_r)⁺``.

    Parameters
    ----------
    instance : ReviewInstance
        The validated instance.
    y : array_like, shape (P,)
        One dual per proposal.
    q : array_like, shape (R,)
        One dual per reviewer.
    cap : float, default 1.0
        The largest probability of a pair (randomized mode).

    Returns
    -------
    float
        The bound; the potentials of the solver's min-cost flow make it
        equal to the optimum (the certificate of optimality).

    Notes
    -----
    O(E) for E eligible, non-conflicted pairs. The LP is the one of the
    capped assignment (Jecmen, Zhang, Liu, Shah, Conitzer & Fang, NeurIPS
    2020, doi:10.48550/arXiv.2006.16437); with ``cap = 1`` it is the
    transportation LP.

    Examples
    --------
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


def infeasibility(instance: ReviewInstance, cap: float = 1.0) -> list[dict]:
    """The reasons, found without solving, why no assignment exists.

    Proposals with fewer than k eligible non-conflicted reviewers (fewer
    than k / cap under a probability cap), total capacity short, minimum
    loads above the total need, a reviewer whose minimum exceeds its
    eligible proposals.

    Parameters
    ----------
    instance : ReviewInstance
        The validated instance.
    cap : float, default 1.0
        The largest probability of a pair (randomized mode).

    Returns
    -------
    list of dict
        One reason per problem found, plain data with a ``reason`` code and
        a ``message``; empty when none is found (the flow may still find a
        Hall violator, :func:`hall_violation`, or unmet minimum loads).

    Notes
    -----
    O(E). Each reason is a violated necessary condition of Hall's theorem
    for the flow network (Hall 1935, doi:10.1112/jlms/s1-10.37.26).

    Examples
    --------
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


def hall_violation(inst: ReviewInstance, reach: np.ndarray, cap: float) -> dict:
    """The reason drawn from a failed search for an augmenting path.

    The proposals S the search reached need more reviews than the reviewers
    it reached (all full) and their other, already used, eligible pairs can
    give: a cut of the network, so no assignment exists.

    Parameters
    ----------
    inst : ReviewInstance
        The validated instance.
    reach : ndarray of bool, shape (P + R,)
        The nodes the search reached: proposals, then reviewers.
    cap : float
        The largest probability of a pair (1 outside randomized mode).

    Returns
    -------
    dict
        The reason ``reviewers_short`` with the proposals and reviewers of
        the cut, what they need, what they can give, and a ``message``.
        When ``needs > capacity`` it is a proof (the checker recomputes it).

    Notes
    -----
    O(E). Hall's theorem (Hall 1935, doi:10.1112/jlms/s1-10.37.26) in the
    form of the max-flow min-cut theorem.

    Examples
    --------
    >>> inst = ReviewInstance.from_dict({"proposals": [{"id": "p", "reviewers": 2}],
    ...     "reviewers": [{"id": "a", "max_load": 1}, {"id": "b", "max_load": 0}],
    ...     "affinity": {"p": {"a": 1, "b": 1}}})
    >>> r = hall_violation(inst, np.array([True, True, True]), 1.0)
    >>> r["needs"], r["capacity"]
    (2, 1.0)
    """
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


def assignment_warnings(inst: ReviewInstance) -> tuple[str, ...]:
    """What is worth knowing about an instance that has an assignment.

    Parameters
    ----------
    inst : ReviewInstance
        The validated instance.

    Returns
    -------
    tuple of str
        Reviewers with no eligible, non-conflicted proposal, and proposals
        with exactly as many eligible reviewers as they need (no choice).

    Notes
    -----
    O(E).

    Examples
    --------
    >>> inst = ReviewInstance.from_dict({"proposals": [{"id": "p", "reviewers": 1}],
    ...     "reviewers": [{"id": "a", "max_load": 1}, {"id": "b", "max_load": 1}],
    ...     "affinity": {"p": {"a": 1}}})
    >>> for warning in assignment_warnings(inst):
    ...     print(warning)
    1 reviewers have no eligible, non-conflicted proposal
    1 proposals have exactly as many eligible reviewers as they need
    """
    out = []
    deg_r = np.bincount(inst.col, minlength=inst.n_reviewers)
    idle = int((deg_r == 0).sum())
    if idle:
        out.append(f"{idle} reviewers have no eligible, non-conflicted proposal")
    forced = int(((np.diff(inst.ptr) == inst.k) & (inst.k > 0)).sum())
    if forced:
        out.append(f"{forced} proposals have exactly as many eligible reviewers as they need")
    return tuple(out)
