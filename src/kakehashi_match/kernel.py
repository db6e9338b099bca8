"""Compiled (numba) kernels: deferred acceptance with nested capacities and
the topological merge of rankings that gives each host its priority order.

Both are plain loops over flat arrays; ``reference.py`` holds the readable
pure-Python deferred acceptance that these must agree with exactly, and
``npkernel.py`` vectorised NumPy twins (no numba to load) for one-shot
processes.
"""

from __future__ import annotations

import numpy as np
from numba import njit

__all__ = ["da_kernel", "topo_order"]


@njit(cache=True, nogil=True)
def _heap_push(hk, hv, off, size, key, val):
    i = size
    hk[off + i] = key
    hv[off + i] = val
    while i > 0:
        parent = (i - 1) >> 1
        if hk[off + parent] < hk[off + i]:
            break
        if hk[off + parent] == hk[off + i] and hv[off + parent] <= hv[off + i]:
            break
        hk[off + parent], hk[off + i] = hk[off + i], hk[off + parent]
        hv[off + parent], hv[off + i] = hv[off + i], hv[off + parent]
        i = parent
    return size + 1


@njit(cache=True, nogil=True)
def _heap_pop(hk, hv, off, size):
    """Pop the minimum (key, val) of a min-heap stored at hk[off:off+size]."""
    key = hk[off]
    val = hv[off]
    size -= 1
    hk[off] = hk[off + size]
    hv[off] = hv[off + size]
    i = 0
    while True:
        left = 2 * i + 1
        if left >= size:
            break
        c = left
        right = left + 1
        if right < size and (
            hk[off + right] < hk[off + left]
            or (hk[off + right] == hk[off + left] and hv[off + right] < hv[off + left])
        ):
            c = right
        if hk[off + c] > hk[off + i] or (hk[off + c] == hk[off + i] and hv[off + c] >= hv[off + i]):
            break
        hk[off + c], hk[off + i] = hk[off + i], hk[off + c]
        hv[off + c], hv[off + i] = hv[off + i], hv[off + c]
        i = c
    return key, val, size


@njit(cache=True, nogil=True)
def _ready(v, n_vertices, key1, hk, hv, size, stack, top):
    """Vertex *v* has no arc left to wait for: a real vertex joins the heap
    (by key1), a dummy node the stack. Returns the new (heap size, stack top)."""
    if v < n_vertices:
        return _heap_push(hk, hv, 0, size, key1[v], v), top
    stack[top] = v
    return size, top + 1


@njit(cache=True, nogil=True)
def topo_order(n_vertices, key1, vertex_root, n_roots, adj_ptr, adj_dst, indeg_in):
    """Kahn's algorithm over real vertices [0, n_vertices) and dummy nodes
    [n_vertices, N). Ready real vertices leave in order of (key1, vertex);
    dummies leave as soon as they are ready. Returns (position of each real
    vertex within its root, number of nodes processed); fewer than N
    processed means the rankings under some root contradict each other.

    O((N + A) log N) for N nodes and A arcs.
    """
    n = len(indeg_in)
    indeg = indeg_in.copy()
    pos = np.full(n_vertices, -1, dtype=np.int64)
    count = np.zeros(n_roots, dtype=np.int64)
    hk = np.empty(max(n_vertices, 1), dtype=np.int64)
    hv = np.empty(max(n_vertices, 1), dtype=np.int64)
    size = 0
    stack = np.empty(max(n - n_vertices, 1), dtype=np.int64)
    top = 0
    for v in range(n):
        if indeg[v] == 0:
            size, top = _ready(v, n_vertices, key1, hk, hv, size, stack, top)
    done = 0
    while True:
        if top > 0:
            top -= 1
            u = stack[top]
        elif size > 0:
            _k, u, size = _heap_pop(hk, hv, 0, size)
            r = vertex_root[u]
            pos[u] = count[r]
            count[r] += 1
        else:
            break
        done += 1
        for a in range(adj_ptr[u], adj_ptr[u + 1]):
            w = adj_dst[a]
            indeg[w] -= 1
            if indeg[w] == 0:
                size, top = _ready(w, n_vertices, key1, hk, hv, size, stack, top)
    return pos, done


