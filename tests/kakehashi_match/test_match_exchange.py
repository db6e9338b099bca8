"""Balanced exchange (mode exchange): two-sided top trading cycles.

What is proved here: the path-following implementation equals the
round-by-round pure-Python reference; every result is valid, balanced
within the tolerance and priority-respecting; brute force over all
assignments of tiny markets finds no balanced Pareto improvement (and
agrees with the exact MILP the certificate uses); no student gains by any
misreport of up to two projects; on Canada–Japan markets of 100–200
students (country level, tolerance 0 and 2, and organisation level) the
exact MILP finds no balanced Pareto improvement.
"""

import itertools
import json

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from match_profiles import PROFILE

import kakehashi_match as km
from kakehashi_match.brute import best_misreport_gain
from kakehashi_match.certificate import audit
from kakehashi_match.cli import main
from kakehashi_match.exchange import (
    EXAMPLE,
    exchange_certificate,
    exchange_spec,
    pareto_improvement,
    two_sided_ttc,
    unit_flows,
)
from kakehashi_match.generate import random_exchange_instance
from kakehashi_match.market import compile_market
from kakehashi_match.reference import two_sided_ttc_reference
from kakehashi_match.rounds import second_round


def _three_countries():
    """Three units, one student each, each wanting the next unit's project:
    no two-way swap exists, only the three-way cycle A→B→C→A. Student mode
    also places a fourth student (a2, second at A) at B's second place,
    which leaves A exporting two and importing one."""
    return {
        "students": {"a1": ["pb"], "a2": ["pb2"], "b1": ["pc"], "c1": ["pa"]},
        "projects": {
            "pa": {"capacity": 1, "supervisor": "La"},
            "pb": {"capacity": 1, "supervisor": "Lb"},
            "pb2": {"capacity": 1, "supervisor": "Lb"},
            "pc": {"capacity": 1, "supervisor": "Lc"},
        },
        "supervisors": {
            "La": {"ranking": ["c1"], "organisation": "A"},
            "Lb": {"ranking": ["a1", "a2"], "organisation": "B"},
            "Lc": {"ranking": ["b1"], "organisation": "C"},
        },
        "organisations": {"A": {}, "B": {}, "C": {}},
        "exchange": {
            "homes": {"a1": "A", "a2": "A", "b1": "B", "c1": "C"},
            "priorities": {"A": ["a1", "a2"]},
            "balance": "organisations",
        },
    }


# ----------------------------------------------------------------- the key


def test_exchange_key_round_trips_and_tolerance_defaults_to_zero():
    inst = km.Instance.from_dict(EXAMPLE)
    canon = inst.to_dict()

    assert canon["exchange"] == {
        "balance": "groups",
        "homes": {"ca1": "UBC", "ca2": "UBC", "jp1": "ATR"},
        "priorities": {"CA": ["ca1", "ca2"]},
        "tolerance": 0,
    }
    assert json.loads(inst.canonical_text()) == canon
    explicit = {**EXAMPLE, "exchange": {**EXAMPLE["exchange"], "tolerance": 0}}
    assert km.Instance.from_dict(explicit).input_hash == inst.input_hash
    without = {k: v for k, v in EXAMPLE.items() if k != "exchange"}
    assert km.Instance.from_dict(without).input_hash != inst.input_hash


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"balance": "countries"}, "exchange.balance: expected one of 'organisations', 'groups'"),
        ({"tolerance": -1}, "exchange.tolerance: expected a non-negative integer, got -1"),
        ({"homes": {"ca1": "UBC", "jp1": "ATR"}}, "no home organisation for students ['ca2']"),
        ({"homes": {"ca1": "UBC", "ca2": "XX", "jp1": "ATR"}}, "'ca2' ('XX')"),
        ({"homes": {"ca1": "UBC", "ca2": "UBC", "jp1": "ATR", "zz": "UBC"}}, "['zz']"),
        ({"priorities": {"UBC": ["ca1"]}}, "priorities['UBC']: unknown group id"),
        ({"priorities": {"CA": ["jp1"]}}, "students whose home is not this unit ['jp1']"),
        ({"priorities": {"CA": ["ca1", "ca1"]}}, "students listed twice ['ca1']"),
        ({"colour": 1}, "exchange: unknown keys ['colour']"),
    ],
)
def test_bad_exchange_key_is_refused_naming_the_entry(change, message):
    data = {**EXAMPLE, "exchange": {**EXAMPLE["exchange"], **change}}

    with pytest.raises(ValueError, match=None) as err:
        km.Instance.from_dict(data)

    assert message in str(err.value)


