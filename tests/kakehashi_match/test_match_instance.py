"""Instance parsing, validation and the canonical hash."""

import json

import numpy as np
import pytest

from kakehashi_match import Instance, instance_hash, solve


def _base():
    return {
        "students": {"s1": ["p1", "p2"], "s2": ["p1"]},
        "projects": {
            "p1": {"capacity": 1, "supervisor": "L"},
            "p2": {"capacity": 1, "supervisor": "L"},
        },
        "supervisors": {"L": {"capacity": 2, "ranking": ["s2", "s1"], "organisation": "O"}},
        "organisations": {"O": {"capacity": 2}},
    }


def test_instance_from_dict_indexes_lists_in_sorted_id_order():
    inst = Instance.from_dict(_base())

    assert inst.student_ids == ("s1", "s2")
    assert inst.stu_ptr.tolist() == [0, 2, 3]
    assert inst.edge_proj.tolist() == [0, 1, 0]
    assert not inst.edge_proj.flags.writeable


def test_instance_from_dict_never_mutates_input():
    data = _base()
    before = json.dumps(data, sort_keys=True)

    solve(data, mode="host")

    assert json.dumps(data, sort_keys=True) == before


def test_instance_hash_ignores_key_order():
    data = _base()
    shuffled = {k: dict(reversed(list(v.items()))) for k, v in reversed(list(data.items()))}

    assert Instance.from_dict(shuffled).input_hash == Instance.from_dict(data).input_hash
    assert Instance.from_dict(data).input_hash == instance_hash(Instance.from_dict(data).to_dict())


def test_instance_to_dict_round_trips_ties():
    data = _base()
    data["supervisors"]["L"]["ranking"] = [["s1", "s2"]]

    out = Instance.from_dict(data).to_dict()

    assert out["supervisors"]["L"]["ranking"] == [["s1", "s2"]]
    assert Instance.from_dict(out).to_dict() == out


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (
            lambda d: d["students"].update(s3=["nope"]),
            r"unknown project ids 'nope' \(ranked by 's3'\)",
        ),
        (lambda d: d["students"].update(s1=["p1", "p1"]), r"'s1' lists 'p1' twice"),
        (
            lambda d: d["projects"]["p1"].update(capacity=-1),
            r"projects\['p1'\]\.capacity: negative",
        ),
        (lambda d: d["projects"]["p1"].update(capacity=1.5), r"projects\['p1'\]\.capacity"),
        (lambda d: d["projects"]["p1"].update(capacity=True), r"projects\['p1'\]\.capacity"),
        (
            lambda d: d["supervisors"]["L"].update(ranking=["s2", "ghost"]),
            r"unknown student ids 'ghost' \(in 'L'\)",
        ),
        (
            lambda d: d["supervisors"]["L"].update(ranking=[["s1", "s2"], "s1"]),
            r"'L' lists 's1' twice.*one tie group",
        ),
        (lambda d: d["projects"]["p1"].update(supervisor="X"), r"unknown supervisor id 'X'"),
        (
            lambda d: d["supervisors"]["L"].update(organisation="X"),
            r"unknown organisation id 'X'",
        ),
        (lambda d: d["projects"]["p1"].update(capcity=1), r"unknown keys \['capcity'\]"),
        (lambda d: d.update(extra=1), r"unknown top-level keys \['extra'\]"),
        (lambda d: d.pop("students"), r"missing required key 'students'"),
        (lambda d: d["students"].update(s1="p1"), r"students\['s1'\]: expected a list"),
        (
            lambda d: d["projects"].update(p3={"capacity": 1}),
            r"projects\['p3'\]: a project without a supervisor needs a 'ranking'",
        ),
        (
            lambda d: d["organisations"]["O"].update(order=["L", "L"]),
            r"supervisor 'L' listed twice",
        ),
    ],
)
def test_instance_from_dict_rejects_bad_input(mutate, message):
    data = _base()
    mutate(data)

    with pytest.raises(ValueError, match=message):
        Instance.from_dict(data)


def test_instance_from_json_rejects_malformed_json():
    with pytest.raises(ValueError, match="malformed JSON"):
        Instance.from_json('{"students": ')


def test_solve_rejects_contradicting_project_ranking():
    data = _base()
    data["students"]["s2"] = ["p1", "p2"]
    data["projects"]["p2"]["ranking"] = ["s1", "s2"]  # supervisor says s2 first

    with pytest.raises(
        ValueError, match="rankings contradict each other under host supervisor 'L'"
    ):
        solve(data)


def test_solve_rejects_bad_mode_and_seed():
    with pytest.raises(ValueError, match="mode: unknown mode 'fastest'"):
        solve(_base(), mode="fastest")
    with pytest.raises(ValueError, match="seed: expected a non-negative integer"):
        solve(_base(), seed=-1)


def test_instance_unranked_student_is_unacceptable():
    data = _base()
    data["supervisors"]["L"]["ranking"] = ["s2"]

    r = solve(data)

    assert r.assignments == {"s1": None, "s2": "p1"}
    assert r.to_dict()["students"]["s1"]["better_choices"][0]["reason"] == "not_ranked_by_host"
    assert np.array_equal(r.market.edge_key < 0, np.array([True, True, False]))
