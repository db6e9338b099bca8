"""Compiled (numba) kernel of the reviewer assignment: a min-cost flow by
successive shortest paths. The dependent rounding that samples a
deterministic assignment from a fractional one is in
:mod:`~kakehashi_match.rounding`, the local search of fair mode in
:mod:`~kakehashi_match.polish` (both importable from here).

The network: each proposal p sends ``demand[p]`` units, one per reviewer it
needs, along its pairs (arc capacity ``ucap``, cost ``cost``) to reviewers,
which pass them to the sink t: reviewer r takes at most ``hi[r]`` units, and
its first ``lo[r]`` units earn a bonus ``big`` (so that the cheapest flow
meets every minimum load when any flow can).

Successive shortest paths (Ahuja, Magnanti & Orlin, *Network Flows*, 1993,
§9.7): units are sent one at a time, round robin over the proposals, each
along a shortest path in the residual network found by Dijkstra on reduced
costs ``c(u, v) + pi(u) - pi(v) >= 0``; the search stops as soon as the sink
is reached, and only the nodes it settled change potential
(``pi(v) += d(v) - d(t)``), which keeps every residual arc's reduced cost
non-negative. Reviewer loads only grow, so a path never leaves the sink.
At the end the potentials are the dual solution that certifies optimality
(see :func:`kakehashi_match.assign_proofs.dual_bound`).

Integers throughout for flows and loads; costs and potentials are float64.

>>> import numpy as np
>>> ptr, col = np.array([0, 2, 4]), np.array([0, 1, 0, 1], dtype=np.int32)
>>> cost = -np.array([0.9, 0.8, 0.7, 0.1])  # two proposals, two reviewers
>>> one = np.ones(4, dtype=np.int64)
>>> flow, load, pot, unrouted, reach = min_cost_flow(
...     ptr, col, cost, one, np.array([1, 1]), np.array([0, 0]), np.array([1, 1]), 0.0)
>>> flow.tolist(), unrouted.tolist()
([0, 1, 1, 0], [0, 0])
"""

from __future__ import annotations

import numpy as np
from numba import njit

from .polish import fair_polish
from .rounding import dependent_round
from .slots import slot_add, slot_move

__all__ = ["dependent_round", "fair_polish", "min_cost_flow"]


@njit(cache=True, nogil=True)
def _push(hk, hv, size, key, val):
    i = size
    hk[i] = key
    hv[i] = val
    while i > 0:
        parent = (i - 1) >> 1
        if hk[parent] <= hk[i]:
            break
        hk[parent], hk[i] = hk[i], hk[parent]
        hv[parent], hv[i] = hv[i], hv[parent]
        i = parent
    return size + 1


@njit(cache=True, nogil=True)
def _pop(hk, hv, size):
    key = hk[0]
    val = hv[0]
    size -= 1
    hk[0] = hk[size]
    hv[0] = hv[size]
    i = 0
    while True:
        c = 2 * i + 1
        if c >= size:
            break
        if c + 1 < size and hk[c + 1] < hk[c]:
            c += 1
        if hk[c] >= hk[i]:
            break
        hk[c], hk[i] = hk[i], hk[c]
        hv[c], hv[i] = hv[i], hv[c]
        i = c
    return key, val, size


