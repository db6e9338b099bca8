"""Reviewer assignment: input validation, worked examples, infeasibility
explanations, the checker and the ``kakehashi-match assign`` command."""

import copy
import json
import subprocess
import sys

import numpy as np
import pytest

from kakehashi_match.assign import assign, assignment_check, infeasibility
from kakehashi_match.cli import main
from kakehashi_match.review import ReviewInstance


def small():
    return {
        "proposals": [{"id": "p1", "reviewers": 2}, {"id": "p2", "reviewers": 1}],
        "reviewers": [
            {"id": "r1", "max_load": 2, "min_load": 0},
            {"id": "r2", "max_load": 1},
            {"id": "r3", "max_load": 1, "min_load": 1},
        ],
        "affinity": {"p1": {"r1": 0.9, "r2": 0.8, "r3": 0.1}, "p2": {"r1": 0.7, "r3": 0.6}},
        "conflicts": [["p2", "r2"]],
    }


# ------------------------------------------------------------- validation
@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.pop("affinity"), "instance: missing required key 'affinity'"),
        (lambda d: d.update(extra=1), "instance: unknown top-level keys ['extra']"),
        (
            lambda d: d["proposals"].append({"id": "p1", "reviewers": 1}),
            "proposals[2].id: duplicate id 'p1' (also proposals[0])",
        ),
        (
            lambda d: d["reviewers"].append({"id": "r1", "max_load": 1}),
            "reviewers[3].id: duplicate id 'r1' (also reviewers[0])",
        ),
        (
            lambda d: d["reviewers"][1].update(max_load=-1),
            "reviewers[1] ('r2').max_load: negative value -1",
        ),
        (
            lambda d: d["reviewers"][0].update(min_load=3),
            "reviewers[0] ('r1').min_load: 3 is above max_load 2",
        ),
        (
            lambda d: d["proposals"][1].update(reviewers=True),
            "proposals[1] ('p2').reviewers: expected an integer, got True",
        ),
        (
            lambda d: d["proposals"][1].update(reviewers=3),
            "proposals[1] ('p2').reviewers: needs 3 reviewers but only 2 are eligible "
            "(in affinity)",
        ),
        (
            lambda d: d["affinity"]["p1"].update(r9=0.5),
            "affinity: unknown reviewer ids 'r9' (in affinity['p1'])",
        ),
        (
            lambda d: d["affinity"].update(p9={}),
            "affinity: unknown proposal ids ['p9']",
        ),
        (
            lambda d: d["affinity"]["p2"].update(r1=float("nan")),
            "affinity['p2']['r1']: expected a finite number, got nan",
        ),
        (
            lambda d: d["affinity"]["p2"].update(r1=float("inf")),
            "affinity['p2']['r1']: expected a finite number, got inf",
        ),
        (
            lambda d: d["affinity"]["p2"].update(r1="0.5"),
            "affinity['p2']['r1']: expected a number, got '0.5'",
        ),
        (lambda d: d["conflicts"].append(["p1", "r7"]), "conflicts[1]: unknown reviewer id 'r7'"),
        (lambda d: d["conflicts"].append(["p7", "r1"]), "conflicts[1]: unknown proposal id 'p7'"),
        (lambda d: d["proposals"][0].pop("id"), "proposals[0].id: missing"),
        (lambda d: d["reviewers"][0].pop("max_load"), "reviewers[0] ('r1').max_load: missing"),
    ],
)
def test_bad_input_is_refused_naming_the_field(change, message):
    data = small()
    change(data)

    with pytest.raises(ValueError) as err:
        ReviewInstance.from_dict(data)

    assert str(err.value) == message


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"mode": "best"}, "mode: expected one of ('sum', 'fair', 'randomized'), got 'best'"),
        ({"mode": "randomized", "cap": 0}, "cap: expected a number in (0, 1], got 0"),
        ({"mode": "randomized", "cap": 1.5}, "cap: expected a number in (0, 1], got 1.5"),
        (
            {"mode": "randomized", "cap": 0.123456},
            "cap: expected a fraction with denominator at most 100 (0.5, 0.25, 1/3 …), "
            "got 0.123456",
        ),
        ({"seed": -1}, "seed: expected a non-negative integer, got -1"),
    ],
)
def test_bad_arguments_are_refused_naming_the_argument(kwargs, message):
    with pytest.raises(ValueError) as err:
        assign(small(), **kwargs)

    assert str(err.value) == message


