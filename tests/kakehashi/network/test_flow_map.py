"""The schematic map of flows between regions: tiles, arcs weighted by count, the
Keihanna cluster drawn as one place; on the officers' and the public page."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import translation

from kakehashi.network.regionmap import CA_TILES, JP_TILES, TILES, flow_map
from kakehashi.network.services import network_measure
from kakehashi.organisations.regions import REGIONS

FLOWS = [
    {"from": "CA", "to": "JP-13", "internships": 1},  # a region unknown: not drawn
    {"from": "CA-BC", "to": "JP-26", "internships": 5},
    {"from": "CA-ON", "to": "CA-ON", "internships": 2},  # within one place: not drawn
    {"from": "CA-QC", "to": "Keihanna", "internships": 3},  # grouped by the engine
    {"from": "JP-13", "to": "CA-ON", "internships": 2},
    {"from": "JP-27", "to": "CA-BC", "internships": 1},
]


def test_every_region_has_its_own_tile():
    assert set(TILES) == set(REGIONS)
    assert len(JP_TILES) == 47 and len(CA_TILES) == 13
    assert len(set(JP_TILES.values())) == 47 and len(set(CA_TILES.values())) == 13


def test_arcs_merge_keihanna_and_are_weighted_by_count():
    with translation.override("en"):
        m = flow_map(FLOWS, "en")
    assert [(a["title"], a["width"], a["direction"]) for a in m["arcs"]] == [
        ("Keihanna (Kyoto, Osaka, Nara) → British Columbia: 1 internship", "3.0", "to-ca"),
        ("Tokyo → Ontario: 2 internships", "4.5", "to-ca"),
        ("Quebec → Keihanna (Kyoto, Osaka, Nara): 3 internships", "6.0", "to-jp"),
        ("British Columbia → Keihanna (Kyoto, Osaka, Nara): 5 internships", "9.0", "to-jp"),
    ]
    assert (m["drawn"], m["left_out"]) == (11, 3)
    tiles = {t["code"]: t for t in m["tiles"]}
    assert tiles["JP-26"]["classes"] == "tile jp active group"
    assert tiles["JP-29"]["classes"] == "tile jp active group"  # Nara: the cluster is used
    assert tiles["CA-ON"]["classes"] == "tile ca active"
    assert tiles["CA-YT"]["classes"] == "tile ca"
    assert m["groups"] == [{"name": "Keihanna (Kyoto, Osaka, Nara)", "cx": "361.3", "cy": "283.0"}]


def test_the_two_directions_between_two_places_bend_apart():
    m = flow_map(
        [{"from": "CA-BC", "to": "JP-13", "internships": 1},
         {"from": "JP-13", "to": "CA-BC", "internships": 1}], "en"
    )  # fmt: skip
    there, back = (re.search(r"Q([\d.]+),([\d.]+)", a["d"]) for a in m["arcs"])
    assert float(there.group(2)) != float(back.group(2))


@pytest.mark.parametrize(
    ("language", "province", "prefecture", "label"),
    [("en", "British Columbia (CA-BC)", "Kyoto (JP-26)", ">Kyoto<"),
     ("fr", "Colombie-Britannique (CA-BC)", "Kyoto (JP-26)", ">Kyoto<"),
     ("ja", "ブリティッシュコロンビア州 (CA-BC)", "京都府 (JP-26)", ">京都<")],
)  # fmt: skip
def test_tiles_are_named_in_the_readers_language(language, province, prefecture, label):
    tiles = {t["code"]: t for t in flow_map([], language)["tiles"]}
    assert tiles["CA-BC"]["name"] == province and tiles["CA-BC"]["label"] == "BC"
    assert tiles["JP-26"]["name"] == prefecture
    assert f">{tiles['JP-26']['label']}<" == label
    assert all(t["label"] for t in tiles.values())


@pytest.fixture
def measured(internship):
    return network_measure()


@pytest.mark.parametrize("language", ["en", "fr", "ja"])
def test_public_page_draws_the_map_beside_its_table(client, measured, language):
    client.cookies["django_language"] = language
    html = client.get(reverse("network:public")).content.decode()
    svg = re.search(r'<figure class="flow-map".*?</figure>', html, re.S).group(0)
    assert svg.count('class="flow to-jp"') == 1  # UBC Test (BC) → Kyoto Test University
    assert 'data-region="CA-BC"' in svg and 'data-region="JP-47"' in svg
    # Numbers stay numbers in every language (no "1,5" in French).
    assert not re.search(r'\b(?:x|y|cx|cy|width|height|stroke-width)="[^"]*,', svg)
    assert 'id="flows-table"' in html
    assert f"{REGIONS['CA-BC'][language]} (CA-BC)" in html
    assert "Alex Martin" not in html


def test_the_officers_page_has_the_map_too(client, world, measured):
    client.force_login(world.officer)
    html = client.get(reverse("network:officer")).content.decode()
    assert '<figure class="flow-map"' in html and "network/map.css" in html


def test_no_map_before_any_internship(client, db):
    from kakehashi.network.services import snapshot_store

    snapshot_store(
        result={"engine_version": "t", "organisations_count": 0, "activities_count": 0,
                "ties_count": 0, "years": {}, "conduits": [], "flows": [], "brokerage": [],
                "organisations": {}},
        names={}, history_hash="x",
    )  # fmt: skip
    html = client.get(reverse("network:public")).content.decode()
    assert "flow-map" not in html.replace("network/map.css", "")
    assert "No internship yet." in html