@njit(cache=True, nogil=True)
def _pop_busiest(hk, hv, off, size, cnt_l, sup_turn, base):
    """Pop the supervisor whose last student an organisation drops: the one
    holding most students, later round-robin turn among equals."""
    while True:
        k, x, size = _heap_pop(hk, hv, off, size)
        if cnt_l[x] > 0 and -k == cnt_l[x] * base + sup_turn[x]:
            return x, size


@njit(cache=True, nogil=True)
def _slot_max(sk, off, size):
    """Index (relative to off) of the largest key among size slots."""
    best = 0
    bk = sk[off]
    for i in range(1, size):
        if sk[off + i] > bk:
            bk = sk[off + i]
            best = i
    return best


@njit(cache=True, nogil=True)
def _slot_find(sv, off, size, e):
    for i in range(size):
        if sv[off + i] == e:
            return i
    return -1


@njit(cache=True, nogil=True)
def da_kernel(
    stu_ptr, start, edge_proj, edge_stu, edge_key, proj_sup, sup_org, cap_p, cap_l, cap_o,
    sup_turn, base,
):  # fmt: skip
    """Student-proposing deferred acceptance with nested capacities.

    Student s proposes along ``edge_proj[start[s]:stu_ptr[s+1]]`` skipping
    edges with ``edge_key < 0`` (unacceptable). When the project, else its
    supervisor, is over capacity, that node rejects the holder with the
    largest ``edge_key`` (the supervisor's priority position, shared by its
    projects). When the organisation is over capacity it rejects the worst
    holder of its supervisor with the most holders (later ``sup_turn``
    first): the last pick of a round-robin. Capacities < 0 are unlimited.

    Layout: each project and supervisor whose capacity can bind keeps its
    current holders in a small contiguous slot array (capacity + 1 entries,
    keys beside edges), so the hot loop stays in cache; organisations keep a
    lazy max-heap of their supervisors' (holders, turn). O(E · c) for
    capacities c, O(E log E) at the organisation level.

    Returns ``held``: the edge each student holds, or -1.

    >>> from kakehashi_match import Instance
    >>> from kakehashi_match.market import compile_market
    >>> m = compile_market(Instance.from_dict({
    ...     "students": {"a": ["p"], "b": ["p"]},
    ...     "projects": {"p": {"capacity": 1, "ranking": ["b", "a"]}}}))
    >>> da_kernel(m.stu_ptr, m.stu_ptr[:-1], m.edge_proj, m.edge_stu, m.edge_key,
    ...           m.proj_sup, m.sup_org, m.cap_p, m.cap_l, m.cap_o, m.sup_turn,
    ...           m.turn_base).tolist()
    [-1, 1]
    """
    n_s = len(stu_ptr) - 1
    n_p = len(cap_p)
    n_l = len(cap_l)
    n_o = len(cap_o)
    deg_p = np.zeros(n_p, dtype=np.int64)
    deg_l = np.zeros(n_l, dtype=np.int64)
    deg_o = np.zeros(n_o, dtype=np.int64)
    for s in range(n_s):
        for e in range(start[s], stu_ptr[s + 1]):
            if edge_key[e] >= 0:
                p = edge_proj[e]
                deg_p[p] += 1
                deg_l[proj_sup[p]] += 1
                deg_o[sup_org[proj_sup[p]]] += 1
    # organisations whose capacity can bind: lazy heap of (holders, turn)
    off_o = np.full(n_o, -1, dtype=np.int64)
    total_o = 0
    for x in range(n_o):
        if cap_o[x] >= 0 and cap_o[x] < deg_o[x]:
            off_o[x] = total_o
            total_o += 2 * deg_o[x] + 1
    # slot arrays: projects that can bind, supervisors that can bind or whose
    # organisation can
    off_p = np.full(n_p, -1, dtype=np.int64)
    sum_child = np.zeros(n_l, dtype=np.int64)
    total = 0
    for p in range(n_p):
        c = min(cap_p[p], deg_p[p]) if cap_p[p] >= 0 else deg_p[p]
        sum_child[proj_sup[p]] += c
        if cap_p[p] >= 0 and cap_p[p] < deg_p[p]:
            off_p[p] = total
            total += cap_p[p] + 1
    off_l = np.full(n_l, -1, dtype=np.int64)
    for x in range(n_l):
        binds = cap_l[x] >= 0 and cap_l[x] < deg_l[x]
        if binds or off_o[sup_org[x]] >= 0:
            size = min(sum_child[x], deg_l[x])
            if cap_l[x] >= 0:
                size = min(size, cap_l[x])
            off_l[x] = total
            total += size + 1
    sk = np.empty(max(total, 1), dtype=edge_key.dtype)  # int64, or float64 in simulations
    sv = np.empty(max(total, 1), dtype=np.int64)
    hk = np.empty(max(total_o, 1), dtype=np.int64)
    hv = np.empty(max(total_o, 1), dtype=np.int64)
    sz_o = np.zeros(n_o, dtype=np.int64)
    cnt_p = np.zeros(n_p, dtype=np.int64)
    cnt_l = np.zeros(n_l, dtype=np.int64)
    cnt_o = np.zeros(n_o, dtype=np.int64)
    held = np.full(n_s, -1, dtype=np.int64)
    nxt = start.astype(np.int64).copy()

    for s0 in range(n_s):
        cur = s0
        while cur >= 0:
            s = cur
            cur = -1
            end = stu_ptr[s + 1]
            e = nxt[s]
            while e < end and edge_key[e] < 0:
                e += 1
            if e >= end:
                nxt[s] = end
                continue
            nxt[s] = e + 1
            p = edge_proj[e]
            sl = proj_sup[p]
            so = sup_org[sl]
            k = edge_key[e]
            held[s] = e
            # ---- project
            op = off_p[p]
            if op >= 0:
                n = cnt_p[p]
                sk[op + n] = k
                sv[op + n] = e
                n += 1
                if n > cap_p[p]:
                    i = _slot_max(sk, op, n)
                    r = sv[op + i]
                    sk[op + i] = sk[op + n - 1]
                    sv[op + i] = sv[op + n - 1]
                    if r == e:
                        held[s] = -1
                        cur = s
                        continue
                    # e takes r's place: the supervisor's holders swap r for e
                    ol = off_l[sl]
                    if ol >= 0:
                        j = _slot_find(sv, ol, cnt_l[sl], r)
                        sk[ol + j] = k
                        sv[ol + j] = e
                    held[edge_stu[r]] = -1
                    cur = edge_stu[r]
                    continue
                cnt_p[p] = n
            else:
                cnt_p[p] += 1
            # ---- supervisor
            ol = off_l[sl]
            if ol >= 0:
                sk[ol + cnt_l[sl]] = k
                sv[ol + cnt_l[sl]] = e
            cnt_l[sl] += 1
            r = -1
            if cap_l[sl] >= 0 and cnt_l[sl] > cap_l[sl]:
                x = sl
            elif off_o[so] >= 0:
                cnt_o[so] += 1
                sz_o[so] = _heap_push(
                    hk, hv, off_o[so], sz_o[so], -(cnt_l[sl] * base + sup_turn[sl]), sl
                )
                if cnt_o[so] <= cap_o[so]:
                    continue
                x, sz_o[so] = _pop_busiest(hk, hv, off_o[so], sz_o[so], cnt_l, sup_turn, base)
                cnt_o[so] -= 1
            else:
                cnt_o[so] += 1
                continue
            # ---- reject the worst holder of supervisor x
            ox = off_l[x]
            n = cnt_l[x]
            i = _slot_max(sk, ox, n)
            r = sv[ox + i]
            sk[ox + i] = sk[ox + n - 1]
            sv[ox + i] = sv[ox + n - 1]
            cnt_l[x] = n - 1
            if off_o[so] >= 0 and cnt_l[x] > 0:
                sz_o[so] = _heap_push(
                    hk, hv, off_o[so], sz_o[so], -(cnt_l[x] * base + sup_turn[x]), x
                )
            rp = edge_proj[r]
            orp = off_p[rp]
            if orp >= 0:
                j = _slot_find(sv, orp, cnt_p[rp], r)
                sk[orp + j] = sk[orp + cnt_p[rp] - 1]
                sv[orp + j] = sv[orp + cnt_p[rp] - 1]
            cnt_p[rp] -= 1
            rs = edge_stu[r]
            held[rs] = -1
            cur = rs
    return held


