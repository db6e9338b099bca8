"""The tie graph for other tools: GEXF (Gephi), GraphML (networkx, yEd), CSV edge list."""

from __future__ import annotations

import csv
import io

import networkx as nx
import numpy as np

from .history import SECTORS, History
from .measures import tie_rows


def tie_graph(h: History) -> nx.Graph:
    """Organisations as nodes (name, type, sector, country, region) and ties as edges
    (first year, number of activities, their kinds, cross-border, cross-sector, lasting)."""
    g = nx.Graph()
    for i, oid in enumerate(h.org_ids):
        g.add_node(
            oid,
            label=h.org_name[i],
            type=h.org_type[i],
            sector=SECTORS[h.org_type[i]],
            country=h.org_country[i],
            region=h.org_region[i],
        )
    ties = tie_rows(h)
    kinds: dict[tuple[int, int], set[str]] = {}
    rows = zip(h.pair_a.tolist(), h.pair_b.tolist(), h.pair_activity.tolist(), strict=True)
    for a, b, act in rows:
        kinds.setdefault((a, b), set()).add(h.activities[act]["kind"])
    for t in range(len(ties["a"])):
        a, b = int(ties["a"][t]), int(ties["b"][t])
        g.add_edge(
            h.org_ids[a],
            h.org_ids[b],
            weight=int(ties["count"][t]),
            first_year=int(ties["first_year"][t]),
            last_year=int(ties["last_year"][t]),
            kinds=" ".join(sorted(kinds[(a, b)])),
            cross_border=bool(h.org_country[a] != h.org_country[b]),
            cross_sector=bool(SECTORS[h.org_type[a]] != SECTORS[h.org_type[b]]),
            lasting=bool(ties["last_year"][t] > ties["first_year"][t]),
        )
    return g


def to_gexf(h: History) -> bytes:
    out = io.BytesIO()
    nx.write_gexf(tie_graph(h), out)
    return out.getvalue()


def to_graphml(h: History) -> bytes:
    out = io.BytesIO()
    nx.write_graphml(tie_graph(h), out)
    return out.getvalue()


def to_csv(h: History) -> str:
    """One row per tie: source, target, first and last year, activities, kinds, flags."""
    g = tie_graph(h)
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    cols = ["weight", "first_year", "last_year", "kinds", "cross_border", "cross_sector", "lasting"]
    w.writerow(["source", "target", *cols])
    for a, b, data in sorted(g.edges(data=True), key=lambda e: (str(e[0]), str(e[1]))):
        w.writerow(
            [
                a,
                b,
                *[
                    str(data[c]).lower() if isinstance(data[c], (bool, np.bool_)) else data[c]
                    for c in cols
                ],
            ]
        )
    return out.getvalue()
