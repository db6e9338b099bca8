"""Rounds, welfare mode and the simulation harness."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from match_profiles import PROFILE

from kakehashi_match import check, solve
from kakehashi_match.generate import random_instance
from kakehashi_match.rounds import second_round
from kakehashi_match.simulate import compare_policies, expected_matches, simulate


def test_second_round_keeps_placements_and_fills_declined_place():
    data = {
        "students": {"a": ["p"], "b": ["q"], "c": ["p", "q"]},
        "projects": {
            "p": {"capacity": 1, "ranking": ["a", "c"]},
            "q": {"capacity": 1, "ranking": ["b", "c"]},
        },
    }
    first = solve(data)

    second = second_round(data, first.assignments, declined=["a"])

    assert first.assignments == {"a": "p", "b": "q", "c": None}
    assert second.assignments == {"c": "p"}
    assert second.extra["combined_assignments"] == {"a": None, "b": "q", "c": "p"}
    assert second.to_dict(explain=False)["round_one_kept"] == {"b": "q"}


@PROFILE
@given(st.integers(0, 2**32 - 1))
def test_second_round_respects_capacities_overall(seed):
    data = random_instance(30, 8, list_length=3, n_supervisors=4, n_organisations=2, seed=seed)
    first = solve(data)
    matched = sorted(s for s, p in first.assignments.items() if p)
    declined = matched[::3]

    second = second_round(data, first.assignments, declined=declined)
    combined = {
        s: (None if s in declined else p) for s, p in second.extra["combined_assignments"].items()
    }

    assert second.stable
    assert all(combined[s] == first.assignments[s] for s in matched if s not in declined)
    report = check(data, {"assignments": combined})
    assert not any("over capacity" in v for v in report["violations"])


def test_second_round_rejects_decliner_without_offer():
    data = {"students": {"a": ["p"]}, "projects": {"p": {"capacity": 0, "ranking": ["a"]}}}

    with pytest.raises(ValueError, match=r"declined: students without a round-one offer \['a'\]"):
        second_round(data, solve(data).assignments, declined=["a"])


def test_welfare_mode_places_most_then_least_rank(gale_shapley_example):
    data = {
        "students": {"a": ["x", "y"], "b": ["x"]},
        "projects": {
            "x": {"capacity": 1, "ranking": ["a", "b"]},
            "y": {"capacity": 1, "ranking": ["a"]},
        },
    }

    stable = solve(data)
    welfare = solve(data, mode="welfare")

    assert stable.assignments == {"a": "x", "b": None}
    assert welfare.assignments == {"a": "y", "b": "x"}
    assert welfare.summary()["blocking_pairs"] == 1
    assert welfare.to_dict()["welfare"]["placements"] == 2
    report = check(data, welfare)
    assert report["ok"] and report["blocking_pairs"] == 1


@PROFILE
@given(st.integers(0, 2**32 - 1))
def test_welfare_mode_never_places_fewer_than_stable(seed):
    data = random_instance(25, 8, list_length=3, n_supervisors=4, n_organisations=2, seed=seed)

    stable = solve(data)
    welfare = solve(data, mode="welfare")

    assert welfare.valid
    s, w = stable.summary(), welfare.summary()
    assert w["matched"] >= s["matched"]
    if w["matched"] == s["matched"]:
        assert w["mean_rank"] <= s["mean_rank"] + 1e-9


def test_welfare_lower_quota_forces_a_placement():
    data = {
        "students": {"a": ["x", "y"]},
        "projects": {
            "x": {"capacity": 1, "supervisor": "X"},
            "y": {"capacity": 1, "supervisor": "Y"},
        },
        "supervisors": {
            "X": {"ranking": ["a"], "organisation": "OX"},
            "Y": {"ranking": ["a"], "organisation": "OY"},
        },
        "organisations": {"OX": {}, "OY": {}},
    }

    r = solve(data, mode="welfare", lower_quotas={"OY": 1})

    assert r.assignments == {"a": "y"}
    with pytest.raises(ValueError, match="lower_quotas: no feasible assignment"):
        solve(data, mode="welfare", lower_quotas={"OX": 1, "OY": 1})
    with pytest.raises(ValueError, match=r"options: \['lower_quota'\] not understood"):
        solve(data, mode="welfare", lower_quota={"OY": 1})


def test_simulate_is_reproducible_and_bounded():
    data = random_instance(60, 12, list_length=4, tie_fraction=0.3, seed=11)

    a = simulate(data, runs=15, seed=4, participation=0.8, noise=0.1)
    b = simulate(data, runs=15, seed=4, participation=0.8, noise=0.1)

    assert np.array_equal(a.matched, b.matched)
    assert ((a.match_probability >= 0) & (a.match_probability <= a.participation_rate)).all()
    assert a.to_dict() == b.to_dict()


def test_simulate_without_perturbation_repeats_the_solve():
    data = random_instance(40, 10, list_length=3, seed=12)

    s = simulate(data, runs=3, seed=0)

    assert s.matched.tolist() == [solve(data).summary()["matched"]] * 3


def test_expected_matches_and_policies_are_plain_data():
    data = random_instance(40, 10, list_length=4, seed=13)

    out = expected_matches(data, runs=10, participation={"s0": 0.0})
    policies = compare_policies(data, {"all": {}, "two": {"truncate": 2}}, runs=4)

    assert out["students"]["s0"]["p_match"] == 0.0
    assert set(out["projects"]) == set(data["projects"])
    assert policies["two"]["matched"]["median"] <= policies["all"]["matched"]["median"]


def test_simulate_rejects_bad_arguments():
    data = random_instance(5, 3, seed=0)

    with pytest.raises(ValueError, match="runs: expected a positive integer"):
        simulate(data, runs=0)
    with pytest.raises(ValueError, match=r"participation: unknown student ids \['zz'\]"):
        simulate(data, participation={"zz": 0.5})