def test_group_balance_needs_every_home_in_a_group():
    data = {**EXAMPLE, "groups": {"CA": {"organisations": ["UBC"], "capacity": 5}}}
    data["exchange"] = {**EXAMPLE["exchange"], "priorities": {}}

    with pytest.raises(ValueError, match=r"every home organisation must be in a group.*jp1"):
        km.Instance.from_dict(data)


def test_a_ranked_project_outside_every_unit_is_refused_in_exchange_mode_only():
    data = json.loads(json.dumps(EXAMPLE))
    data["projects"]["free"] = {"capacity": 1, "ranking": ["ca1"]}
    data["students"]["ca1"] = ["free", "jp"]

    with pytest.raises(ValueError, match=r"projects \['free'\] are in no group"):
        km.solve(data, mode="exchange")
    assert km.solve(data).assignments["ca1"] == "free"


def test_other_modes_accept_the_key_and_say_it_was_ignored():
    warnings = km.solve(EXAMPLE, mode="student").to_dict()["warnings"]

    assert {"kind": "exchange_ignored_outside_exchange_mode"} in warnings
    assert "exchange" not in km.solve(EXAMPLE).to_dict()


def test_exchange_mode_needs_the_key_and_a_known_option():
    plain = {k: v for k, v in EXAMPLE.items() if k != "exchange"}

    with pytest.raises(ValueError, match="has no 'exchange' key"):
        km.solve(plain, mode="exchange")
    with pytest.raises(ValueError, match="pareto_check: expected 'auto', true or false"):
        km.solve(EXAMPLE, mode="exchange", pareto_check="yes")
    with pytest.raises(ValueError, match="not understood in mode 'exchange'"):
        km.solve(EXAMPLE, mode="exchange", lower_quotas={})


# ----------------------------------------------------------------- examples


def test_worked_example_result_certificate_and_explanations():
    r = km.solve(EXAMPLE, mode="exchange")
    d = r.to_dict()

    assert r.assignments == {"ca1": "jp", "ca2": None, "jp1": "ca"}
    assert d["certificate"]["balance"] == {
        "CA": {"exports": 1, "imports": 1, "net": 0, "within_tolerance": True},
        "JP": {"exports": 1, "imports": 1, "net": 0, "within_tolerance": True},
    }
    assert d["certificate"]["balanced"] is True
    assert d["certificate"]["priority_respecting"] is True
    assert d["certificate"]["pareto"] == {
        "checked": True,
        "exists": False,
        "improved": 0,
        "method": "milp",
        "status": "optimal",
    }
    assert d["students"]["ca2"]["better_choices"] == [
        {"project": "jp2", "rank": 1, "reason": "balance", "unit": "JP"},
        {
            "cutoff": "ca1",
            "cutoff_position": 1,
            "project": "jp",
            "rank": 2,
            "reason": "lower_priority",
            "your_position": 2,
        },
    ]
    assert d["exchange"]["units"]["CA"] == {
        "domestic": 0,
        "exports": 1,
        "gained_vs_student_mode": 0,
        "imports": 1,
        "lost_vs_student_mode": 1,
        "net": 0,
        "placed": 1,
        "student_mode": {"exports": 2, "imports": 1, "net": -1, "placed": 2},
        "students": 2,
    }
    assert d["exchange"]["lottery_units"] == ["JP"]
    assert d["exchange"]["priority_orders"] == {"JP": ["jp1"]}
    assert json.loads(r.to_json()) == d
    assert km.check(EXAMPLE, r) == {"ok": True, "violations": [], "blocking_pairs": 1}


