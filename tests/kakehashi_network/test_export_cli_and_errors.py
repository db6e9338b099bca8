"""Exports read back with networkx; the command line; malformed histories refused."""

from __future__ import annotations

import io
import json
import subprocess
import sys

import networkx as nx
import pytest

import kakehashi_network as kn
from kakehashi_network.cli import main
from kakehashi_network.export import to_csv, to_gexf, to_graphml

from .test_measures import ACTIVITIES, ORGS

HISTORY = {"organisations": ORGS, "activities": ACTIVITIES}


def test_gexf_reads_back_with_networkx():
    g = nx.read_gexf(io.BytesIO(to_gexf(kn.History.from_dict(HISTORY))))
    assert sorted(g.nodes) == sorted(ORGS)
    assert g.number_of_edges() == 5
    assert g.nodes["ubc"]["label"] == "UBC" and g.nodes["ubc"]["sector"] == "academia"
    edge = g.edges["ubc", "atr"]
    assert (edge["weight"], edge["first_year"], edge["last_year"], edge["kinds"]) == (
        3,
        2025,
        2026,
        "internship publication",
    )
    assert (edge["cross_border"], edge["cross_sector"], edge["lasting"]) == (True, False, True)


def test_graphml_reads_back_with_networkx():
    g = nx.read_graphml(io.BytesIO(to_graphml(kn.History.from_dict(HISTORY))))
    assert g.number_of_nodes() == 5 and g.number_of_edges() == 5
    assert g.edges["atr", "inc"]["kinds"] == "startup"


def test_csv_edge_list():
    rows = to_csv(kn.History.from_dict(HISTORY)).splitlines()
    assert (
        rows[0]
        == "source,target,weight,first_year,last_year,kinds,cross_border,cross_sector,lasting"
    )
    assert "ubc,atr,3,2025,2026,internship publication,true,false,true" in rows or (
        "atr,ubc,3,2025,2026,internship publication,true,false,true" in rows
    )
    assert len(rows) == 6


def test_command_line_measure_and_export(tmp_path, capsys):
    path = tmp_path / "h.json"
    path.write_text(json.dumps(HISTORY))
    out = tmp_path / "m.json"
    assert main(["measure", str(path), "-o", str(out)]) == 0
    assert json.loads(out.read_text())["ties_count"] == 5
    assert main(["export", str(path), "--format", "csv", "-o", str(tmp_path / "e.csv")]) == 0
    assert (tmp_path / "e.csv").read_text().count("\n") == 6


def test_command_line_refuses_a_malformed_history(tmp_path, capsys):
    path = tmp_path / "h.json"
    path.write_text(json.dumps({"organisations": ORGS, "activities": [{"year": 2026}]}))
    assert main(["measure", str(path)]) == 2
    assert capsys.readouterr().err == (
        "kakehashi-network: activities[0].kind: None is not one of internship, co_supervision, "
        "publication, patent, hire, startup, contract, award.\n"
    )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"organisations": []}, "organisations: an object of id → {type, country, region}."),
        ({"organisations": {"x": {"type": "school", "country": "CA"}}},
         "organisations.x.type: 'school' is not one of university, research_institute, company, "
         "incubator, government, nonprofit."),
        ({"organisations": {"x": {"type": "company", "country": "Canada"}}},
         "organisations.x.country: a two-letter code."),
        ({"activities": [{"id": "a", "year": 1800, "kind": "hire", "organisations": ["ubc"]}]},
         "activities[0].year: a year between 1900 and 2200."),
        ({"activities": [{"id": "a", "year": 2026, "kind": "hire", "organisations": ["mit"]}]},
         "activities[0].organisations: unknown 'mit'."),
        ({"activities": [{"id": "a", "year": 2026, "kind": "hire", "organisations": ["ubc"]},
                         {"id": "a", "year": 2026, "kind": "hire", "organisations": ["ubc"]}]},
         "activities[1].id: 'a' appears twice."),
        ({"activities": [{"id": "a", "year": 2026, "kind": "internship",
                          "organisations": ["ubc", "atr"], "route": ["ubc", "sony"]}]},
         "activities[0].route: two different ids of its organisations (from, to)."),
    ],
)  # fmt: skip
def test_malformed_history_is_refused_with_where(change, message):
    with pytest.raises(kn.HistoryError) as err:
        kn.History.from_dict({**HISTORY, **change})
    assert str(err.value) == message


def test_engine_imports_no_django():
    code = (
        "import sys, kakehashi_network, kakehashi_network.export, kakehashi_network.cli;"
        "print(any(m == 'django' or m.startswith('django.') for m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
