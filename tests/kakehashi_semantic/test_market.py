import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kakehashi_semantic import expected_matches, market_aware_rankings
from kakehashi_semantic.market import examination_weights


def test_two_candidates_one_popular_project_are_spread():
    rel = np.array([[0.9, 0.8], [0.9, 0.8]])
    cap = np.array([1.0, 1.0])
    m = market_aware_rankings(rel, cap, k=1)
    assert m.plain_expected_matches == pytest.approx(1.0)  # both apply to project 0
    assert sorted(m.rankings.ravel().tolist()) == [0, 1]
    assert m.expected_matches == pytest.approx(1.7)


def test_expected_matches_exact_small_case():
    rel = np.array([[0.5, 1.0]])
    cap = np.array([1.0, 1.0])
    total, rank = expected_matches(rel, cap, np.array([[1, 0]]))
    v = examination_weights(2)
    p1 = v[0] * 1.0
    p2 = (1 - p1) * v[1] * 0.5
    assert total == pytest.approx(p1 + p2)
    assert rank == pytest.approx((p1 * 1 + p2 * 2) / (p1 + p2))


def test_popular_projects_market_gains_matches():
    rng = np.random.default_rng(0)
    pop = rng.beta(2, 5, 60)
    rel = np.clip(0.6 * pop[None, :] / pop.max() + 0.4 * rng.random((150, 60)), 0, 1)
    cap = rng.integers(1, 4, 60).astype(float)
    m = market_aware_rankings(rel, cap, k=10)
    assert m.expected_matches > 1.5 * m.plain_expected_matches


def test_alpha_zero_is_plain_relevance_ranking():
    rel = np.array([[0.2, 0.9, 0.5], [0.9, 0.1, 0.5]])
    m = market_aware_rankings(rel, np.ones(3), k=2, alpha=0)
    assert m.rankings.tolist() == [[1, 2], [0, 2]]
    assert m.expected_matches == m.plain_expected_matches


@settings(max_examples=30, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    n_c=st.integers(1, 12),
    n_p=st.integers(1, 8),
    k=st.integers(1, 5),
)
def test_market_aware_never_worse_and_inputs_untouched(seed, n_c, n_p, k):
    rng = np.random.default_rng(seed)
    rel = rng.random((n_c, n_p))
    cap = rng.integers(0, 3, n_p).astype(float)
    before = rel.copy(), cap.copy()
    m = market_aware_rankings(rel, cap, k=k)
    assert m.expected_matches >= m.plain_expected_matches - 1e-9
    assert m.expected_matches <= min(n_c, cap.sum()) + 1e-9
    np.testing.assert_array_equal(rel, before[0])
    np.testing.assert_array_equal(cap, before[1])
    # every list holds distinct projects
    assert all(len(set(row)) == len(row) for row in m.rankings.tolist())


@pytest.mark.parametrize(
    ("rel", "cap", "kwargs", "message"),
    [
        (np.ones(3), np.ones(3), {}, "relevance must be a 2-D"),
        (np.full((1, 2), 1.5), np.ones(2), {}, r"relevance must hold probabilities"),
        (np.ones((1, 2)), np.ones(3), {}, "capacities must have shape"),
        (np.ones((1, 2)), -np.ones(2), {}, "non-negative"),
        (np.ones((1, 2)), np.ones(2), {"k": 0}, "k must"),
        (np.ones((1, 2)), np.ones(2), {"alpha": -1}, "alpha"),
    ],
)
def test_market_bad_arguments(rel, cap, kwargs, message):
    with pytest.raises(ValueError, match=message):
        market_aware_rankings(rel, cap, **kwargs)


# A congested market: six candidates, six one-place projects, and everyone's two most
# relevant projects are the same two (projects 0 and 1).
CONGESTED = np.array(
    [
        [0.90, 0.83, 0.73, 0.63, 0.57, 0.47],
        [0.90, 0.86, 0.73, 0.64, 0.59, 0.51],
        [0.90, 0.79, 0.74, 0.68, 0.54, 0.49],
        [0.84, 0.78, 0.68, 0.65, 0.54, 0.51],
        [0.90, 0.81, 0.66, 0.64, 0.58, 0.50],
        [0.85, 0.81, 0.71, 0.64, 0.61, 0.48],
    ]
)


def _deferred_acceptance(rel: np.ndarray, rankings: np.ndarray) -> dict[str, str]:
    """Candidates apply to the projects shown and rank them by relevance; each project's
    supervisor ranks its applicants by relevance; the match engine's student-proposing
    deferred acceptance places them."""
    from kakehashi_match import solve

    students = {
        f"s{i}": [f"p{j}" for j in sorted(row, key=lambda j: -rel[i, j])]
        for i, row in enumerate(rankings.tolist())
    }
    n_p = rel.shape[1]
    supervisors = {
        f"L{j}": {
            "capacity": 1,
            "ranking": [
                f"s{i}"
                for i in np.argsort(-rel[:, j], kind="stable").tolist()
                if f"p{j}" in students[f"s{i}"]
            ],
        }
        for j in range(n_p)
    }
    projects = {f"p{j}": {"capacity": 1, "supervisor": f"L{j}"} for j in range(n_p)}
    inst = {"students": students, "projects": projects, "supervisors": supervisors}
    got = solve(inst, mode="student", seed=0).assignments
    return {s: p for s, p in got.items() if p is not None}


def test_market_aware_top_k_matches_more_under_deferred_acceptance():
    cap = np.ones(6)
    plain = np.argsort(-CONGESTED, axis=1, kind="stable")[:, :2]
    m = market_aware_rankings(CONGESTED, cap, k=2)
    assert plain.tolist() == [[0, 1]] * 6
    assert m.plain_expected_matches == pytest.approx(1.833249, abs=1e-6)
    assert m.expected_matches == pytest.approx(4.441071, abs=1e-6)
    assert _deferred_acceptance(CONGESTED, plain) == {"s0": "p0", "s1": "p1"}
    aware = _deferred_acceptance(CONGESTED, m.rankings)
    assert aware == {"s1": "p3", "s2": "p2", "s3": "p5", "s4": "p0", "s5": "p1"}
    assert len(aware) > len(_deferred_acceptance(CONGESTED, plain))