def test_input_is_not_mutated_and_order_does_not_matter():
    data = small()
    before = copy.deepcopy(data)
    shuffled = copy.deepcopy(data)
    shuffled["proposals"].reverse()
    shuffled["reviewers"].reverse()
    shuffled["affinity"] = {
        p: dict(reversed(row.items())) for p, row in reversed(data["affinity"].items())
    }

    first = assign(data, mode="sum")

    assert data == before
    assert assign(shuffled, mode="sum").to_json() == first.to_json()
    assert ReviewInstance.from_dict(shuffled).input_hash == first.instance.input_hash


# -------------------------------------------------------------- examples
def test_small_instance_in_each_mode():
    data = small()

    s = assign(data, mode="sum")

    # r3 must review once (min_load 1); p2 cannot have r2 (conflict)
    assert s.assignment == {"p1": ["r1", "r2"], "p2": ["r3"]}
    assert s.objective == pytest.approx(2.3)
    assert s.loads.tolist() == [1, 1, 1]
    assert s.to_dict()["scores"] == {"p1": pytest.approx(1.7), "p2": pytest.approx(0.6)}
    assert assignment_check(data, s) == {
        "ok": True,
        "violations": [],
        "feasible": True,
        "objective": pytest.approx(2.3),
        "min_score": pytest.approx(0.6),
        "optimal": True,
    }
    expl = s.to_dict()["explanations"]["proposals"]
    assert expl["p2"] == {
        "ranks": [2],
        "conflicted": 0,
        "passed_over": 1,
        "passed_over_first": [{"reviewer": "r1", "affinity": 0.7, "reason": "min_loads"}],
    }


def test_fair_mode_lifts_the_worst_served_proposal():
    """Constructed in the spirit of PeerReview4All (Stelmakh, Shah & Singh,
    JMLR 2021): the assignment with the largest total leaves one proposal
    with a reviewer of affinity 0; the fair one gives up 0.05 of total to
    lift it to 0.45."""
    data = {
        "proposals": [{"id": "p1", "reviewers": 1}, {"id": "p2", "reviewers": 1}],
        "reviewers": [{"id": "r1", "max_load": 1}, {"id": "r2", "max_load": 1}],
        "affinity": {"p1": {"r1": 1.0, "r2": 0.45}, "p2": {"r1": 0.5, "r2": 0.0}},
    }

    s, f = assign(data, mode="sum"), assign(data, mode="fair")

    assert s.assignment == {"p1": ["r1"], "p2": ["r2"]}
    assert (s.objective, s.min_score) == (1.0, 0.0)
    assert f.assignment == {"p1": ["r2"], "p2": ["r1"]}
    assert (f.objective, f.min_score) == (pytest.approx(0.95), 0.45)
    assert assignment_check(data, f)["ok"]


def test_fair_mode_then_maximises_the_total():
    """Two assignments reach the best minimum 0.5; fair mode takes the one
    with the larger total."""
    data = {
        "proposals": [{"id": "p1", "reviewers": 1}, {"id": "p2", "reviewers": 1}],
        "reviewers": [{"id": f"r{i}", "max_load": 1} for i in range(1, 4)],
        "affinity": {"p1": {"r1": 0.5, "r2": 0.9}, "p2": {"r2": 0.5, "r3": 0.6}},
    }

    f = assign(data, mode="fair")

    assert f.assignment == {"p1": ["r2"], "p2": ["r3"]}
    assert f.min_score == 0.6


