"""Worked examples from the papers the engine follows, as tests.

Each test states where its instance comes from. Two kinds:

- *transcribed*: the instance and the expected matching are the paper's own;
- *constructed*: the paper's own example could not be found and read, so a
  small instance was built and verified by hand that shows the same
  phenomenon. These say so, and are not the paper's example.

Every test asserts the exact matching and that ``check`` certifies it.
"""

import copy

import pytest

from kakehashi_match import Instance, check, solve
from kakehashi_match.brute import all_stable
from kakehashi_match.market import compile_market, lottery


def _stable_matchings(data):
    """Every stable matching (brute force), as sorted (student, project) pairs."""
    inst = Instance.from_dict(data)
    market = compile_market(inst, 0)
    sid, pid = inst.student_ids, inst.project_ids
    out = []
    for held in all_stable(market):
        pairs = {
            sid[s]: (pid[market.edge_proj[e]] if e >= 0 else None)
            for s, e in enumerate(held.tolist())
        }
        out.append(pairs)
    return out


# ---------------------------------------------------------------------------
# Abraham, Irving & Manlove 2007, "Two algorithms for the Student-Project
# Allocation problem", J. Discrete Algorithms 5(1):73-90,
# doi:10.1016/j.jda.2006.03.006.
#
# TRANSCRIBED, second-hand: the paper itself could not be opened here. The
# instances of its Figure 1 (student-optimal example) and Figure 6
# (lecturer-optimal example), with the matchings the paper gives, are taken
# from the test suite of the `matching` package (PyPI), which cites the paper
# figure by figure: repository daffidwilde/matching,
# tests/student_project/test_examples.py (test_paper_student_optimal_example,
# test_paper_supervisor_optimal_example). Data only; ids lower-cased.
# ---------------------------------------------------------------------------


@pytest.fixture
def spa_figure_1():
    """Seven students, eight projects, three lecturers; p1 has two places."""
    return {
        "students": {
            "s1": ["p1", "p7"],
            "s2": ["p1", "p2", "p3", "p4", "p5", "p6"],
            "s3": ["p2", "p1", "p4"],
            "s4": ["p2"],
            "s5": ["p1", "p2", "p3", "p4"],
            "s6": ["p2", "p3", "p4", "p5", "p6"],
            "s7": ["p5", "p3", "p8"],
        },
        "projects": {
            "p1": {"capacity": 2, "supervisor": "l1"},
            "p2": {"capacity": 1, "supervisor": "l1"},
            "p3": {"capacity": 1, "supervisor": "l1"},
            "p4": {"capacity": 1, "supervisor": "l2"},
            "p5": {"capacity": 1, "supervisor": "l2"},
            "p6": {"capacity": 1, "supervisor": "l2"},
            "p7": {"capacity": 1, "supervisor": "l3"},
            "p8": {"capacity": 1, "supervisor": "l3"},
        },
        "supervisors": {
            "l1": {"capacity": 3, "ranking": ["s7", "s4", "s1", "s3", "s2", "s5", "s6"]},
            "l2": {"capacity": 2, "ranking": ["s3", "s2", "s6", "s7", "s5"]},
            "l3": {"capacity": 2, "ranking": ["s1", "s7"]},
        },
    }


@pytest.fixture
def spa_figure_6():
    """Four students, four single-place projects, two lecturers of capacity 2."""
    return {
        "students": {
            "s1": ["p3", "p1"],
            "s2": ["p1", "p3"],
            "s3": ["p4", "p2"],
            "s4": ["p2", "p4"],
        },
        "projects": {
            "p1": {"capacity": 1, "supervisor": "l1"},
            "p2": {"capacity": 1, "supervisor": "l1"},
            "p3": {"capacity": 1, "supervisor": "l2"},
            "p4": {"capacity": 1, "supervisor": "l2"},
        },
        "supervisors": {
            "l1": {"capacity": 2, "ranking": ["s1", "s2", "s3", "s4"]},
            "l2": {"capacity": 2, "ranking": ["s2", "s1", "s4", "s3"]},
        },
    }


