"""Compiled (numba) kernels of the reviewer assignment: a min-cost flow by
successive shortest paths, and the dependent rounding that samples a
deterministic assignment from a fractional one.

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
(see :func:`kakehashi_match.assign.dual_bound`).

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
def _add_slot(slot_off, slots, slot_n, r, e):
    """List pair e among reviewer r's pairs (its slots have room)."""
    slots[slot_off[r] + slot_n[r]] = e
    slot_n[r] += 1


@njit(cache=True, nogil=True)
def min_cost_flow(ptr, col, cost, ucap, demand, lo, hi, big):
    """Send ``demand[p]`` units from every proposal p at least cost.

    Returns ``(flow, load, pot, unrouted, reach)``: units per pair, per
    reviewer, node potentials (proposals, then reviewers, then the sink),
    the units of each proposal that no path could carry (all zero when a
    flow exists), and the nodes the first failed search could reach
    (proposals, then reviewers; a Hall violator), all False if none failed.
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
                            _add_slot(slot_off, slots, slot_n, v - P, e)
                        flow[e] += 1
                        v = owner[e]
                    else:  # reached proposal v along the backward pair e
                        flow[e] -= 1
                        rr = col[e]
                        if flow[e] == 0:
                            _move_slot(slot_off, slots, slot_n, rr, e, -1)
                        v = P + rr
            for i in range(nt):
                v = touched[i]
                dist[v] = inf
                done[v] = False
                pred[v] = -1
    return flow, load, pot, unrouted, reach


@njit(cache=True, nogil=True)
def dependent_round(ptr, col, x, denom, draws):
    """Round a fractional assignment to 0/1 keeping every marginal.

    *x* holds each pair's value in units of ``1/denom`` (integers
    ``0..denom``); every proposal's row sums to a multiple of *denom*.
    Repeatedly takes a cycle, or a maximal path between two reviewers, of
    fractional pairs and moves ``+a`` / ``-a`` alternately along it (or
    ``-b`` / ``+b``) with probabilities ``b / (a + b)`` and ``a / (a + b)``,
    so that each pair's expectation is unchanged; a proposal's total never
    changes and a reviewer's total ends at the floor or ceiling of its
    fractional load (Gandhi, Khuller, Parthasarathy & Srinivasan, JACM 2006,
    doi:10.1145/1147954.1147956). ``draws`` are uniform numbers in [0, 1),
    one per step (at most the number of fractional pairs are used).
    Returns the 0/1 pairs (int8).
    """
    P = len(ptr) - 1
    E = len(col)
    R = 0
    for e in range(E):
        if col[e] + 1 > R:
            R = col[e] + 1
    N = P + R
    y = x.copy()
    # adjacency of fractional pairs per node, with removal by swap
    degf = np.zeros(N, dtype=np.int64)
    for p in range(P):
        for e in range(ptr[p], ptr[p + 1]):
            if 0 < y[e] < denom:
                degf[p] += 1
                degf[P + col[e]] += 1
    off = np.zeros(N + 1, dtype=np.int64)
    for v in range(N):
        off[v + 1] = off[v] + degf[v]
    adj = np.empty(off[N], dtype=np.int64)
    cnt = np.zeros(N, dtype=np.int64)
    where = np.full(2 * E, -1, dtype=np.int64)  # position of (pair, end) in adj
    owner = np.empty(E, dtype=np.int64)
    for p in range(P):
        for e in range(ptr[p], ptr[p + 1]):
            owner[e] = p
            if 0 < y[e] < denom:
                a = p
                adj[off[a] + cnt[a]] = e
                where[2 * e] = off[a] + cnt[a]
                cnt[a] += 1
                b = P + col[e]
                adj[off[b] + cnt[b]] = e
                where[2 * e + 1] = off[b] + cnt[b]
                cnt[b] += 1
    seen_at = np.full(N, -1, dtype=np.int64)
    walk_nodes = np.zeros(N + 1, dtype=np.int64)
    walk_edges = np.zeros(N + 1, dtype=np.int64)
    ndraw = 0
    # nodes with one fractional pair first (path ends), then any
    for phase in range(2):
        for first in range(N):
            while cnt[first] > 0 and (phase == 1 or cnt[first] == 1):
                start = first
                while True:
                    # walk until a node repeats (cycle) or is a dead end (path)
                    nw = 0
                    v = start
                    came = -1
                    lo_i = 0
                    cycle = False
                    while True:
                        if seen_at[v] >= 0:
                            lo_i = seen_at[v]
                            cycle = True
                            break
                        seen_at[v] = nw
                        walk_nodes[nw] = v
                        nxt = -1
                        for i in range(off[v], off[v] + cnt[v]):
                            if adj[i] != came:
                                nxt = adj[i]
                                break
                        if nxt < 0:
                            break
                        walk_edges[nw] = nxt
                        nw += 1
                        came = nxt
                        v = P + col[nxt] if v < P else owner[nxt]
                    for i in range(nw + 1):
                        seen_at[walk_nodes[i]] = -1
                    if cycle or cnt[start] == 1:
                        break
                    # a path from a node with more fractional pairs: walk
                    # again from its dead end, so that it runs end to end
                    start = v
                # alternate + / - along walk_edges[lo_i:nw]
                a = denom
                b = denom
                for i in range(lo_i, nw):
                    e = walk_edges[i]
                    if (i - lo_i) % 2 == 0:
                        a = min(a, denom - y[e])
                        b = min(b, y[e])
                    else:
                        a = min(a, y[e])
                        b = min(b, denom - y[e])
                u = draws[ndraw] if ndraw < len(draws) else 0.5
                ndraw += 1
                step = a if u * (a + b) < b else -b  # +a with probability b / (a + b)
                for i in range(lo_i, nw):
                    e = walk_edges[i]
                    y[e] += step if (i - lo_i) % 2 == 0 else -step
                for i in range(lo_i, nw):
                    e = walk_edges[i]
                    if y[e] == 0 or y[e] == denom:
                        for end in range(2):
                            node = owner[e] if end == 0 else P + col[e]
                            pos = where[2 * e + end]
                            last = off[node] + cnt[node] - 1
                            f = adj[last]
                            adj[pos] = f
                            where[2 * f + end] = pos
                            cnt[node] -= 1
                            where[2 * e + end] = -1
    out = np.zeros(E, dtype=np.int8)
    for e in range(E):
        if y[e] == denom:
            out[e] = 1
    return out


@njit(cache=True, nogil=True)
def _find(col, lo, hi, r):
    """Index of reviewer r in the sorted col[lo:hi], -1 if absent."""
    while lo < hi:
        mid = (lo + hi) >> 1
        if col[mid] < r:
            lo = mid + 1
        else:
            hi = mid
    return lo if lo < len(col) and col[lo] == r else -1


@njit(cache=True, nogil=True)
def _search_state(ptr, col, w, chosen, hi):
    """The bookkeeping of the local search on the 0/1 assignment *chosen*:
    ``(owner, score, load, slot_off, slots, slot_n)``, the proposal of each
    pair, the score of each proposal, the load of each reviewer, and per
    reviewer r its chosen pairs ``slots[slot_off[r]:slot_off[r] + slot_n[r]]``
    (room for as many as it can ever hold)."""
    P = len(ptr) - 1
    R = len(hi)
    E = len(col)
    owner = np.empty(E, dtype=np.int64)
    score = np.zeros(P)
    load = np.zeros(R, dtype=np.int64)
    deg = np.zeros(R, dtype=np.int64)
    for p in range(P):
        for e in range(ptr[p], ptr[p + 1]):
            owner[e] = p
            deg[col[e]] += 1
            if chosen[e]:
                score[p] += w[e]
                load[col[e]] += 1
    slot_off = np.zeros(R + 1, dtype=np.int64)
    for r in range(R):
        slot_off[r + 1] = slot_off[r] + max(load[r], min(deg[r], hi[r]))
    slots = np.empty(slot_off[R], dtype=np.int64)
    slot_n = np.zeros(R, dtype=np.int64)
    for e in range(E):
        if chosen[e]:
            _add_slot(slot_off, slots, slot_n, col[e], e)
    return owner, score, load, slot_off, slots, slot_n


@njit(cache=True, nogil=True)
def _best_move(p, ptr, col, w, chosen, lo, hi, state, floor, strict, need_gain):
    """The best move for proposal p: replace one of its reviewers r by an
    unassigned eligible r2 with a higher affinity, either free capacity
    (r2 below its max, r above its min) or swapped with a proposal q that
    holds r2 and takes r. Every changed score must stay above *floor*
    (strictly when *strict*). Moves are ranked by the lowest changed score
    (when not need_gain) or by the total gain. *state* is the bookkeeping
    of ``_search_state``. Returns (e1, e2, e3, e4) pairs (-1 for unused) of
    the best move, all -1 if none."""
    owner, score, load, slot_off, slots, slot_n = state
    best_key = -np.inf
    best_gain = -np.inf
    b1 = -1
    b2 = -1
    b3 = -1
    b4 = -1
    sp = score[p]
    eps = 1e-12 * (1.0 + abs(floor))
    for e1 in range(ptr[p], ptr[p + 1]):
        if chosen[e1] == 0:
            continue
        r = col[e1]
        for e2 in range(ptr[p], ptr[p + 1]):
            if chosen[e2] != 0 or w[e2] <= w[e1]:
                continue
            r2 = col[e2]
            new_p = sp - w[e1] + w[e2]
            if strict and new_p <= floor + eps:
                continue
            if load[r2] < hi[r2] and load[r] > lo[r]:
                gain = w[e2] - w[e1]
                key = gain if need_gain else new_p
                if key > best_key or (key == best_key and gain > best_gain):
                    best_key, best_gain = key, gain
                    b1, b2, b3, b4 = e1, e2, -1, -1
            for s in range(slot_off[r2], slot_off[r2] + slot_n[r2]):
                e3 = slots[s]
                q = owner[e3]
                if q == p:
                    continue
                e4 = _find(col, ptr[q], ptr[q + 1], r)
                if e4 < 0 or chosen[e4] != 0:
                    continue
                new_q = score[q] - w[e3] + w[e4]
                if strict:
                    if new_q <= floor + eps:
                        continue
                elif new_q < floor - eps:
                    continue
                gain = w[e2] - w[e1] + w[e4] - w[e3]
                if need_gain and gain <= eps:
                    continue
                key = gain if need_gain else min(new_p, new_q)
                if key > best_key or (key == best_key and gain > best_gain):
                    best_key, best_gain = key, gain
                    b1, b2, b3, b4 = e1, e2, e3, e4
    return b1, b2, b3, b4


@njit(cache=True, nogil=True)
def _move_slot(slot_off, slots, slot_n, r, e_out, e_in):
    for s in range(slot_off[r], slot_off[r] + slot_n[r]):
        if slots[s] == e_out:
            if e_in >= 0:
                slots[s] = e_in
            else:
                slots[s] = slots[slot_off[r] + slot_n[r] - 1]
                slot_n[r] -= 1
            return
    if e_in >= 0:  # pragma: no cover - e_out is always listed
        _add_slot(slot_off, slots, slot_n, r, e_in)


@njit(cache=True, nogil=True)
def _apply(e1, e2, e3, e4, col, w, chosen, state):
    owner, score, load, slot_off, slots, slot_n = state
    p = owner[e1]
    r = col[e1]
    r2 = col[e2]
    chosen[e1] = 0
    chosen[e2] = 1
    score[p] += w[e2] - w[e1]
    if e3 < 0:
        load[r] -= 1
        load[r2] += 1
        _move_slot(slot_off, slots, slot_n, r, e1, -1)
        _add_slot(slot_off, slots, slot_n, r2, e2)
    else:
        q = owner[e3]
        chosen[e3] = 0
        chosen[e4] = 1
        score[q] += w[e4] - w[e3]
        _move_slot(slot_off, slots, slot_n, r, e1, e4)
        _move_slot(slot_off, slots, slot_n, r2, e3, e2)


@njit(cache=True, nogil=True)
def _improve(p, ptr, col, w, chosen, lo, hi, state, floor, strict, need_gain):
    """Make the best move for proposal p (see ``_best_move``); False when
    there is none."""
    e1, e2, e3, e4 = _best_move(p, ptr, col, w, chosen, lo, hi, state, floor, strict, need_gain)
    if e1 < 0:
        return False
    _apply(e1, e2, e3, e4, col, w, chosen, state)
    return True


@njit(cache=True, nogil=True)
def fair_polish(ptr, col, w, chosen, k, lo, hi, max_moves):
    """Local search on a feasible 0/1 assignment *chosen* (changed in
    place and returned): first raise the lowest proposal score while any
    move of a worst proposal lifts it (every score it changes ends above the
    old minimum), then raise the total by moves that keep every score at or
    above that minimum. Moves: replace a reviewer by a better one with free
    capacity, or swap with another proposal (see ``_best_move``)."""
    P = len(ptr) - 1
    state = _search_state(ptr, col, w, chosen, hi)
    score = state[1]
    moves = 0
    floor = 0.0
    # phase 1: lift the worst proposal while possible
    while moves < max_moves and P > 0:
        p = -1
        for i in range(P):
            if k[i] > 0 and (p < 0 or score[i] < score[p]):
                p = i
        if p < 0:
            break
        floor = score[p]
        if not _improve(p, ptr, col, w, chosen, lo, hi, state, floor, True, False):
            break
        moves += 1
    if P > 0:
        floor = np.inf
        for i in range(P):
            if k[i] > 0 and score[i] < floor:
                floor = score[i]
    # phase 2: raise the total, keeping every score >= floor
    improved = True
    while improved and moves < max_moves:
        improved = False
        for p in range(P):
            if _improve(p, ptr, col, w, chosen, lo, hi, state, floor, False, True):
                moves += 1
                improved = True
                if moves >= max_moves:
                    break
    return chosen