@njit(cache=True, nogil=True)
def min_cost_flow(ptr, col, cost, ucap, demand, lo, hi, big):
    """Send ``demand[p]`` units from every proposal p at least cost.

    Parameters
    ----------
    ptr : ndarray of int64, shape (P + 1,)
        Proposal p's pairs are ``ptr[p]:ptr[p + 1]``.
    col : ndarray of int32, shape (E,)
        The reviewer of each pair, increasing within a proposal.
    cost : ndarray of float64, shape (E,)
        The cost of one unit along each pair.
    ucap : ndarray of int64, shape (E,)
        The capacity of each pair.
    demand : ndarray of int64, shape (P,)
        The units each proposal sends.
    lo, hi : ndarray of int64, shape (R,)
        Each reviewer's minimum and maximum load.
    big : float
        The bonus of a reviewer's first ``lo[r]`` units (0 when no
        minimum is set).

    Returns
    -------
    flow : ndarray of int64, shape (E,)
        Units per pair.
    load : ndarray of int64, shape (R,)
        Units per reviewer.
    pot : ndarray of float64, shape (P + R + 1,)
        Node potentials (proposals, then reviewers, then the sink): the
        dual solution that certifies optimality.
    unrouted : ndarray of int64, shape (P,)
        The units of each proposal that no path could carry (all zero when
        a flow exists).
    reach : ndarray of bool, shape (P + R,)
        The nodes the first failed search could reach (proposals, then
        reviewers; a Hall violator), all False if none failed.

    Notes
    -----
    Successive shortest paths with potentials (Ahuja, Magnanti & Orlin,
    *Network Flows*, 1993, §9.7; Edmonds & Karp 1972,
    doi:10.1145/321694.321699): O(K · E log E) for K units in the worst
    case, far less in practice as each search stops at the sink.

    Examples
    --------
    See the module docstring.
    """
    P = len(ptr) - 1
    R = len(lo)
    E = len(col)
    N = P + R + 1
    T = P + R
    inf = np.inf
    owner = np.empty(E, dtype=np.int64)
    for p in range(P):
        for e in range(ptr[p], ptr[p + 1]):
            owner[e] = p
    # per reviewer, the pairs carrying flow (at most min(degree, hi) of them)
    deg = np.zeros(R, dtype=np.int64)
    for e in range(E):
        deg[col[e]] += 1
    slot_off = np.zeros(R + 1, dtype=np.int64)
    for r in range(R):
        slot_off[r + 1] = slot_off[r] + min(deg[r], hi[r])
    slots = np.empty(slot_off[R], dtype=np.int64)
    slot_n = np.zeros(R, dtype=np.int64)
    flow = np.zeros(E, dtype=np.int64)
    load = np.zeros(R, dtype=np.int64)
    pot = np.zeros(N, dtype=np.float64)
    for p in range(P):
        best = -inf
        for e in range(ptr[p], ptr[p + 1]):
            if -cost[e] > best:
                best = -cost[e]
        pot[p] = best if ptr[p + 1] > ptr[p] else 0.0
    has_lo = False
    for r in range(R):
        if lo[r] > 0:
            has_lo = True
    pot[T] = -big if has_lo else 0.0
    dist = np.full(N, inf)
    done = np.zeros(N, dtype=np.bool_)
    pred = np.full(N, -1, dtype=np.int64)
    touched = np.empty(N, dtype=np.int64)
    hcap = 2 * E + N + 1
    hk = np.empty(hcap, dtype=np.float64)
    hv = np.empty(hcap, dtype=np.int64)
    unrouted = np.zeros(P, dtype=np.int64)
    reach = np.zeros(P + R, dtype=np.bool_)
    failed = False
    maxd = 0
    for p in range(P):
        if demand[p] > maxd:
            maxd = demand[p]
    for rnd in range(maxd):
        for p0 in range(P):
            if demand[p0] <= rnd:
                continue
            # ---- Dijkstra from p0 until the sink is settled
            nt = 0
            size = 0
            dist[p0] = 0.0
            touched[nt] = p0
            nt += 1
            size = _push(hk, hv, size, 0.0, p0)
            dstar = inf
            while size > 0:
                d, u, size = _pop(hk, hv, size)
                if done[u] or d > dist[u]:
                    continue
                if u == T:
                    dstar = d
                    break
                done[u] = True
                # the residual arcs out of u: a proposal's pairs with room, or
                # a reviewer's arc to the sink (first, while it has room) and
                # its pairs carrying flow, backwards
                pu = pot[u]
                if u < P:
                    first, last = ptr[u], ptr[u + 1]
                else:
                    r = u - P
                    first, last = slot_off[r] - 1, slot_off[r] + slot_n[r]
                for i in range(first, last):
                    if u < P:
                        via = i
                        if flow[via] >= ucap[via]:
                            continue
                        v = P + col[via]
                        rc = cost[via] + pu - pot[v]
                    elif i < slot_off[r]:
                        if load[r] >= hi[r]:
                            continue
                        via = r
                        v = T
                        rc = (-big if load[r] < lo[r] else 0.0) + pu - pot[T]
                    else:
                        via = slots[i]
                        v = owner[via]
                        rc = -cost[via] + pu - pot[v]
                    if done[v]:
                        continue
                    nd = d + (rc if rc > 0.0 else 0.0)
                    if nd < dist[v]:
                        if dist[v] == inf:
                            touched[nt] = v
                            nt += 1
                        dist[v] = nd
                        pred[v] = via
                        size = _push(hk, hv, size, nd, v)
            if dstar == inf:
                unrouted[p0] += 1
                if not failed:
                    failed = True
                    for i in range(nt):
                        v = touched[i]
                        if v < T and done[v]:
                            reach[v] = True
            else:
                # potentials of settled nodes, then augment one unit
                for i in range(nt):
                    v = touched[i]
                    if done[v]:
                        pot[v] += dist[v] - dstar
                r = pred[T]
                load[r] += 1
                v = P + r
                while v != p0:
                    e = pred[v]
                    if v >= P:  # reached reviewer v along forward pair e
                        if flow[e] == 0:
                            slot_add(slot_off, slots, slot_n, v - P, e)
                        flow[e] += 1
                        v = owner[e]
                    else:  # reached proposal v along the backward pair e
                        flow[e] -= 1
                        rr = col[e]
                        if flow[e] == 0:
                            slot_move(slot_off, slots, slot_n, rr, e, -1)
                        v = P + rr
            for i in range(nt):
                v = touched[i]
                dist[v] = inf
                done[v] = False
                pred[v] = -1
    return flow, load, pot, unrouted, reach