def test_randomized_caps_the_pair_a_strategic_reviewer_wants():
    """Constructed after the motivating case of Jecmen et al. (NeurIPS
    2020): a reviewer who reports the highest affinity for a proposal gets
    it with probability at most the cap (0.5), and the expected affinity is
    the best under that cap (0.5·1.0 + 0.5·0.9)."""
    data = {
        "proposals": [{"id": "p", "reviewers": 1}],
        "reviewers": [{"id": r, "max_load": 1} for r in ("bidder", "expert", "novice")],
        "affinity": {"p": {"bidder": 1.0, "expert": 0.9, "novice": 0.2}},
    }

    draws = [assign(data, mode="randomized", seed=s) for s in range(400)]

    first = draws[0].to_dict()
    assert first["marginals"] == {"p": {"bidder": 0.5, "expert": 0.5}}
    assert first["expected_objective"] == pytest.approx(0.95)
    assert first["certificate"]["upper_bound"] == pytest.approx(0.95)
    share = sum(d.assignment["p"] == ["bidder"] for d in draws) / len(draws)
    assert 0.4 < share < 0.6
    assert {tuple(d.assignment["p"]) for d in draws} == {("bidder",), ("expert",)}
    assert all(assignment_check(data, d)["ok"] for d in draws[:20])


def test_randomized_with_cap_one_is_the_sum_optimum():
    data = small()

    r = assign(data, mode="randomized", cap=1.0)

    assert r.assignment == assign(data, mode="sum").assignment
    assert set(r.marginals.tolist()) <= {0.0, 1.0}


# ---------------------------------------------------------- infeasibility
def test_too_few_non_conflicted_reviewers_is_explained():
    data = small()
    data["conflicts"] += [["p2", "r1"], ["p2", "r3"]]
    data["reviewers"][2]["min_load"] = 0

    result = assign(data)

    assert not result.feasible
    assert result.assignment == {"p1": [], "p2": []}
    assert result.infeasible == (
        {
            "reason": "too_few_reviewers",
            "proposal": "p2",
            "needs": 1,
            "eligible": 2,
            "conflicted": 2,
            "message": "needs 1 reviewers; 0 eligible reviewers are not conflicted (2 conflicted)",
        },
    )
    assert assignment_check(data, result)["ok"]


def test_total_capacity_and_min_loads_are_explained():
    data = small()
    for r in data["reviewers"]:
        r["max_load"] = 1
        r["min_load"] = 0
    data["reviewers"][0]["min_load"] = 1
    data["reviewers"][1].update(min_load=1, max_load=1)
    data["proposals"][0]["reviewers"] = 3

    reasons = [x["reason"] for x in infeasibility(ReviewInstance.from_dict(data))]

    assert reasons == ["capacity_short"]
    data["proposals"][0]["reviewers"] = 1
    data["proposals"][1]["reviewers"] = 0
    data["reviewers"][2]["min_load"] = 1
    reasons = [x["reason"] for x in infeasibility(ReviewInstance.from_dict(data))]
    assert reasons == ["min_loads_exceed_demand"]


def test_hall_violator_found_by_the_flow_is_explained_and_checkable():
    """p1 and p2 both need r1 and r2 (2 each); r1 and r2 can review one
    each and r3, free, is eligible for p3 only."""
    data = {
        "proposals": [{"id": p, "reviewers": k} for p, k in (("p1", 1), ("p2", 1), ("p3", 1))],
        "reviewers": [{"id": r, "max_load": 1} for r in ("r1", "r2", "r3")],
        "affinity": {"p1": {"r1": 1}, "p2": {"r1": 1}, "p3": {"r2": 1, "r3": 1}},
    }

    result = assign(data)

    (reason,) = result.infeasible
    assert reason["reason"] == "reviewers_short"
    assert reason["proposals"] == ["p1", "p2"]
    assert reason["reviewers"] == ["r1"]
    assert (reason["needs"], reason["capacity"]) == (2, 1.0)
    assert assignment_check(data, result)["ok"]
    forged = result.to_dict()
    forged["explanations"]["infeasible"][0]["proposals"] = ["p1"]
    assert not assignment_check(data, forged)["ok"]


