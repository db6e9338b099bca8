"""The per-choice explanations never contradict themselves.

A choice explained by a full node names the cut-off (the lowest-ranked
student holding a place there) and two positions in the host's order. In the
strict modes the order is the lottery-broken one and the student always
comes after the cut-off. In mode ``ties`` the stable improvement cycles may
give a place against the lottery, so positions are the host's own (tied)
order: a tie group shares its first member's position, and a student the
host ranked equally with the cut-off is flagged ``tied_with_cutoff``.
"""

import io
import json
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from match_profiles import PROFILE

from kakehashi_match import Instance, check, solve
from kakehashi_match.generate import random_instance
from kakehashi_match.market import compile_market
from kakehashi_match.ties import weak_key, weak_positions

FULL = ("project_full", "supervisor_full", "organisation_full")


@st.composite
def markets(draw, max_students=30, ties=True):
    data = random_instance(
        draw(st.integers(1, max_students)),
        draw(st.integers(1, 10)),
        list_length=draw(st.integers(1, 5)),
        n_supervisors=draw(st.integers(1, 5)),
        n_organisations=draw(st.integers(1, 3)),
        capacity=(0, draw(st.integers(1, 3))),
        supervisor_slack=draw(st.floats(0.2, 1.3)),
        organisation_slack=draw(st.floats(0.2, 1.3)),
        tie_fraction=draw(st.sampled_from([0.3, 0.7])) if ties else 0.0,
        unranked_fraction=draw(st.sampled_from([0.0, 0.2])),
        project_rankings=draw(st.booleans()),
        seed=draw(st.integers(0, 2**32 - 1)),
    )
    if draw(st.booleans()):
        orgs = sorted(data["organisations"])
        data["groups"] = {"g": {"organisations": orgs[:2], "capacity": draw(st.integers(0, 6))}}
    return data