def test_spa_figure_1_student_mode_gives_the_papers_student_optimal_matching(spa_figure_1):
    result = solve(spa_figure_1, mode="student")

    assert result.assignments == {
        "s1": "p1",
        "s2": "p5",
        "s3": "p4",
        "s4": "p2",
        "s5": None,
        "s6": None,
        "s7": "p3",
    }
    assert result.stable
    assert check(spa_figure_1, result) == {"ok": True, "violations": [], "blocking_pairs": 0}


def test_spa_figure_1_has_one_stable_matching_so_host_mode_agrees(spa_figure_1):
    # brute force over all 3·7·4·2·5·6·4 assignments: the student-optimal
    # matching is the only stable one, so the lecturer-optimal one equals it
    student = solve(spa_figure_1, mode="student")
    host = solve(spa_figure_1, mode="host")

    assert _stable_matchings(spa_figure_1) == [student.assignments]
    assert host.assignments == student.assignments
    assert check(spa_figure_1, host)["ok"]


def test_spa_figure_1_explains_why_s5_is_unplaced(spa_figure_1):
    s5 = solve(spa_figure_1).to_dict()["students"]["s5"]

    # l1 is full with s7, s4 and s1, all ranked above s5 (6th on l1's list);
    # p4 is full with s3, whom l2 ranks first (s5 is 5th)
    assert s5 == {
        "project": None,
        "rank": None,
        "list_length": 4,
        "better_choices": [
            {"project": "p1", "rank": 1, "reason": "supervisor_full", "cutoff": "s1",
             "cutoff_position": 3, "your_position": 6},
            {"project": "p2", "rank": 2, "reason": "project_full", "cutoff": "s4",
             "cutoff_position": 2, "your_position": 6},
            {"project": "p3", "rank": 3, "reason": "project_full", "cutoff": "s7",
             "cutoff_position": 1, "your_position": 6},
            {"project": "p4", "rank": 4, "reason": "project_full", "cutoff": "s3",
             "cutoff_position": 1, "your_position": 5},
        ],
    }  # fmt: skip


def test_spa_figure_6_host_mode_gives_the_papers_lecturer_optimal_matching(spa_figure_6):
    host = solve(spa_figure_6, mode="host")
    student = solve(spa_figure_6, mode="student")

    assert host.assignments == {"s1": "p1", "s2": "p3", "s3": "p2", "s4": "p4"}
    # every student gets a first choice in the student-optimal one
    assert student.assignments == {"s1": "p3", "s2": "p1", "s3": "p4", "s4": "p2"}
    assert check(spa_figure_6, host)["ok"]
    assert check(spa_figure_6, student)["ok"]


def test_spa_figure_6_modes_are_the_two_ends_of_the_stable_set(spa_figure_6):
    stable = _stable_matchings(spa_figure_6)
    host = solve(spa_figure_6, mode="host").assignments
    student = solve(spa_figure_6, mode="student").assignments
    lists = spa_figure_6["students"]

    def rank(asg, s):
        return lists[s].index(asg[s])

    assert len(stable) == 4
    assert host in stable and student in stable
    for m in stable:
        for s in lists:
            assert rank(student, s) <= rank(m, s) <= rank(host, s)


# ---------------------------------------------------------------------------
# Erdil & Ergin 2008, "What's the matter with tie-breaking? Improving
# efficiency in school choice", AER 98(3):669-689, doi:10.1257/aer.98.3.669.
#
# CONSTRUCTED, not the paper's example (its text could not be read here).
# It illustrates the claim of the paper's abstract: breaking ties in the
# priorities (here by the seeded lottery) "introduces artificial stability
# constraints"; a *stable improvement cycle* - students trading places among
# themselves where no one has strictly higher priority - removes them.
#
# Verified by hand. Lottery of seed 5: c first, then a, then b. Broken
# priorities: X: b, c, a; Y: a, b. Deferred acceptance: a→X and c→X, X keeps
# c; a→Y, Y keeps a over b; b→X, X keeps b over c; c→Z. So a holds Y and b
# holds X although a prefers X and b prefers Y. Swapping them is stable under
# the true (weak) priorities: the only other student who wants X, c, is tied
# with a at X.
# ---------------------------------------------------------------------------