def test_hall_violator_under_a_cap_counts_what_each_pair_can_carry():
    """With cap 0.5, p1 can have r1 with probability 0.5 at most, and r2
    takes nobody: p1 alone is short (r1's max_load of 2 does not help)."""
    data = {
        "proposals": [{"id": p, "reviewers": 1} for p in ("p1", "p2", "p3")],
        "reviewers": [
            {"id": "r1", "max_load": 2},
            {"id": "r2", "max_load": 0},
            *({"id": r, "max_load": 5} for r in ("r3", "r4", "r5", "r6")),
        ],
        "affinity": {
            "p1": {"r1": 1, "r2": 1},
            "p2": {"r1": 1, "r2": 1},
            "p3": {"r3": 1, "r4": 1, "r5": 1, "r6": 1},
        },
    }

    result = assign(data, mode="randomized")

    (reason,) = result.infeasible
    assert reason["reason"] == "reviewers_short"
    assert (reason["proposals"], reason["reviewers"]) == (["p1"], ["r2"])
    assert (reason["needs"], reason["capacity"]) == (1, 0.5)
    assert assignment_check(data, result)["ok"]
    assert assign(data, mode="sum").feasible


def test_unsatisfiable_min_loads_are_explained():
    data = {
        "proposals": [{"id": "p1", "reviewers": 1}, {"id": "p2", "reviewers": 1}],
        "reviewers": [
            {"id": "r1", "max_load": 2, "min_load": 1},
            {"id": "r2", "max_load": 2, "min_load": 1},
        ],
        "affinity": {"p1": {"r1": 1}, "p2": {"r1": 1}},
    }

    (reason,) = assign(data).infeasible

    assert reason["reason"] == "min_load_unreachable"
    assert reason["reviewer"] == "r2"


# ------------------------------------------------------------------ checker
def test_checker_reports_each_kind_of_violation():
    data = small()
    good = assign(data).to_dict()

    def violations(table, **extra):
        return assignment_check(data, {**good, "assignment": table, **extra})["violations"]

    assert violations({"p1": ["r1", "r1"], "p2": ["r3"]})[:2] == [
        "assignment['p1']: a reviewer appears twice",
        "assignment['p1']: 1 distinct reviewers, needs 2",
    ]
    assert "assignment['p2']: 'r2' has a conflict with it" in violations(
        {"p1": ["r1", "r2"], "p2": ["r2"]}
    )
    assert "loads['r2']: 2 reviews, outside [0, 1]" not in violations(
        {"p1": ["r1", "r2"], "p2": ["r1"]}
    )
    assert "loads['r3']: 0 reviews, outside [1, 1]" in violations(
        {"p1": ["r1", "r2"], "p2": ["r1"]}
    )
    (wrong,) = violations({"p1": ["r1", "r2"], "p2": ["r3"]}, objective=9.0)
    assert wrong.startswith("objective: reported 9.0, recomputed 2.3")
    worse = {**good, "assignment": {"p1": ["r1", "r3"], "p2": ["r1"]}, "scores": None}
    worse.pop("objective")
    report = assignment_check(data, worse)
    assert report["optimal"] is False
    assert report["violations"][-1].startswith("certificate: dual bound")


def test_checker_reports_an_ineligible_pair():
    data = small()
    data["affinity"]["p2"] = {"r1": 0.7, "r3": 0.6}
    report = assignment_check(data, {"assignment": {"p1": ["r1", "r3"], "p2": ["r2"]}})

    assert "assignment['p2']: 'r2' has a conflict with it" in report["violations"]
    data["conflicts"] = []
    report = assignment_check(data, {"assignment": {"p1": ["r1", "r3"], "p2": ["r2"]}})
    assert "assignment['p2']: 'r2' is not eligible (not in affinity)" in report["violations"]