def test_three_way_cycle_balances_what_student_mode_cannot():
    data = _three_countries()

    stable = km.solve(data, mode="student").assignments
    r = km.solve(data, mode="exchange")

    assert stable == {"a1": "pb", "a2": "pb2", "b1": "pc", "c1": "pa"}
    assert r.assignments == {"a1": "pb", "a2": None, "b1": "pc", "c1": "pa"}
    units = r.to_dict()["exchange"]["units"]
    assert [(u, units[u]["exports"], units[u]["imports"]) for u in "ABC"] == [
        ("A", 1, 1),
        ("B", 1, 1),
        ("C", 1, 1),
    ]
    assert units["A"]["student_mode"] == {"exports": 2, "imports": 1, "net": -1, "placed": 2}
    assert r.to_dict()["students"]["a2"]["better_choices"] == [
        {"project": "pb2", "rank": 1, "reason": "balance", "unit": "B"}
    ]


def test_tolerance_one_places_the_student_balance_kept_home():
    data = _three_countries()
    data["exchange"]["tolerance"] = 1

    r = km.solve(data, mode="exchange")
    d = r.to_dict()

    assert r.assignments == {"a1": "pb", "a2": "pb2", "b1": "pc", "c1": "pa"}
    assert {u: b["net"] for u, b in d["certificate"]["balance"].items()} == {
        "A": -1,
        "B": 1,
        "C": 0,
    }
    assert d["certificate"]["balanced"] is True


def test_worked_example_with_tolerance_one_places_everyone_through_the_credit():
    data = json.loads(json.dumps(EXAMPLE))
    data["exchange"]["tolerance"] = 1

    d = km.solve(data, mode="exchange").to_dict()

    assert d["assignments"] == {"ca1": "jp", "ca2": "jp2", "jp1": "ca"}
    assert {u: b["net"] for u, b in d["certificate"]["balance"].items()} == {"CA": -1, "JP": 1}
    assert d["certificate"]["pareto"]["exists"] is False


def test_priorities_decide_who_goes_when_places_are_scarce():
    data = json.loads(json.dumps(EXAMPLE))
    data["exchange"]["priorities"] = {"CA": ["ca2", "ca1"]}

    assert km.solve(data, mode="exchange").assignments == {
        "ca1": None,
        "ca2": "jp2",
        "jp1": "ca",
    }


def test_unit_lottery_is_the_seeded_one_and_recorded():
    data = json.loads(json.dumps(EXAMPLE))
    data["exchange"]["priorities"] = {}
    orders = set()
    for seed in range(8):
        r = km.solve(data, mode="exchange", seed=seed)
        d = r.to_dict()
        order = d["exchange"]["priority_orders"]["CA"]
        orders.add(tuple(order))
        first = order[0]
        assert r.assignments[first] is not None
        assert d["exchange"]["lottery_units"] == ["CA", "JP"]
        assert r.to_json() == km.solve(data, mode="exchange", seed=seed).to_json()
    assert orders == {("ca1", "ca2"), ("ca2", "ca1")}


# ----------------------------------------------------------------- properties


def _market(seed, n=12, balance="groups", tolerance=0, **kw):
    d = random_exchange_instance(
        n,
        8,
        list_length=3,
        n_supervisors=5,
        n_organisations=4,
        supervisor_slack=0.8,
        organisation_slack=0.8,
        balance=balance,
        tolerance=tolerance,
        seed=seed,
        **kw,
    )
    return d, compile_market(km.Instance.from_dict(d), seed % 7)


@PROFILE
@given(
    st.integers(0, 2**32 - 1),
    st.sampled_from(["groups", "organisations"]),
    st.integers(0, 2),
)
def test_fast_equals_reference_and_result_is_feasible_balanced_priority_respecting(
    seed, balance, tol
):
    _, m = _market(seed, balance=balance, tolerance=tol)

    held, _ = two_sided_ttc(m)

    assert np.array_equal(held, two_sided_ttc_reference(m))
    a = audit(m, held)
    assert a.valid
    cert = exchange_certificate(exchange_spec(m), m, held, pareto_check=True)
    assert cert["balanced"]
    assert all(abs(b["net"]) <= tol for b in cert["balance"].values())
    assert cert["priority_respecting"]
    assert cert["pareto"]["exists"] is False


