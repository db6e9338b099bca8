"""Compiled (numba) dependent rounding: one reviewer assignment drawn
from a fractional one (randomized mode of
:func:`~kakehashi_match.assign.assign`) so that every pair is chosen with
exactly its fractional value as probability.

>>> import numpy as np
>>> ptr, col = np.array([0, 2, 4]), np.array([0, 1, 0, 1], dtype=np.int32)
>>> out = dependent_round(ptr, col, np.array([1, 1, 1, 1]), 2, np.array([0.5, 0.5, 0.5]))
>>> out.reshape(2, 2).sum(axis=0).tolist(), out.reshape(2, 2).sum(axis=1).tolist()
([1, 1], [1, 1])
"""

from __future__ import annotations

import numpy as np
from numba import njit

__all__ = ["dependent_round"]


@njit(cache=True, nogil=True)
def dependent_round(ptr, col, x, denom, draws):
    """Round a fractional assignment to 0/1 keeping every marginal.

    Repeatedly takes a cycle, or a maximal path between two reviewers, of
    fractional pairs and moves ``+a`` / ``-a`` alternately along it (or
    ``-b`` / ``+b``) with probabilities ``b / (a + b)`` and ``a / (a + b)``,
    so that each pair's expectation is unchanged; a proposal's total never
    changes and a reviewer's total ends at the floor or ceiling of its
    fractional load.

    Parameters
    ----------
    ptr : ndarray of int64, shape (P + 1,)
        Proposal p's pairs are ``ptr[p]:ptr[p + 1]``.
    col : ndarray of int32, shape (E,)
        The reviewer of each pair.
    x : ndarray of int64, shape (E,)
        Each pair's value in units of ``1/denom`` (integers ``0..denom``);
        every proposal's row sums to a multiple of *denom*. Not changed.
    denom : int
        The common denominator.
    draws : ndarray of float64
        Uniform numbers in [0, 1), one per step (at most the number of
        fractional pairs are used).

    Returns
    -------
    ndarray of int8, shape (E,)
        The 0/1 pairs.

    Notes
    -----
    O(E · path length). Gandhi, Khuller, Parthasarathy & Srinivasan,
    "Dependent rounding and its applications to approximation algorithms",
    JACM 2006 (doi:10.1145/1147954.1147956).

    Examples
    --------
    >>> import numpy as np
    >>> ptr, col = np.array([0, 2]), np.array([0, 1], dtype=np.int32)
    >>> int(dependent_round(ptr, col, np.array([1, 1]), 2, np.array([0.3, 0.9])).sum())
    1
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