@pytest.fixture
def tie_breaking_example():
    return {
        "students": {"a": ["X", "Y"], "b": ["Y", "X"], "c": ["X", "Z"]},
        "projects": {
            "X": {"capacity": 1, "ranking": ["b", ["a", "c"]]},
            "Y": {"capacity": 1, "ranking": [["a", "b"]]},
            "Z": {"capacity": 1, "ranking": ["c"]},
        },
    }


def test_erdil_ergin_constructed_lottery_of_seed_5_orders_c_a_b():
    lot = lottery(3, 5).tolist()  # students a, b, c in id order

    assert lot[2] < lot[0] < lot[1]


def test_erdil_ergin_constructed_tie_breaking_leaves_a_stable_improvement_cycle(
    tie_breaking_example,
):
    lottery_da = solve(tie_breaking_example, mode="student", seed=5)
    improved = solve(tie_breaking_example, mode="ties", seed=5)

    assert lottery_da.assignments == {"a": "Y", "b": "X", "c": "Z"}
    assert improved.assignments == {"a": "X", "b": "Y", "c": "Z"}
    assert improved.to_dict()["ties"] == {"cycles_applied": 1, "students_improved": 2}
    assert check(tie_breaking_example, lottery_da)["ok"]  # stable for the broken order
    assert check(tie_breaking_example, improved)["ok"]  # weakly stable for the true one


def test_erdil_ergin_constructed_cycle_makes_no_one_worse(tie_breaking_example):
    before = solve(tie_breaking_example, mode="student", seed=5)
    after = solve(tie_breaking_example, mode="ties", seed=5)

    assert before.ranks.tolist() == [2, 2, 2]
    assert after.ranks.tolist() == [1, 1, 2]


def test_erdil_ergin_constructed_explanations_report_the_tie(tie_breaking_example):
    # After the cycle a holds X against c, whom X ranks equally with a (both
    # 2nd, after b). The lottery put c before a, so lottery positions would
    # tell c "you were 2nd, the last admitted was 3rd"; ties mode reports the
    # host's own order, where the tie group {a, c} shares position 2, and says
    # the place went to a student ranked equally.
    students = solve(tie_breaking_example, mode="ties", seed=5).to_dict()["students"]

    assert students == {
        "a": {"project": "X", "rank": 1, "list_length": 2, "better_choices": []},
        "b": {"project": "Y", "rank": 1, "list_length": 2, "better_choices": []},
        "c": {"project": "Z", "rank": 2, "list_length": 2, "better_choices": [
            {"project": "X", "rank": 1, "reason": "project_full", "cutoff": "a",
             "cutoff_position": 2, "tied_with_cutoff": True, "your_position": 2}]},
    }  # fmt: skip


def test_erdil_ergin_constructed_lottery_alone_keeps_lottery_positions(tie_breaking_example):
    # mode student breaks the ties by the lottery alone and explains in that
    # (strict) order: c after b, a after b and c; no tie is reported
    students = solve(tie_breaking_example, mode="student", seed=5).to_dict()["students"]

    assert [s["better_choices"] for s in students.values()] == [
        [{"project": "X", "rank": 1, "reason": "project_full", "cutoff": "b",
          "cutoff_position": 1, "your_position": 3}],
        [{"project": "Y", "rank": 1, "reason": "project_full", "cutoff": "a",
          "cutoff_position": 1, "your_position": 2}],
        [{"project": "X", "rank": 1, "reason": "project_full", "cutoff": "b",
          "cutoff_position": 1, "your_position": 2}],
    ]  # fmt: skip


def test_erdil_ergin_constructed_swap_is_unstable_without_the_tie(tie_breaking_example):
    # give c strict priority over a at X: the swapped matching now has the
    # blocking pair (c, X), and ties mode leaves the lottery outcome alone
    strict = copy.deepcopy(tie_breaking_example)
    strict["projects"]["X"]["ranking"] = ["b", "c", "a"]
    swapped = {"run": {"mode": "ties", "seed": 5}, "assignments": {"a": "X", "b": "Y", "c": "Z"}}

    result = solve(strict, mode="ties", seed=5)

    assert result.assignments == {"a": "Y", "b": "X", "c": "Z"}
    assert check(strict, result)["ok"]
    assert check(strict, swapped) == {
        "ok": False,
        "violations": ["blocking pair: student 'c' and project 'X'"],
        "blocking_pairs": 1,
    }


