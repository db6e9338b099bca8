"""The network measures at the size of a national program, against networkx, igraph and
rustworkx on the same graph, in the same run.

    .venv/bin/python benchmarks/network/bench_network.py [--years 20] [--per-year 10000]
        [--organisations 20000] [--repeat 3] [--budget 120]

Prints: the synthetic history's size; the median wall time of parsing it and of the whole
``measure`` (goal: all measures of the whole history ≤ 60 s on 2 cores), and of each
measure by each library. A library's run that would pass ``--budget`` seconds is run on a
sample of sources and scaled (said so), or marked "n/a" where the library lacks the
measure. The machine is shared: quote medians, read the load average printed first.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import time

import numpy as np

import kakehashi_network as kn
from kakehashi_network import brokerage
from kakehashi_network import measures as m
from kakehashi_network.synthetic import synthetic_history


def median(fn, repeat: int) -> float:
    walls = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        walls.append(time.perf_counter() - t)
    return statistics.median(walls)


def row(measure: str, library: str, seconds: float | None, note: str = "") -> None:
    shown = "n/a" if seconds is None else f"{seconds:8.2f} s"
    print(f"  {measure:<22} {library:<12} {shown:>10}  {note}")


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--years", type=int, default=20)
    p.add_argument("--per-year", type=int, default=10_000)
    p.add_argument("--organisations", type=int, default=20_000)
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--budget", type=float, default=120.0)
    a = p.parse_args()
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    t = time.perf_counter()
    data = synthetic_history(
        years=a.years, per_year=a.per_year, organisations=a.organisations, seed=1
    )
    made = time.perf_counter() - t
    print(
        f"synthetic history: {len(data['activities']):,} activities, "
        f"{len(data['organisations']):,} organisations ({made:.1f} s)"
    )
    parse = median(lambda: kn.History.from_dict(data), a.repeat)
    h = kn.History.from_dict(data)
    kn.measure(h)  # warm-up: numba's compilation and igraph's import are not the measure
    whole = median(lambda: kn.measure(h), a.repeat)
    adj = m._graph_through(h, max(x["year"] for x in h.activities))
    n, edges = adj.shape[0], adj.nnz // 2
    print(f"cumulative graph: {n:,} organisations, {edges:,} ties")
    print(f"parse the history        {parse:8.2f} s (median of {a.repeat})")
    print(f"all measures (measure)   {whole:8.2f} s (median of {a.repeat}; goal ≤ 60 s)")
    print(f"total                    {parse + whole:8.2f} s")
    print("\nper measure, median wall time:")
    pivots = m.PIVOTS
    row("ties, conduits, flows", "kakehashi", median(lambda: m._ties(h), a.repeat))
    row("constraint+eff. size", "kakehashi", median(lambda: brokerage.burt(adj), a.repeat), "numba")
    row("betweenness", "kakehashi",
        median(lambda: brokerage.betweenness(adj, pivots=pivots), a.repeat),
        f"{pivots} pivots, numba")  # fmt: skip
    row("betweenness exact", "kakehashi", median(lambda: brokerage.betweenness(adj), 1), "numba")
    row("communities", "kakehashi", median(lambda: m._communities(adj, 0), a.repeat),
        "igraph multilevel")  # fmt: skip

    import networkx as nx

    coo = adj.tocoo()
    upper = coo.row < coo.col
    g = nx.Graph()
    g.add_nodes_from(range(n))
    g.add_weighted_edges_from(zip(coo.row[upper], coo.col[upper], coo.data[upper], strict=True))
    row("constraint", "networkx", median(lambda: nx.constraint(g, weight="weight"), 1),
        "sparse whole-graph path")  # fmt: skip
    sample = 50
    t = median(lambda: nx.betweenness_centrality(g, k=sample, seed=1), 1)
    row("betweenness", "networkx", t * pivots / sample, f"{pivots} pivots, scaled from {sample}")
    row("communities", "networkx", median(lambda: nx.community.louvain_communities(
        g, weight="weight", seed=1), 1), "louvain")  # fmt: skip

    import igraph as ig

    gi = ig.Graph(n=n, edges=np.column_stack([coo.row[upper], coo.col[upper]]).tolist())
    weights = coo.data[upper].tolist()
    row("constraint", "igraph", median(lambda: gi.constraint(weights=weights), a.repeat))
    row("effective size", "igraph", None, "not offered")
    # igraph's betweenness is exact only: time it from a sample of sources and scale.
    sources = random.Random(1).sample(range(n), pivots)
    t = median(lambda: gi.betweenness(), 1) if n <= 5000 else None
    if t is None:
        # igraph has no pivot sampling; its per-source cost, from subsetted sources.
        t = median(lambda: gi.betweenness(vertices=None, directed=False, cutoff=None,
                                          sources=sources, targets=None), 1)  # fmt: skip
        row("betweenness", "igraph", t, f"{pivots} sources (exact needs {n:,})")
    else:
        row("betweenness exact", "igraph", t)
    row("communities", "igraph", median(lambda: gi.community_multilevel(weights=weights), a.repeat),
        "multilevel (Louvain)")  # fmt: skip

    import rustworkx as rx

    gr = rx.PyGraph()
    gr.add_nodes_from(range(n))
    gr.add_edges_from_no_data(
        list(zip(coo.row[upper].tolist(), coo.col[upper].tolist(), strict=True))
    )
    start = time.perf_counter()
    rx.graph_betweenness_centrality(gr, normalized=True, parallel_threshold=50)
    row("betweenness exact", "rustworkx", time.perf_counter() - start, "parallel")
    row("constraint", "rustworkx", None, "not offered")
    row("communities", "rustworkx", None, "not offered")


if __name__ == "__main__":
    main()
