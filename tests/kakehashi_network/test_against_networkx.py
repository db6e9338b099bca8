"""The fast measures agree with networkx's definitions on random weighted graphs."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kakehashi_network import brokerage


def _graph(n, edges):
    g = nx.Graph()
    g.add_nodes_from(range(n))
    for a, b, w in edges:
        if a != b:
            g.add_edge(a, b, weight=w)
    return g


def _arrays(g):
    a = np.array([u for u, v in g.edges], np.int64)
    b = np.array([v for u, v in g.edges], np.int64)
    w = np.array([g[u][v]["weight"] for u, v in g.edges], float)
    return brokerage.csr(g.number_of_nodes(), a, b, w)


graphs = st.integers(3, 14).flatmap(
    lambda n: st.tuples(
        st.just(n),
        st.lists(
            st.tuples(st.integers(0, n - 1), st.integers(0, n - 1), st.integers(1, 4)), max_size=40
        ),
    )
)


@settings(max_examples=60, deadline=None)
@given(graphs)
def test_burt_matches_networkx(case):
    g = _graph(*case)
    effective, constraint = brokerage.burt(_arrays(g))
    # networkx's per-node path (nodes=…) is its definition; its whole-graph sparse
    # shortcut disagrees with it on weighted graphs (networkx 3.6), so it is not used.
    want_e = nx.effective_size(g, nodes=list(g), weight="weight")
    want_c = nx.constraint(g, nodes=list(g), weight="weight")
    for v in g:
        if g.degree(v) == 0:
            assert np.isnan(effective[v]) and np.isnan(constraint[v])
        else:
            assert effective[v] == pytest.approx(want_e[v], abs=1e-9)
            assert constraint[v] == pytest.approx(want_c[v], abs=1e-9)


@settings(max_examples=60, deadline=None)
@given(graphs)
def test_exact_betweenness_matches_networkx(case):
    g = _graph(*case)
    got = brokerage.betweenness(_arrays(g))
    want = nx.betweenness_centrality(g)
    assert got.tolist() == pytest.approx([want[v] for v in g], abs=1e-12)


def test_estimated_betweenness_is_close_on_a_larger_graph():
    g = nx.barabasi_albert_graph(1500, 3, seed=2)
    nx.set_edge_attributes(g, 1, "weight")
    adj = _arrays(g)
    exact = brokerage.betweenness(adj)
    estimate = brokerage.betweenness(adj, pivots=400, seed=1)
    top_exact = set(np.argsort(-exact)[:10])
    top_estimate = set(np.argsort(-estimate)[:10])
    assert len(top_exact & top_estimate) >= 8
    assert np.abs(estimate - exact).max() < 0.02
    assert brokerage.betweenness(adj, pivots=1500).tolist() == pytest.approx(exact.tolist())
