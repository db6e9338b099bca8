"""MatchPolicy: the one validator of a call's match policy, its errors and its data."""

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from kakehashi.core.enums import Direction
from kakehashi.organisations.enums import OrganisationType
from kakehashi.programs.policy import (
    SEED_MAX,
    Cap,
    MatchPolicy,
    PolicyError,
    caps_from_lines,
)

KANSAI = {
    "label": "Kansai",
    "kind": "region",
    "values": ["JP-26", "JP-27"],
    "capacity": 3,
    "reserves": {"42": 1},
}


def _refusal(data, **kwargs) -> dict:
    with pytest.raises(PolicyError) as exc:
        MatchPolicy.from_data(data, **kwargs)
    return {k: [str(m) for m in v] for k, v in exc.value.message_dict.items()}


def _cap(**changes) -> dict:
    return {**KANSAI, **changes}


# ---------------------------------------------------------------- data


def test_policy_default_is_student_seed_zero_without_caps():
    assert MatchPolicy.from_data({}) == MatchPolicy()
    assert MatchPolicy.from_data(None).to_data() == {"mode": "student", "seed": 0, "caps": []}
    assert MatchPolicy().engine_mode == "student"


def test_policy_round_trip_keeps_order_and_fills_reserves():
    data = {
        "mode": "student",
        "seed": 7,
        "caps": [
            KANSAI,
            {"label": "Firms", "kind": "sector", "values": ["company"], "capacity": 2},
        ],
    }

    policy = MatchPolicy.from_data(data)

    assert policy.caps[0] == Cap(
        label="Kansai",
        kind="region",
        values=("JP-26", "JP-27"),
        capacity=3,
        reserves=(("42", 1),),
    )
    assert policy.engine_mode == "flexible"
    assert policy.to_data() == {
        "mode": "student",
        "seed": 7,
        "caps": [
            KANSAI,
            {
                "label": "Firms",
                "kind": "sector",
                "values": ["company"],
                "capacity": 2,
                "reserves": {},
            },
        ],
    }
    assert MatchPolicy.from_data(policy.to_data()) == policy
    assert data["caps"][1] == {
        "label": "Firms",
        "kind": "sector",
        "values": ["company"],
        "capacity": 2,
    }


def test_policy_strips_the_label_and_the_reserve_key():
    policy = MatchPolicy.from_data({"caps": [_cap(label=" Kansai ", reserves={" 42 ": 1})]})

    assert (policy.caps[0].label, policy.caps[0].reserves) == ("Kansai", (("42", 1),))


def test_policy_from_stored_reads_without_checking():
    stored = {
        "caps": [
            {
                "label": "Kyoto",
                "kind": "region",
                "values": ["JP-26"],
                "capacity": 2,
                "reserves": {"JP-26": 1},
            }
        ]
    }

    policy = MatchPolicy.from_stored(stored)

    assert policy == MatchPolicy(caps=(Cap("Kyoto", "region", ("JP-26",), 2, (("JP-26", 1),)),))
    assert MatchPolicy.from_stored(None) == MatchPolicy()


def test_policy_reserves_resolved_by_the_organisation_lookup():
    asked = []

    def lookup(keys):
        asked.append(keys)
        return {"https://ror.org/01pe1d703": 7, "42": 42}

    policy = MatchPolicy.from_data(
        {"caps": [_cap(reserves={"https://ror.org/01pe1d703": 1, "42": 1})]},
        organisations=lookup,
    )

    assert asked == [["42", "https://ror.org/01pe1d703"]]
    assert policy.caps[0].reserves == (("7", 1), ("42", 1))


# ---------------------------------------------------------------- refusals, one by one


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        ([], {"__all__": ["The match policy must be a JSON object."]}),
        ({"cap": []}, {"__all__": ["Unknown keys in the match policy: cap."]}),
        (
            {"mode": "lottery"},
            {"mode": ["The mode must be one of student, host, welfare, exchange."]},
        ),
        ({"seed": -1}, {"seed": ["The seed must be a whole number from 0."]}),
        ({"seed": True}, {"seed": ["The seed must be a whole number from 0."]}),
        ({"seed": SEED_MAX + 1}, {"seed": ["The seed must be a whole number from 0."]}),
        ({"caps": {}}, {"caps": ["Caps must be a list."]}),
        ({"caps": ["Kansai"]}, {"caps.0": ["Each cap must be a JSON object."]}),
        ({"caps": [_cap(limit=1)]}, {"caps.0": ["Unknown keys in a cap: limit."]}),
        ({"caps": [_cap(label=" ")]}, {"caps.0.label": ["Give the cap a label."]}),
        (
            {"caps": [_cap(), _cap(label="Kansai", values=["JP-13"])]},
            {"caps.1.label": ["Two caps are labelled “Kansai”."]},
        ),
        (
            {"caps": [_cap(kind="country")]},
            {"caps.0.kind": ["The kind must be one of region, sector, direction."]},
        ),
        ({"caps": [_cap(values=[])]}, {"caps.0.values": ["List at least one value."]}),
        ({"caps": [_cap(values="JP-26")]}, {"caps.0.values": ["List at least one value."]}),
        ({"caps": [_cap(values=["JP-26", "XX-1"])]}, {"caps.0.values": ["Not a region: XX-1."]}),
        (
            {"caps": [_cap(values=["JP-26", "JP-26"])]},
            {"caps.0.values": ["A value is listed twice."]},
        ),
        (
            {"caps": [_cap(), _cap(label="Kyoto", values=["JP-26"], reserves={})]},
            {"caps.1.values": ["JP-26 is already in the cap “Kansai”; caps must not overlap."]},
        ),
        (
            {"caps": [_cap(capacity=-1, reserves={})]},
            {"caps.0.capacity": ["The capacity must be a whole number from 0 to 32767."]},
        ),
        (
            {"caps": [_cap(reserves=["42"])]},
            {"caps.0.reserves": ["Reserves must map organisations to places."]},
        ),
        (
            {"caps": [_cap(reserves={"42": 0})]},
            {"caps.0.reserves": ["Reserve places for “42” must be a whole number from 1."]},
        ),
        (
            {"caps": [_cap(reserves={"JP-26": 1})]},
            {"caps.0.reserves": ["Places are reserved for organisations: “JP-26” is not one."]},
        ),
        (
            {"caps": [_cap(reserves={"42": 2, "43": 2})]},
            {"caps.0.reserves": ["Reserves add up to more than the capacity (3)."]},
        ),
        (
            {"mode": "host", "caps": [_cap()]},
            {
                "mode": [
                    "Caps are applied only by student-proposing matching; "
                    "choose that mode or remove the caps."
                ]
            },
        ),
        (
            {"mode": "welfare", "caps": [_cap()]},
            {
                "mode": [
                    "Caps are applied only by student-proposing matching; "
                    "choose that mode or remove the caps."
                ]
            },
        ),
    ],
)
def test_policy_refusal_names_its_path(data, errors):
    assert _refusal(data) == errors