@njit(cache=True, nogil=True)
def tiebreak_positions(ptr, student, tier, lot):
    """Position of each ranking entry in its owner's strict order: tie groups
    in order, members of one group by lottery number (single tie-breaking,
    Erdil & Ergin 2008, doi:10.1257/aer.98.3.669). O(R log g).

    One owner ranks students 0 and 1 equal, then 2; the lottery puts 1 first:

    >>> tiebreak_positions(np.array([0, 3]), np.array([0, 1, 2]),
    ...                    np.array([0, 0, 1]), np.array([1, 0, 2])).tolist()
    [1, 0, 2]
    """
    n = len(student)
    pos = np.empty(n, dtype=np.int64)
    for i in range(len(ptr) - 1):
        a = ptr[i]
        b = ptr[i + 1]
        j = a
        while j < b:
            k = j + 1
            while k < b and tier[k] == tier[j]:
                k += 1
            if k - j == 1:
                pos[j] = j - a
            else:
                lots = np.empty(k - j, dtype=np.int64)
                for t in range(j, k):
                    lots[t - j] = lot[student[t]]
                order = np.argsort(lots)
                for t in range(k - j):
                    pos[j + order[t]] = j - a + t
            j = k
    return pos


@njit(cache=True, nogil=True)
def edge_lookup(stu_ptr, edge_node, r_ptr, r_student, r_value, n_students):
    """For each edge (student s, node n) the value of s's entry in node n's
    ranking, or -1 when n does not rank s. Entries are bucketed by student,
    so the cost is O(R + sum over edges of the student's entry count).

    Student 0 ranks nodes 1 and 0; only node 1 ranks it (value 7):

    >>> edge_lookup(np.array([0, 2]), np.array([1, 0]), np.array([0, 0, 1]),
    ...             np.array([0]), np.array([7]), 1).tolist()
    [7, -1]
    """
    n_r = len(r_student)
    cnt = np.zeros(n_students + 1, dtype=np.int64)
    for j in range(n_r):
        cnt[r_student[j] + 1] += 1
    for s in range(n_students):
        cnt[s + 1] += cnt[s]
    fill = cnt[:-1].copy()
    b_node = np.empty(n_r, dtype=np.int64)
    b_val = np.empty(n_r, dtype=np.int64)
    for i in range(len(r_ptr) - 1):
        for j in range(r_ptr[i], r_ptr[i + 1]):
            s = r_student[j]
            b_node[fill[s]] = i
            b_val[fill[s]] = r_value[j]
            fill[s] += 1
    out = np.full(len(edge_node), -1, dtype=np.int64)
    for s in range(n_students):
        for e in range(stu_ptr[s], stu_ptr[s + 1]):
            node = edge_node[e]
            if node < 0:
                continue
            for j in range(cnt[s], cnt[s + 1]):
                if b_node[j] == node:
                    out[e] = b_val[j]
                    break
    return out


@njit(cache=True, nogil=True)
def noisy_keys(key, scale, shock, edge_stu, out):
    """Host priorities moved by a common student shock, in one pass:
    ``key + scale * shock[student]`` on acceptable edges, shifted so that the
    smallest is 0; unacceptable edges stay -1. Writes *out* (float64), the
    same numbers as the vectorised NumPy expression."""
    low = np.inf
    for e in range(len(key)):
        if key[e] >= 0:
            v = key[e] + scale[e] * shock[edge_stu[e]]
            out[e] = v
            if v < low:
                low = v
        else:
            out[e] = -1.0
    if low == np.inf:
        low = 0.0
    for e in range(len(key)):
        if key[e] >= 0:
            out[e] = out[e] - low
    return out
