"""Each measure on a history small enough to work out by hand (values in the comments)."""

from __future__ import annotations

import math

import pytest

import kakehashi_network as kn

ORGS = {
    "ubc": {"type": "university", "country": "CA", "region": "CA-BC", "name": "UBC"},
    "sfu": {"type": "university", "country": "CA", "region": "CA-BC"},
    "atr": {"type": "research_institute", "country": "JP", "region": "JP-26"},
    "sony": {"type": "company", "country": "JP", "region": "JP-13"},
    "inc": {"type": "incubator", "country": "JP", "region": "JP-26"},
}
ACTIVITIES = [
    # ubc–atr (cross-border), ubc–sony (cross-border, cross-sector), atr–sony (cross-sector)
    {"id": "i1", "year": 2025, "kind": "internship", "organisations": ["ubc", "atr", "sony"],
     "route": ["ubc", "atr"], "people": ["intern:1", "sup:1"]},
    # a second activity on ubc–atr: that tie lasts
    {"id": "p1", "year": 2026, "kind": "publication", "organisations": ["ubc", "atr"],
     "people": ["intern:1"]},
    # a new cross-border tie sfu–atr; intern:2 is its conduit
    {"id": "i2", "year": 2026, "kind": "internship", "organisations": ["sfu", "atr"],
     "route": ["sfu", "atr"], "people": ["intern:2"]},
    # an internship on an existing tie: no new tie, no conduit, no route (no flow)
    {"id": "i3", "year": 2026, "kind": "internship", "organisations": ["atr", "ubc"],
     "people": ["intern:3"]},
    # a start-up: a new cross-sector tie, but only internships make conduits
    {"id": "s1", "year": 2027, "kind": "startup", "organisations": ["atr", "inc"],
     "people": ["intern:1"]},
]  # fmt: skip


@pytest.fixture
def result():
    history = kn.History.from_dict(
        {
            "organisations": ORGS,
            "activities": ACTIVITIES,
            "region_groups": {"Keihanna": ["JP-26", "JP-27", "JP-29"]},
        }
    )
    return kn.measure(history)


def test_ties_per_year(result):
    assert result["years"] == {
        "2025": {
            "activities": {"internship": 1},
            "ties_new": 3,
            "ties_new_cross_border": 2,
            "ties_new_cross_sector": 2,
            "ties_new_lasting": 1,
            "ties_total": 3,
            "ties_total_cross_border": 2,
            "conduits": 2,
        },
        "2026": {
            "activities": {"internship": 2, "publication": 1},
            "ties_new": 1,
            "ties_new_cross_border": 1,
            "ties_new_cross_sector": 0,
            "ties_new_lasting": 0,
            "ties_total": 4,
            "ties_total_cross_border": 3,
            "conduits": 1,
        },
        "2027": {
            "activities": {"startup": 1},
            "ties_new": 1,
            "ties_new_cross_border": 0,
            "ties_new_cross_sector": 1,
            "ties_new_lasting": 0,
            "ties_total": 5,
            "ties_total_cross_border": 3,
            "conduits": 0,
        },
    }
    assert (result["ties_count"], result["activities_count"], result["organisations_count"]) == (
        5,
        5,
        5,
    )


def test_conduits_are_the_people_of_internships_that_created_ties(result):
    created = [["atr", "sony"], ["atr", "ubc"], ["sony", "ubc"]]
    assert result["conduits"] == [
        {"person": "intern:1", "activity": "i1", "year": 2025, "ties": created},
        {"person": "sup:1", "activity": "i1", "year": 2025, "ties": created},
        {"person": "intern:2", "activity": "i2", "year": 2026, "ties": [["atr", "sfu"]]},
    ]


def test_flows_between_regions_with_groups(result):
    assert result["flows"] == [{"from": "CA-BC", "to": "Keihanna", "internships": 2}]


