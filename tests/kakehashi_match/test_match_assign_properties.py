"""Property tests of the reviewer assignment against linear programs solved
by SciPy's HiGHS on small generated instances:

- ``sum`` equals the LP optimum (the constraint matrix is totally
  unimodular, so the LP optimum is integral) and its dual certificate
  proves it; feasibility agrees with the LP's;
- ``fair`` reaches the exact max-min (a MILP) within 2 %, and its total is
  within 2 % of the best total among assignments with that minimum (a
  second MILP); both hold exactly on almost every instance;
- ``randomized``: marginals at most the cap, expected affinity equal to
  the capped LP optimum, every drawn assignment passes the checker and
  gives each reviewer the floor or ceiling of its expected load, and the
  same seed gives the same draw.
"""

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given
from hypothesis import strategies as st
from match_profiles import PROFILE
from scipy.optimize import Bounds, LinearConstraint, linprog, milp

from kakehashi_match.assign import assign, assignment_check
from kakehashi_match.review import ReviewInstance


@st.composite
def instances(draw, max_p=6, max_r=5, negative=False):
    n_p = draw(st.integers(1, max_p))
    n_r = draw(st.integers(1, max_r))
    lo = -1.0 if negative else 0.0
    affinity, proposals = {}, []
    for i in range(n_p):
        row = {}
        for j in range(n_r):
            if draw(st.booleans()) or draw(st.booleans()):
                row[f"r{j}"] = draw(st.floats(lo, 1.0, allow_nan=False, width=32))
        affinity[f"p{i}"] = row
        proposals.append({"id": f"p{i}", "reviewers": draw(st.integers(0, min(3, len(row))))})
    reviewers = []
    for j in range(n_r):
        mx = draw(st.integers(0, 4))
        mn = draw(st.integers(0, mx)) if draw(st.integers(0, 3)) == 0 else 0
        reviewers.append({"id": f"r{j}", "max_load": mx, "min_load": mn})
    pairs = [[f"p{i}", f"r{j}"] for i in range(n_p) for j in range(n_r)]
    conflicts = draw(st.lists(st.sampled_from(pairs), max_size=3))
    return {
        "proposals": proposals,
        "reviewers": reviewers,
        "affinity": affinity,
        "conflicts": conflicts,
    }


def _matrices(inst):
    n = inst.n_pairs
    a_p = sp.csr_matrix((np.ones(n), (inst.row, np.arange(n))), shape=(inst.n_proposals, n))
    a_r = sp.csr_matrix((np.ones(n), (inst.col, np.arange(n))), shape=(inst.n_reviewers, n))
    return a_p, a_r


def lp_optimum(data, cap=1.0):
    """max Σ a x s.t. Σ_r x = k, min ≤ Σ_p x ≤ max, 0 ≤ x ≤ cap (None: infeasible)."""
    inst = ReviewInstance.from_dict(data)
    if inst.n_pairs == 0:
        return 0.0 if not inst.k.any() and not inst.min_load.any() else None
    a_p, a_r = _matrices(inst)
    res = linprog(
        -inst.aff,
        A_ub=sp.vstack([a_r, -a_r]),
        b_ub=np.concatenate([inst.max_load, -inst.min_load]),
        A_eq=a_p,
        b_eq=inst.k,
        bounds=(0, cap),
        method="highs",
    )
    return -res.fun if res.status == 0 else None


def milp_fair(data, floor=None):
    """Exact max-min score over the proposals needing reviewers (floor
    None), or the best total with every such score at least *floor*."""
    inst = ReviewInstance.from_dict(data)
    n, n_p = inst.n_pairs, inst.n_proposals
    a_p, a_r = _matrices(inst)
    served = np.flatnonzero(inst.k > 0)
    score = sp.csr_matrix((inst.aff, (inst.row, np.arange(n))), shape=(n_p, n))[served]
    n_s = len(served)
    t_col = sp.csr_matrix(-np.ones((n_s, 1)) if floor is None else np.zeros((n_s, 1)))
    a = sp.vstack(
        [
            sp.hstack([a_p, sp.csr_matrix((n_p, 1))]),
            sp.hstack([a_r, sp.csr_matrix((inst.n_reviewers, 1))]),
            sp.hstack([score, t_col]),
        ]
    )
    floor_lb = np.zeros(n_s) if floor is None else np.full(n_s, floor - 1e-9)
    lb = np.concatenate([inst.k, inst.min_load, floor_lb])
    ub = np.concatenate([inst.k, inst.max_load, np.full(n_s, np.inf)])
    c = np.zeros(n + 1)
    if floor is None:
        c[-1] = -1.0
    else:
        c[:n] = -inst.aff
    res = milp(
        c,
        constraints=LinearConstraint(a, lb, ub),
        integrality=np.r_[np.ones(n), 0],
        bounds=Bounds(np.r_[np.zeros(n), -np.inf], np.r_[np.ones(n), np.inf]),
    )
    assert res.status == 0
    return -res.fun