@PROFILE
@given(st.integers(0, 2**32 - 1), st.integers(0, 1))
def test_every_passed_over_choice_is_explained_truthfully(seed, tol):
    data, m = _market(seed, tolerance=tol)
    r = km.solve(m.instance, mode="exchange", seed=m.seed, pareto_check=False)
    d = r.to_dict()
    a = audit(m, r.held)
    pid = {p: i for i, p in enumerate(m.instance.project_ids)}
    sid = {s: i for i, s in enumerate(m.instance.student_ids)}
    spec = exchange_spec(m)

    for s, row in d["students"].items():
        lst = data["students"][s]
        stop = lst.index(row["project"]) if row["project"] else len(lst)
        assert [c["project"] for c in row["better_choices"]] == lst[:stop]
        for c in row["better_choices"]:
            p = pid[c["project"]]
            e = m.stu_ptr[sid[s]] + c["rank"] - 1
            if c["reason"] == "not_ranked_by_host":
                assert m.edge_key[e] < 0
            elif c["reason"] == "project_full":
                assert a.count_p[p] == m.cap_p[p]
            elif c["reason"] == "lower_priority":
                mate = sid[c["cutoff"]]
                assert spec.home_unit[mate] == spec.home_unit[sid[s]]
                assert c["cutoff_position"] < c["your_position"]
                assert spec.position[mate] + 1 == c["cutoff_position"]
            elif c["reason"] == "balance":
                assert c["unit"] == spec.unit_ids[spec.proj_unit[p]]
            else:
                assert c["reason"] in {"supervisor_full", "organisation_full"}


def _all_assignments(m):
    ptr = m.stu_ptr.tolist()
    choices = [[-1, *range(ptr[s], ptr[s + 1])] for s in range(len(ptr) - 1)]
    for combo in itertools.product(*choices):
        yield np.asarray(combo, dtype=np.int64)


def _feasible(spec, m, held):
    if not audit(m, held).valid:
        return False
    f = unit_flows(spec, m, held)
    return bool(np.all(np.abs(f["imports"] - f["exports"]) <= spec.tolerance))


def _dominates(m, better, worse):
    n = len(m.stu_ptr) - 1
    rb = np.where(better >= 0, better, m.stu_ptr[1:] + n)
    rw = np.where(worse >= 0, worse, m.stu_ptr[1:] + n)
    return bool(np.all(rb <= rw) and np.any(rb < rw))