def test_brokerage_of_the_hub_worked_by_hand(result):
    # Cumulative weights: ubc–atr 3 (i1, p1, i3); ubc–sony, atr–sony, atr–sfu, atr–inc 1.
    # atr: p = ubc 1/2, sony 1/6, sfu 1/6, inc 1/6.
    # constraint = (1/2 + 1/6·1/2)² + (1/6 + 1/2·1/4)² + 2·(1/6)² = 277/576
    # effective size = (1 − 1/6·1/3) + (1 − 1/2·1) + 1 + 1 = 31/9
    # betweenness: atr is on the only path of 5 of the 6 other pairs: 5/6
    atr = result["organisations"]["atr"]
    assert atr["constraint"] == pytest.approx(277 / 576, abs=1e-6)
    assert atr["effective_size"] == pytest.approx(31 / 9, abs=1e-6)
    assert atr["betweenness"] == pytest.approx(5 / 6, abs=1e-9)
    assert [result["organisations"][o]["betweenness"] for o in ("ubc", "sfu", "sony", "inc")] == [
        0,
        0,
        0,
        0,
    ]
    # A leaf with one tie is fully constrained and has effective size 1.
    assert (
        result["organisations"]["sfu"]["constraint"],
        result["organisations"]["sfu"]["effective_size"],
    ) == (1.0, 1.0)
    snapshot = result["brokerage"][-1]
    assert snapshot["year"] == 2027
    assert snapshot["betweenness_method"] == "exact"
    assert snapshot["top_betweenness"][0] == {"organisation": "atr", "value": round(5 / 6, 6)}
    assert snapshot["lowest_constraint"][0]["organisation"] == "atr"


def test_isolated_organisation_has_no_brokerage():
    history = kn.History.from_dict(
        {
            "organisations": {**ORGS, "alone": {"type": "government", "country": "CA"}},
            "activities": ACTIVITIES,
        }
    )
    alone = kn.measure(history)["organisations"]["alone"]
    assert alone == {
        "effective_size": None,
        "constraint": None,
        "betweenness": 0.0,
        "community": -1,
    }


def test_two_separate_cliques_are_two_communities():
    orgs = {f"o{i}": {"type": "company", "country": "JP"} for i in range(8)}
    acts = [
        {"id": f"a{k}", "year": 2026, "kind": "contract", "organisations": group}
        for k, group in enumerate([["o0", "o1", "o2", "o3"], ["o4", "o5", "o6", "o7"]])
    ]
    result = kn.measure(kn.History.from_dict({"organisations": orgs, "activities": acts}))
    labels = [result["organisations"][f"o{i}"]["community"] for i in range(8)]
    assert len(set(labels[:4])) == 1 and len(set(labels[4:])) == 1
    assert sorted({labels[0], labels[4]}) == [0, 1]
    assert result["brokerage"][-1]["largest_communities"] == [4, 4]


def test_same_seed_same_result_and_progress_reported():
    from kakehashi_network.synthetic import synthetic_history

    data = synthetic_history(years=3, per_year=150, organisations=400, seed=5)
    steps = []
    one = kn.measure(kn.History.from_dict(data), seed=1, progress=lambda *a: steps.append(a))
    two = kn.measure(kn.History.from_dict(data), seed=1)
    assert one == two
    assert steps[0][:2] == (0, 2) and steps[-1] == (2, 2, "done")
    assert sum(y["ties_new"] for y in one["years"].values()) == one["ties_count"]
    assert not math.isnan(one["brokerage"][-1]["top_betweenness"][0]["value"])


def test_brokerage_every_year():
    history = kn.History.from_dict({"organisations": ORGS, "activities": ACTIVITIES})
    result = kn.measure(history, brokerage_years="all")
    assert [s["year"] for s in result["brokerage"]] == [2025, 2026, 2027]
    # In 2025 atr, ubc and sony form a triangle: nobody brokers.
    assert result["brokerage"][0]["top_betweenness"][0]["value"] == 0


def test_tie_list_for_a_graph_view():
    history = kn.History.from_dict({"organisations": ORGS, "activities": ACTIVITIES})
    ties = kn.measure(history, include_ties=True)["ties"]
    assert sorted(ties) == [
        ["atr", "inc", 1, 2027, 2027],
        ["atr", "sony", 1, 2025, 2025],
        ["sfu", "atr", 1, 2026, 2026],
        ["ubc", "atr", 3, 2025, 2026],
        ["ubc", "sony", 1, 2025, 2025],
    ]
    assert "ties" not in kn.measure(history)