def _tol(x):
    return 1e-6 * max(1.0, abs(x))


@PROFILE
@given(instances(negative=True))
def test_sum_equals_the_lp_optimum_and_is_certified(data):
    opt = lp_optimum(data)
    result = assign(data, mode="sum")

    assert result.feasible == (opt is not None), result.infeasible
    report = assignment_check(data, result)
    assert report["ok"], report["violations"]
    if opt is not None:
        assert abs(result.objective - opt) <= _tol(opt)
        assert report["optimal"] is True
        assert abs(result.bound - opt) <= _tol(opt)


@PROFILE
@given(instances(), st.sampled_from([0.5, 1 / 3, 0.75, 1.0]), st.integers(0, 2**31))
def test_randomized_meets_the_capped_lp_optimum(data, cap, seed):
    opt = lp_optimum(data, cap=cap)
    result = assign(data, mode="randomized", cap=cap, seed=seed)

    assert result.feasible == (opt is not None), result.infeasible
    report = assignment_check(data, result)
    assert report["ok"], report["violations"]
    if opt is None:
        return
    assert (result.marginals <= cap + 1e-12).all()
    assert abs(result.expected_objective - opt) <= _tol(opt)
    inst = result.instance
    expected_load = np.bincount(inst.col, result.marginals, minlength=inst.n_reviewers)
    assert (result.loads >= np.floor(expected_load - 1e-9)).all()
    assert (result.loads <= np.ceil(expected_load + 1e-9)).all()
    assert report["optimal"] is True
    again = assign(data, mode="randomized", cap=cap, seed=seed)
    assert again.assignment == result.assignment
    assert again.to_json() == result.to_json()


@PROFILE
@given(instances())
def test_fair_is_within_two_percent_of_the_exact_max_min(data):
    if lp_optimum(data) is None:
        assert not assign(data, mode="fair").feasible
        return
    result = assign(data, mode="fair")
    report = assignment_check(data, result)
    assert report["ok"], report["violations"]
    if result.min_score is None:  # nobody needs a reviewer
        return
    best_min = milp_fair(data)
    assert result.min_score >= best_min - 0.02 * abs(best_min) - 1e-9
    assert result.min_bound is None or result.min_bound >= best_min - 1e-7
    best_total = milp_fair(data, floor=result.min_score)
    assert result.objective >= best_total - 0.02 * abs(best_total) - 1e-9


@pytest.mark.parametrize("seed", range(3))
def test_sampled_pairs_follow_the_marginals(seed):
    rng = np.random.default_rng(seed)
    data = {
        "proposals": [{"id": f"p{i}", "reviewers": 2} for i in range(4)],
        "reviewers": [{"id": f"r{j}", "max_load": 3} for j in range(5)],
        "affinity": {f"p{i}": {f"r{j}": float(rng.random()) for j in range(5)} for i in range(4)},
    }
    inst = ReviewInstance.from_dict(data)
    draws = 600
    counts = np.zeros(inst.n_pairs)
    for s in range(draws):
        result = assign(inst, mode="randomized", seed=s)
        counts += result.chosen
        assert assignment_check(inst, result)["ok"]
    # the marginals do not depend on the seed; frequencies approach them
    x = result.marginals
    assert np.abs(counts / draws - x).max() < 4.5 * np.sqrt(0.25 / draws)
    assert ((counts > 0) <= (x > 0)).all()
