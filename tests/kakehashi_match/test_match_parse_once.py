"""One parse per run: ``solve`` and ``check`` take the parsed Instance and
the Result as they are, and ``Result.to_dict()`` is exactly what a JSON
round trip of the result gives (the web project stores it as it is)."""

import json

import pytest

import kakehashi_match as km
from kakehashi_match import instance as instance_module
from kakehashi_match.generate import random_instance
from kakehashi_match.rounds import second_round


def _groups_instance():
    data = random_instance(
        40, 10, list_length=3, n_supervisors=4, n_organisations=3, capacity=(1, 3),
        supervisor_slack=0.8, organisation_slack=0.9, seed=4,
    )  # fmt: skip
    orgs = sorted(data["organisations"])
    data["groups"] = {
        "G": {
            "organisations": orgs[:2],
            "capacity": 5,
            "targets": {orgs[0]: 2},
            "order": [orgs[1], orgs[0]],
        }
    }
    return data


def _results():
    ties = random_instance(40, 8, list_length=3, tie_fraction=0.4, project_rankings=True, seed=3)
    plain = random_instance(30, 6, list_length=4, unranked_fraction=0.2, seed=8)
    first = km.solve(plain, seed=1)
    declined = sorted(s for s, p in first.assignments.items() if p is not None)[:3]
    return {
        "student": km.solve(plain, seed=1),
        "host": km.solve(plain, mode="host", seed=2),
        "ties": km.solve(ties, mode="ties", seed=5),
        "flexible with groups and targets": km.solve(_groups_instance(), mode="flexible"),
        "welfare with lower quotas": km.solve(
            plain, mode="welfare", lower_quotas={sorted(plain["organisations"])[0]: 1}
        ),
        "round two": second_round(plain, first.assignments, declined, seed=3),
    }


@pytest.mark.parametrize("name", list(_results()))
@pytest.mark.parametrize("explain", [True, False])
def test_to_dict_equals_the_json_round_trip_key_order_included(name, explain):
    result = _results()[name]

    loaded = json.loads(result.to_json(explain=explain))
    direct = result.to_dict(explain=explain)

    assert direct == loaded
    # the same keys in the same order at every level
    assert json.dumps(direct, ensure_ascii=False) == json.dumps(loaded, ensure_ascii=False)


def test_to_dict_shares_no_object_with_the_result():
    result = _results()["round two"]

    result.to_dict()["combined_assignments"].clear()
    result.to_dict()["run"]["options"]["x"] = 1

    assert result.to_dict() == json.loads(result.to_json())


def test_a_run_parses_the_instance_once(monkeypatch):
    data = _groups_instance()
    calls = []
    parse = instance_module.instance_fields

    def counting(arg):
        calls.append(1)
        return parse(arg)

    monkeypatch.setattr(instance_module, "instance_fields", counting)

    inst = km.Instance.from_dict(data)
    result = km.solve(inst, mode="flexible", seed=2)
    stored = result.to_dict()
    report_from_object = km.check(inst, result)
    report_from_dict = km.check(inst, stored)

    assert len(calls) == 1
    assert (
        report_from_object
        == report_from_dict
        == {
            "ok": True,
            "violations": [],
            "blocking_pairs": 0,
        }
    )


def test_check_of_the_objects_equals_check_of_the_json():
    data = random_instance(30, 6, list_length=4, unranked_fraction=0.2, seed=8)
    inst = km.Instance.from_dict(data)
    result = km.solve(inst, seed=4)
    tampered = result.to_dict()
    first = sorted(tampered["assignments"])[0]
    tampered["assignments"][first] = None

    assert km.check(inst, result) == km.check(data, result.to_json())
    assert km.check(inst, tampered) == km.check(data, json.dumps(tampered))
    assert km.check(inst, tampered)["ok"] is False