@PROFILE
@given(st.integers(0, 2**32 - 1), st.integers(0, 1), st.sampled_from(["groups", "organisations"]))
def test_brute_force_finds_no_balanced_pareto_improvement_and_agrees_with_the_milp(
    seed, tol, balance
):
    data = random_exchange_instance(
        5,
        4,
        list_length=2,
        n_supervisors=3,
        n_organisations=3,
        capacity=(1, 2),
        supervisor_slack=0.7,
        balance=balance,
        tolerance=tol,
        seed=seed,
    )
    m = compile_market(km.Instance.from_dict(data), 0)
    spec = exchange_spec(m)
    held, _ = two_sided_ttc(m)
    feasible = [h for h in _all_assignments(m) if _feasible(spec, m, h)]

    assert not any(_dominates(m, h, held) for h in feasible)
    # the MILP the certificate uses says the same as brute force, also of
    # assignments that are not efficient
    for h in feasible[:: max(1, len(feasible) // 6)]:
        brute = any(_dominates(m, g, h) for g in feasible)
        assert pareto_improvement(spec, m, h)["exists"] is brute


@PROFILE
@given(st.integers(0, 2**32 - 1), st.integers(0, 1), st.sampled_from(["groups", "organisations"]))
def test_no_student_gains_by_misreporting(seed, tol, balance):
    data = random_exchange_instance(
        5,
        4,
        list_length=2,
        n_supervisors=3,
        n_organisations=3,
        capacity=(1, 2),
        balance=balance,
        tolerance=tol,
        seed=seed,
    )

    def solve_fn(d):
        return km.solve(d, mode="exchange", seed=0, pareto_check=False).assignments

    for s in data["students"]:
        assert best_misreport_gain(data, solve_fn, s, max_len=2) <= 0


# ----------------------------------------------------------------- Canada–Japan


@pytest.mark.parametrize(
    ("n", "balance", "tol", "seed"),
    [
        (100, "groups", 0, 1),
        (150, "groups", 0, 2),
        (200, "groups", 0, 3),
        (100, "groups", 2, 4),
        (150, "groups", 2, 5),
        (200, "groups", 2, 6),
        (120, "organisations", 0, 7),
        (200, "organisations", 0, 8),
        (200, "organisations", 1, 9),
    ],
)
def test_canada_japan_markets_feasible_balanced_and_balanced_efficient(n, balance, tol, seed):
    data = random_exchange_instance(
        n,
        n // 5,
        list_length=5,
        n_supervisors=n // 10,
        n_organisations=8,
        capacity=(1, 3),
        supervisor_slack=0.8,
        organisation_slack=0.9,
        balance=balance,
        tolerance=tol,
        seed=seed,
    )

    r = km.solve(data, mode="exchange", seed=seed, pareto_check=True)
    cert = r.to_dict()["certificate"]

    assert cert["valid"]
    assert cert["balanced"]
    assert max(abs(b["net"]) for b in cert["balance"].values()) <= tol
    assert cert["priority_respecting"]
    assert cert["pareto"]["checked"] and cert["pareto"]["status"] == "optimal"
    assert cert["pareto"]["exists"] is False
    assert km.check(data, r)["ok"]
    student = km.solve(data, mode="student", seed=seed)
    assert r.to_dict()["exchange"]["placed_student_mode"] == student.summary()["matched"]


def test_round_two_drops_the_exchange_key():
    r1 = km.solve(EXAMPLE, mode="exchange")

    r2 = second_round(EXAMPLE, r1.assignments, declined=["jp1"])

    assert r2.assignments == {"ca2": "jp2"}
    assert "exchange_ignored_outside_exchange_mode" not in json.dumps(r2.to_dict())


# ----------------------------------------------------------------- check and CLI


def test_check_names_unbalanced_units_and_passed_over_students():
    data = _three_countries()
    stable = km.solve(data, mode="student").assignments

    report = km.check(data, {"assignments": stable, "run": {"mode": "exchange"}})

    assert report["violations"] == [
        "unit 'A' out of balance: 1 imports, 2 exports (tolerance 0)",
        "unit 'B' out of balance: 2 imports, 1 exports (tolerance 0)",
    ]
    swapped = {"a1": None, "a2": "pb2", "b1": None, "c1": None}
    report = km.check(data, {"assignments": swapped, "run": {"mode": "exchange"}})
    assert "unit 'A' out of balance: 0 imports, 1 exports (tolerance 0)" in report["violations"]
    assert (
        "a balanced Pareto improvement exists (2 students better off, none worse)"
        in report["violations"]
    )


def test_cli_solves_and_checks_exchange(tmp_path, capsys):
    inst, res = tmp_path / "i.json", tmp_path / "r.json"
    inst.write_text(json.dumps(EXAMPLE))

    assert main(["solve", str(inst), "--mode", "exchange", "-o", str(res)]) == 0
    assert main(["check", str(inst), str(res)]) == 0
    assert capsys.readouterr().out == "ok: valid, balanced and priority-respecting\n"
    assert json.loads(res.read_text()) == km.solve(EXAMPLE, mode="exchange").to_dict()
    bad = json.loads(res.read_text())
    bad["assignments"]["ca2"] = "jp2"
    res.write_text(json.dumps(bad))
    assert main(["check", str(inst), str(res)]) == 1
    assert "unit 'CA' out of balance: 1 imports, 2 exports (tolerance 0)" in capsys.readouterr().out


@pytest.mark.parametrize("mode", ["student", "exchange"])
def test_an_organisation_without_supervisors_or_students_is_certified(mode):
    data = {
        "students": {},
        "projects": {},
        "organisations": {"A": {}},
        "exchange": {"homes": {}, "balance": "organisations", "tolerance": 2},
    }

    r = km.solve(data, mode=mode)

    assert r.assignments == {}
    assert r.to_dict()["organisations"] == {"A": {"capacity": None, "cutoff": None, "filled": 0}}
    assert km.check(data, r)["ok"]