def test_policy_refuses_reserves_for_unknown_organisations():
    errors = _refusal(
        {"caps": [_cap(reserves={"99": 1, "12": 1, "https://ror.org/01pe1d703": 1})]},
        organisations=lambda keys: {},
    )

    assert errors == {
        "caps.0.reserves": [
            "Places are reserved for organisations: “https://ror.org/01pe1d703” is not one.",
            "No organisation with id 12, 99.",
        ]
    }


def test_policy_error_is_placed_by_field_and_by_row():
    with pytest.raises(PolicyError) as exc:
        MatchPolicy.from_data({"seed": -1, "caps": [_cap(), _cap(kind="country", label="")]})

    error = exc.value
    assert {k: [e.message for e in v] for k, v in error.fields.items()} == {
        "seed": ["The seed must be a whole number from 0."]
    }
    assert {row: sorted(fields) for row, fields in error.caps.items()} == {1: ["kind", "label"]}
    moved = error.under("match_policy", others={"slug": ["Taken."]})
    assert sorted(moved.message_dict) == [
        "match_policy.caps.1.kind",
        "match_policy.caps.1.label",
        "match_policy.seed",
        "slug",
    ]
    assert moved.caps == error.caps


def test_caps_need_student_mode_has_its_code():
    with pytest.raises(PolicyError) as exc:
        MatchPolicy.from_data({"mode": "host", "caps": [_cap()]})

    assert [e.code for e in exc.value.error_dict["mode"]] == ["caps_need_student_mode"]


# ---------------------------------------------------------------- the run form's lines


def test_caps_from_lines_gives_policy_data():
    assert caps_from_lines("JP-13 JP-14 = 3\nJP-26: 1; ", kind="region") == [
        {"label": "JP-13+JP-14", "kind": "region", "values": ["JP-13", "JP-14"], "capacity": 3},
        {"label": "JP-26", "kind": "region", "values": ["JP-26"], "capacity": 1},
    ]


def test_caps_from_lines_refuses_a_line_without_places():
    with pytest.raises(ValidationError) as exc:
        caps_from_lines("Kanto lots", kind="region")

    assert exc.value.messages == ["“Kanto lots” is not a cap; write “values = places”."]


# ---------------------------------------------------------------- property


def _caps():
    pools = {
        "region": ["JP-13", "JP-14", "JP-26", "JP-27", "CA-BC", "CA-ON", "CA-QC"],
        "sector": list(OrganisationType.values),
        "direction": list(Direction.values),
    }

    @st.composite
    def caps(draw):
        out = []
        for kind, pool in pools.items():
            free = list(pool)
            for _ in range(draw(st.integers(0, 2))):
                if not free:
                    break
                values = draw(st.lists(st.sampled_from(free), min_size=1, max_size=3, unique=True))
                free = [v for v in free if v not in values]
                capacity = draw(st.integers(0, 20))
                reserves = draw(
                    st.dictionaries(
                        st.integers(1, 10_000).map(str), st.integers(1, 3), max_size=2
                    ).filter(lambda r, c=capacity: sum(r.values()) <= c)
                )
                out.append(
                    Cap(
                        label=f"{kind}-{len(out)}",
                        kind=kind,
                        values=tuple(values),
                        capacity=capacity,
                        reserves=tuple(reserves.items()),
                    )
                )
        return tuple(draw(st.permutations(out)))

    return caps()


@st.composite
def _policies(draw):
    caps = draw(_caps())
    mode = "student" if caps else draw(st.sampled_from(["student", "host", "welfare"]))
    return MatchPolicy(mode=mode, seed=draw(st.integers(0, SEED_MAX)), caps=caps)


@given(_policies())
def test_policy_from_data_of_to_data_is_the_policy(policy):
    assert MatchPolicy.from_data(policy.to_data()) == policy
    assert MatchPolicy.from_stored(policy.to_data()) == policy