def roomy():
    """small() with a fourth reviewer, so that a cap of 0.5 leaves room."""
    data = small()
    data["reviewers"].append({"id": "r4", "max_load": 2})
    data["affinity"]["p1"]["r4"] = 0.3
    data["affinity"]["p2"]["r4"] = 0.2
    return data


def test_checker_reports_marginals_above_the_cap():
    data = roomy()
    r = assign(data, mode="randomized").to_dict()
    r["marginals"]["p1"]["r1"] = 0.75

    violations = assignment_check(data, r)["violations"]

    assert "marginals['p1']['r1']: 0.75 outside [0, cap 0.5]" in violations


# ---------------------------------------------------------------------- CLI
@pytest.fixture
def instance_file(tmp_path):
    path = tmp_path / "instance.json"
    path.write_text(json.dumps(roomy()), encoding="utf-8")
    return path


@pytest.mark.parametrize("mode", ["sum", "fair", "randomized"])
def test_cli_assign_then_check(instance_file, tmp_path, capsys, mode):
    out = tmp_path / "result.json"

    assert main(["assign", str(instance_file), "--mode", mode, "--seed", "3", "-o", str(out)]) == 0
    assert main(["assign-check", str(instance_file), str(out)]) == 0

    result = json.loads(out.read_text(encoding="utf-8"))
    assert result["mode"] == mode
    assert result["seed"] == 3
    assert result["status"] == "ok"
    assert set(result) >= {"assignment", "objective", "scores", "loads", "warnings", "explanations"}
    assert result["cap"] == (0.5 if mode == "randomized" else None)
    assert ("marginals" in result) == (mode == "randomized")
    optimal = " and optimal (dual certificate)" if mode != "fair" else ""
    assert capsys.readouterr().out == f"ok: valid{optimal}\n"


def test_cli_exit_codes(instance_file, tmp_path, capsys):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({**small(), "proposals": [{"id": "p1", "reviewers": -1}]}))
    assert main(["assign", str(bad)]) == 2
    assert "proposals[0] ('p1').reviewers: negative value -1" in capsys.readouterr().err
    assert main(["assign", str(instance_file), "--mode", "nope"]) == 2
    assert main(["assign", str(instance_file), "--cap", "0.31416", "--mode", "randomized"]) == 2

    impossible = tmp_path / "impossible.json"
    data = small()
    data["reviewers"][0]["max_load"] = 0
    data["reviewers"][1]["max_load"] = 0
    impossible.write_text(json.dumps(data))
    out = tmp_path / "r.json"
    capsys.readouterr()
    assert main(["assign", str(impossible), "-o", str(out)]) == 1
    assert json.loads(out.read_text())["status"] == "infeasible"
    assert capsys.readouterr().err.startswith("infeasible: ")
    assert main(["assign-check", str(impossible), str(out)]) == 0
    assert capsys.readouterr().out == "ok: infeasible, the reasons given hold\n"

    wrong = tmp_path / "wrong.json"
    wrong.write_text(json.dumps({"assignment": {"p1": ["r1"], "p2": ["r3"]}}))
    assert main(["assign-check", str(instance_file), str(wrong)]) == 1
    assert capsys.readouterr().out == "assignment['p1']: 1 distinct reviewers, needs 2\n"


def test_assignment_arrays_are_read_only():
    a = assign(small())

    assert not a.chosen.flags.writeable
    assert not a.instance.aff.flags.writeable
    assert np.isclose(a.bound, a.objective)


def test_assignment_modules_import_no_django():
    code = (
        "import sys, kakehashi_match.assign, kakehashi_match.review, kakehashi_match.flow; "
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in "
        "('django', 'kakehashi', 'ninja', 'celery', 'rules')); print(bad)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)

    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
