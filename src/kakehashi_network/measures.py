"""The measures of a history: ties per year, conduits, brokerage, communities, flows."""

from __future__ import annotations

import random
from typing import Any

import numpy as np

from . import brokerage
from .history import SECTORS, History

ENGINE_VERSION = "kakehashi-network 1"

#: Betweenness is exact on graphs up to this many organisations, estimated above it
#: (Brandes–Pich pivots; the result says which, with the number of pivots).
EXACT_BETWEENNESS_MAX = 5000
PIVOTS = 1000


def tie_rows(h: History) -> dict[str, np.ndarray]:
    """One row per tie (pair of organisations ``a < b``), as columns.

    Parameters
    ----------
    h : History
        The validated history.

    Returns
    -------
    dict of str to ndarray
        ``a``, ``b``, ``first_year``, ``creator`` (the activity that created
        the tie), ``count`` (activities on it) and ``last_year``, one entry per
        tie, ordered by pair.

    Notes
    -----
    O(E log E) for E pair records (one sort).

    Examples
    --------
    >>> from kakehashi_network.synthetic import synthetic_history
    >>> h = History.from_dict(synthetic_history(years=2, per_year=20, organisations=10))
    >>> t = tie_rows(h)
    >>> sorted(t) == ["a", "b", "count", "creator", "first_year", "last_year"]
    True
    """
    n = max(h.n, 1)
    key = h.pair_a * n + h.pair_b
    order = np.lexsort((h.pair_activity, h.pair_year, key))
    key_s = key[order]
    if len(key_s) == 0:
        empty = np.zeros(0, np.int64)
        return {k: empty for k in ("a", "b", "first_year", "creator", "count", "last_year")}
    start = np.flatnonzero(np.r_[True, key_s[1:] != key_s[:-1]])
    end = np.r_[start[1:], len(key_s)]
    first = order[start]
    last = order[end - 1]
    return {
        "a": h.pair_a[first],
        "b": h.pair_b[first],
        "first_year": h.pair_year[first],
        "creator": h.pair_activity[first],
        "count": (end - start).astype(np.int64),
        "last_year": h.pair_year[last],
    }