# ---------------------------------------------------------------------------
# Kamada & Kojima 2015, "Efficient matching under distributional
# constraints: theory and applications", AER, doi:10.1257/aer.20101552.
#
# CONSTRUCTED, not the paper's example (its text could not be read here).
# It illustrates the claim of the paper's abstract that existing mechanisms
# "may result in avoidable inefficiency and instability": as we understand
# the Japan Residency Matching Program's rule, each hospital is capped at its
# share (target) of the regional cap before deferred acceptance runs.
# Flexible deferred acceptance lets a hospital exceed its target while the
# region has room, and avoids the loss.
#
# Verified by hand. Region R (a group) with a cap of 2 over hospitals O1 and
# O2 (organisations), each with a target of 1. Doctors d1 and d2 both want
# only h1 at O1. JRMP-style: O1 is capped at its target 1, so d2 is unplaced
# although the region has a free place (d2 and h1 block). Flexible DA: O2
# leaves its target unused, it reverts to the region, both go to h1.
# ---------------------------------------------------------------------------


@pytest.fixture
def regional_cap_example():
    return {
        "students": {"d1": ["h1"], "d2": ["h1"]},
        "projects": {
            "h1": {"capacity": 2, "supervisor": "H1"},
            "h2": {"capacity": 2, "supervisor": "H2"},
        },
        "supervisors": {
            "H1": {"ranking": ["d1", "d2"], "organisation": "O1"},
            "H2": {"ranking": ["d1", "d2"], "organisation": "O2"},
        },
        "organisations": {"O1": {}, "O2": {}},
        "groups": {
            "R": {"organisations": ["O1", "O2"], "capacity": 2, "targets": {"O1": 1, "O2": 1}}
        },
    }


def _jrmp(data):
    """The JRMP-style market: every hospital capped at its target, no group."""
    out = copy.deepcopy(data)
    for group in out.pop("groups").values():
        for org, target in group["targets"].items():
            out["organisations"][org]["capacity"] = target
    return out


def test_kamada_kojima_constructed_flexible_da_fills_the_regional_cap(regional_cap_example):
    flexible = solve(regional_cap_example, mode="flexible")

    assert flexible.assignments == {"d1": "h1", "d2": "h1"}
    assert flexible.to_dict()["groups"] == {"R": 2}
    assert check(regional_cap_example, flexible) == {
        "ok": True,
        "violations": [],
        "blocking_pairs": 0,
    }


def test_kamada_kojima_constructed_jrmp_caps_waste_a_place_and_are_unstable(
    regional_cap_example,
):
    jrmp_market = _jrmp(regional_cap_example)
    jrmp = solve(jrmp_market, mode="student")
    under_the_real_cap = {"run": {"mode": "flexible"}, "assignments": jrmp.assignments}

    assert jrmp.assignments == {"d1": "h1", "d2": None}
    assert check(jrmp_market, jrmp)["ok"]  # stable for the hospital caps it imposes
    assert check(regional_cap_example, under_the_real_cap) == {
        "ok": False,
        "violations": ["blocking pair: student 'd2' and project 'h1'"],
        "blocking_pairs": 1,
    }


def test_kamada_kojima_constructed_target_is_kept_for_a_hospital_with_demand(
    regional_cap_example,
):
    # d3 wants h2: O2's target place is now used, the region is full at 2,
    # and d2 (ranked below d1 at h1) is the one the regional cap stops
    data = copy.deepcopy(regional_cap_example)
    data["students"]["d3"] = ["h2"]
    data["supervisors"]["H2"]["ranking"] = ["d3"]

    result = solve(data, mode="flexible")
    d2 = result.to_dict()["students"]["d2"]

    assert result.assignments == {"d1": "h1", "d2": None, "d3": "h2"}
    assert d2["better_choices"] == [
        {"project": "h1", "rank": 1, "reason": "group_cap_reached", "your_position": 2}
    ]
    assert check(data, result)["ok"]