def _dumps(x):
    return json.dumps(x, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _choices(result):
    for entry in result.to_dict()["students"].values():
        yield from entry["better_choices"]


@PROFILE
@given(markets(), st.sampled_from(["student", "host", "ties", "flexible", "welfare"]))
def test_no_explained_choice_puts_the_student_above_its_cutoff_unless_tied(data, mode):
    result = solve(data, mode=mode, seed=3)

    for c in _choices(result):
        if c.get("tied_with_cutoff"):
            assert mode == "ties"
            assert c["reason"] in FULL
            assert c["your_position"] == c["cutoff_position"]
        elif "cutoff_position" in c:
            assert not c["your_position"] < c["cutoff_position"], c
            assert c["your_position"] != c["cutoff_position"], c
    # the bulk writer agrees with to_dict, ties flags included
    assert result.to_json() == _dumps(result.to_dict()) + "\n"


@PROFILE
@given(markets(max_students=20))
def test_ties_mode_flags_exactly_the_students_the_host_ranked_equally(data):
    result = solve(data, mode="ties", seed=1)
    inst = Instance.from_dict(data)
    sid = {s: i for i, s in enumerate(inst.student_ids)}
    pid = {p: i for i, p in enumerate(inst.project_ids)}
    market = result.market
    kp, kl = weak_positions(market)
    edge = {
        (int(s), int(p)): e
        for e, (s, p) in enumerate(zip(market.edge_stu, market.edge_proj, strict=True))
    }

    assert result.stable and check(data, result)["ok"]
    for name, entry in result.to_dict()["students"].items():
        for c in entry["better_choices"]:
            if "cutoff" not in c:
                continue
            e = edge[(sid[name], pid[c["project"]])]
            key = kp if c["reason"] == "project_full" else kl
            mine = int(key[e])
            held = result.held[sid[c["cutoff"]]]
            theirs = int(key[held])
            assert (c["your_position"], c["cutoff_position"]) == (mine + 1, theirs + 1)
            assert c.get("tied_with_cutoff", False) == (mine == theirs)


@PROFILE
@given(markets(max_students=25, ties=False), st.integers(0, 20))
def test_without_ties_mode_ties_explains_exactly_as_mode_student(data, seed):
    data.pop("groups", None)
    lottery = solve(data, mode="student", seed=seed).to_dict()
    ties = solve(data, mode="ties", seed=seed).to_dict()

    assert ties["ties"] == {"cycles_applied": 0, "students_improved": 0}
    for key in ("assignments", "certificate", "students", "projects", "supervisors"):
        assert ties[key] == lottery[key]


@PROFILE
@given(st.integers(0, 2**32 - 1), st.integers(0, 50), st.booleans())
def test_ties_mode_with_project_rankings_weakly_stable_and_no_worse(seed, lot, orgs):
    data = random_instance(
        14, 6, list_length=3, n_supervisors=3, n_organisations=2,
        supervisor_slack=0.5, organisation_slack=0.7 if orgs else 100.0,
        tie_fraction=0.5, project_rankings=True, seed=seed,
    )  # fmt: skip
    lottery = solve(data, mode="student", seed=lot)
    improved = solve(data, mode="ties", seed=lot)

    assert improved.stable and improved.valid
    assert check(data, improved)["ok"]
    assert check(data, {**lottery.to_dict(explain=False), "run": {"mode": "ties", "seed": lot}})[
        "ok"
    ]
    worse = np.where(improved.ranks == 0, 99, improved.ranks) > np.where(
        lottery.ranks == 0, 99, lottery.ranks
    )
    assert not worse.any()


def test_project_ranking_does_not_confuse_the_supervisor_level():
    # L ranks z, x, y; p1 ranks only y (1st on p1's own list), p2 has no list.
    # L's one place goes to x, whom L ranks above y: stable in every mode, and
    # y is told so in L's order (the tie-group index of y on p1's own list,
    # 0, must not be compared with x's index on L's list, 1).
    data = {
        "students": {"x": ["p2"], "y": ["p1"], "z": ["q"]},
        "projects": {
            "p1": {"capacity": 1, "supervisor": "L", "ranking": ["y"]},
            "p2": {"capacity": 1, "supervisor": "L"},
            "q": {"capacity": 1, "ranking": ["z"]},
        },
        "supervisors": {"L": {"capacity": 1, "ranking": ["z", "x", "y"]}},
    }

    result = solve(data, mode="ties")

    assert result.assignments == {"x": "p2", "y": None, "z": "q"}
    assert result.stable and check(data, result)["ok"]
    assert result.to_dict()["students"]["y"]["better_choices"] == [
        {"project": "p1", "rank": 1, "reason": "supervisor_full", "cutoff": "x",
         "cutoff_position": 2, "your_position": 3}
    ]  # fmt: skip


def test_tied_project_and_supervisor_explanations():
    # L ranks [a, b] equally and has one place: the lottery decides. The
    # student left out wanted both projects: the winner's is full, the other
    # is stopped by L's cap; both times the cut-off is the winner, tied.
    data = {
        "students": {"a": ["p", "q"], "b": ["q", "p"]},
        "projects": {
            "p": {"capacity": 1, "supervisor": "L"},
            "q": {"capacity": 1, "supervisor": "L"},
        },
        "supervisors": {"L": {"capacity": 1, "ranking": [["a", "b"]]}},
    }
    result = solve(data, mode="ties", seed=0)
    [loser] = [s for s, p in result.assignments.items() if p is None]
    [winner] = [s for s, p in result.assignments.items() if p is not None]

    choices = result.to_dict()["students"][loser]["better_choices"]

    assert {c["reason"] for c in choices} == {"project_full", "supervisor_full"}
    for c in choices:
        assert (c["cutoff"], c["cutoff_position"], c["your_position"]) == (winner, 1, 1)
        assert c["tied_with_cutoff"] is True
    # mode student explains the same outcome by the lottery order, untied
    strict = solve(data, mode="student", seed=0).to_dict()["students"][loser]
    assert all("tied_with_cutoff" not in c for c in strict["better_choices"])
    assert {c["your_position"] for c in strict["better_choices"]} == {2}


def test_chunked_writer_carries_the_tie_flag():
    data = random_instance(80, 12, list_length=4, tie_fraction=0.8, supervisor_slack=0.5, seed=2)
    result = solve(data, mode="ties", seed=4)
    buf = io.StringIO()
    result._write_students(buf, chunk=7)

    assert '"tied_with_cutoff":true' in buf.getvalue()
    assert buf.getvalue() == _dumps(result.to_dict()["students"])


@pytest.mark.parametrize("project_rankings", [False, True])
def test_weak_positions_same_on_both_kernels_and_order_like_the_tiers(project_rankings):
    data = random_instance(
        40, 10, list_length=4, n_supervisors=3, tie_fraction=0.5, unranked_fraction=0.1,
        project_rankings=project_rankings, seed=11,
    )  # fmt: skip
    market = compile_market(Instance.from_dict(data), 7)
    compiled = weak_positions(market)
    plain = weak_positions(replace(market, backend="numpy"))
    kp, kl = compiled
    wk = weak_key(market)
    key = market.edge_key

    assert all(np.array_equal(x, y) for x, y in zip(compiled, plain, strict=True))
    assert ((kp >= 0) == (key >= 0)).all() and ((kl >= 0) == (key >= 0)).all()
    assert (kp <= key).all() and (kl <= key).all()
    for p in np.unique(market.edge_proj):
        e = np.flatnonzero((market.edge_proj == p) & (key >= 0))
        # within a project, positions order the students as the tie groups do
        assert (
            np.sign(np.subtract.outer(kp[e], kp[e])) == np.sign(np.subtract.outer(wk[e], wk[e]))
        ).all()
    root = market.proj_sup[market.edge_proj]
    for r in np.unique(root):
        e = np.flatnonzero((root == r) & (key >= 0))
        e = e[np.argsort(key[e], kind="stable")]
        # never against the lottery-broken order
        assert (np.diff(kl[e]) >= 0).all()


def test_weak_positions_equal_the_lottery_order_without_ties():
    data = random_instance(40, 10, list_length=4, project_rankings=True, seed=3)
    market = compile_market(Instance.from_dict(data), 5)
    kp, kl = weak_positions(market)

    assert np.array_equal(kp, market.edge_key) and np.array_equal(kl, market.edge_key)