def _graph_through(h: History, year: int):
    """The cumulative graph through ``year``: weight = activities on the tie so far."""
    keep = h.pair_year <= year
    a, b = h.pair_a[keep], h.pair_b[keep]
    if len(a) == 0:
        return brokerage.csr(h.n, a, b, np.zeros(0))
    n = max(h.n, 1)
    key, counts = np.unique(a * n + b, return_counts=True)
    return brokerage.csr(h.n, key // n, key % n, counts.astype(np.float64))


def _communities(adj, seed: int) -> np.ndarray:
    """Louvain communities (igraph's multilevel, seeded); -1 for isolated nodes."""
    # igraph is imported here: only this measure needs it, and it is slow to load.
    import igraph as ig

    coo = adj.tocoo()
    upper = coo.row < coo.col
    edges = np.column_stack([coo.row[upper], coo.col[upper]])
    g = ig.Graph(n=adj.shape[0], edges=edges.tolist())
    state = random.getstate()
    try:
        random.seed(seed)
        ig.set_random_number_generator(random)
        parts = g.community_multilevel(weights=coo.data[upper].tolist())
    finally:
        random.setstate(state)
    labels = np.asarray(parts.membership, np.int64)
    degree = np.diff(adj.indptr)
    # Number communities by size (largest 0), isolated nodes −1: stable across runs.
    labels[degree == 0] = -1
    kept = labels[labels >= 0]
    if len(kept):
        sizes = np.bincount(kept)
        rank = np.empty_like(sizes)
        rank[np.lexsort((np.arange(len(sizes)), -sizes))] = np.arange(len(sizes))
        labels = np.where(labels >= 0, rank[np.maximum(labels, 0)], -1)
    return labels


def _top(values: np.ndarray, h: History, k: int, *, reverse: bool) -> list[dict[str, Any]]:
    ok = np.flatnonzero(~np.isnan(values))
    if not len(ok):
        return []
    keyed = -values[ok] if reverse else values[ok]
    pick = ok[np.lexsort((ok, keyed))][:k]
    return [{"organisation": h.org_ids[i], "value": round(float(values[i]), 6)} for i in pick]


def measure(
    h: History,
    *,
    seed: int = 0,
    top: int = 20,
    brokerage_years: str = "last",
    include_ties: bool = False,
    progress=None,
) -> dict[str, Any]:
    """Every measure of ``h``, as plain data (see the package's docstring).

    ``brokerage_years``: "last" computes brokerage and communities on the cumulative
    graph of the last year only; "all" on the cumulative graph at the end of every year.
    ``include_ties``: add ``ties``, one row per tie ``[a, b, activities, first year,
    last year]`` (organisation ids, ``a < b`` in the history's order), for a graph view.
    ``progress(done, total, label)`` is called as the work goes on.
    """
    report = progress or (lambda done, total, label: None)
    ties = tie_rows(h)
    sector = np.array([SECTORS[t] for t in h.org_type] or [""], dtype=object)
    country = np.array(h.org_country or [""], dtype=object)
    region = np.array(h.org_region or [""], dtype=object)
    cross_border = country[ties["a"]] != country[ties["b"]] if len(ties["a"]) else np.zeros(0, bool)
    cross_sector = sector[ties["a"]] != sector[ties["b"]] if len(ties["a"]) else np.zeros(0, bool)
    lasting = ties["last_year"] > ties["first_year"]
    years = sorted({a["year"] for a in h.activities})
    steps = len(years) * (1 if brokerage_years == "all" else 0) + 2
    report(0, steps, "ties")

    kinds = np.array([a["kind"] for a in h.activities] or [""], dtype=object)
    creator_kind = kinds[ties["creator"]] if len(ties["creator"]) else np.zeros(0, object)

    per_year: dict[str, dict[str, Any]] = {}
    act_years = np.array([a["year"] for a in h.activities], np.int64)
    cumulative = 0
    cumulative_cb = 0
    for y in years:
        new = ties["first_year"] == y
        cumulative += int(new.sum())
        cumulative_cb += int((new & cross_border).sum())
        names, counts = np.unique(kinds[act_years == y], return_counts=True)
        by_kind = {str(k): int(v) for k, v in zip(names, counts, strict=True)}
        per_year[str(y)] = {
            "activities": by_kind,
            "ties_new": int(new.sum()),
            "ties_new_cross_border": int((new & cross_border).sum()),
            "ties_new_cross_sector": int((new & cross_sector).sum()),
            "ties_new_lasting": int((new & lasting).sum()),
            "ties_total": cumulative,
            "ties_total_cross_border": cumulative_cb,
            "conduits": 0,
        }

    # Conduits: the people of an internship that created at least one tie.
    conduits: list[dict[str, Any]] = []
    created_by: dict[int, list[list[str]]] = {}
    internship_made = np.flatnonzero(creator_kind == "internship")
    for t in internship_made[np.argsort(ties["creator"][internship_made], kind="stable")]:
        pair = sorted([h.org_ids[ties["a"][t]], h.org_ids[ties["b"][t]]])
        created_by.setdefault(int(ties["creator"][t]), []).append(pair)
    for act_index in sorted(created_by, key=lambda i: (h.activities[i]["year"], i)):
        act = h.activities[act_index]
        people = act["people"]
        per_year[str(act["year"])]["conduits"] += len(people)
        for person in people:
            conduits.append(
                {
                    "person": person,
                    "activity": act["id"],
                    "year": act["year"],
                    "ties": sorted(created_by[act_index]),
                }
            )

    # Flows between regions: internships that say their route (from → to).
    flows: dict[tuple[str, str], int] = {}
    groups = {r: g for g, rs in h.region_groups.items() for r in rs}
    for act in h.activities:
        if act["kind"] != "internship" or act["route"] is None:
            continue
        src, dst = region[act["route"][0]], region[act["route"][1]]
        key = (groups.get(src, src), groups.get(dst, dst))
        flows[key] = flows.get(key, 0) + 1

    def brokerage_at(year: int) -> dict[str, Any]:
        adj = _graph_through(h, year)
        effective, constraint = brokerage.burt(adj)
        exact = h.n <= EXACT_BETWEENNESS_MAX
        between = brokerage.betweenness(adj, pivots=None if exact else PIVOTS, seed=seed)
        labels = _communities(adj, seed)
        sizes = np.bincount(labels[labels >= 0]) if (labels >= 0).any() else np.zeros(0)
        return {
            "year": year,
            "betweenness_method": "exact" if exact else f"estimated from {PIVOTS} pivots",
            "top_effective_size": _top(effective, h, top, reverse=True),
            "lowest_constraint": _top(constraint, h, top, reverse=False),
            "top_betweenness": _top(between, h, top, reverse=True),
            "communities": len(sizes),
            "largest_communities": [int(s) for s in sizes[:top]],
            "_arrays": (effective, constraint, between, labels),
        }

    snapshots = []
    done = 1
    report(done, steps, "brokerage")
    chosen = years if brokerage_years == "all" else years[-1:]
    for y in chosen:
        snapshots.append(brokerage_at(y))
        done += 1
        report(done, steps, f"brokerage {y}")
    organisations = {}
    if snapshots:
        effective, constraint, between, labels = snapshots[-1].pop("_arrays")
        for i, oid in enumerate(h.org_ids):
            organisations[oid] = {
                "effective_size": None if np.isnan(effective[i]) else round(float(effective[i]), 6),
                "constraint": None if np.isnan(constraint[i]) else round(float(constraint[i]), 6),
                "betweenness": round(float(between[i]), 9),
                "community": int(labels[i]),
            }
    for s in snapshots:
        s.pop("_arrays", None)
    report(steps, steps, "done")
    extra: dict[str, Any] = {}
    if include_ties:
        extra["ties"] = [
            [h.org_ids[a], h.org_ids[b], c, f, la]
            for a, b, c, f, la in zip(
                ties["a"].tolist(),
                ties["b"].tolist(),
                ties["count"].tolist(),
                ties["first_year"].tolist(),
                ties["last_year"].tolist(),
                strict=True,
            )
        ]
    return {
        "engine_version": ENGINE_VERSION,
        "seed": seed,
        "organisations_count": h.n,
        "activities_count": len(h.activities),
        "ties_count": len(ties["a"]),
        "years": per_year,
        "conduits": conduits,
        "flows": [{"from": k[0], "to": k[1], "internships": v} for k, v in sorted(flows.items())],
        "brokerage": snapshots,
        "organisations": organisations,
        **extra,
    }
