"""NumPy twins of the compiled kernels in ``kernel.py`` (no numba).

Loading numba and its cached machine code costs about a second per
process, several times what these vectorised versions need on a national
market, so a one-shot process (the ``kakehashi-match solve`` command) uses
them; long-lived processes and simulations keep the compiled kernels. Each
function returns exactly what its twin in ``kernel.py`` returns (tests
check this on generated instances).

:func:`da_kernel` runs deferred acceptance in rounds: every free student
proposes at once, then each organisation touched by a proposal keeps the
choice of its nested choice rule (each project its best ``cap_p``, each
supervisor its best ``cap_l`` of those, the organisation round-robin over
its supervisors up to ``cap_o``) among its holders and proposers. That
choice rule is path-independent, so the student-optimal stable outcome
does not depend on the order of proposals (Roth 1984,
doi:10.1016/0022-0531(84)90126-7; Chambers & Yenmez 2017,
doi:10.1016/j.geb.2017.01.002): the rounds give the same assignment as the
one-proposal-at-a-time kernel.
"""

from __future__ import annotations

import numpy as np

from .arrays import argsort_int, row_owner

__all__ = ["argsort_int", "da_kernel", "edge_lookup", "tiebreak_positions"]


def _rank_in_runs(g: np.ndarray) -> np.ndarray:
    """0-based position of each element of the sorted array *g* in its run."""
    n = len(g)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    brk = np.flatnonzero(g[1:] != g[:-1]) + 1
    starts = np.concatenate(([0], brk))
    return np.arange(n, dtype=np.int64) - np.repeat(starts, np.diff(np.append(starts, n)))


def tiebreak_positions(ptr, student, tier, lot) -> np.ndarray:
    """Position of each ranking entry in its owner's strict order: tie groups
    in order, members of one group by lottery number (single tie-breaking,
    Erdil & Ergin 2008, doi:10.1257/aer.98.3.669). Same result as
    ``kernel.tiebreak_positions``. O(R log R) for R entries.

    One owner ranks students 0 and 1 equal, then 2; the lottery puts 1 first:

    >>> tiebreak_positions(np.array([0, 3]), np.array([0, 1, 2]),
    ...                    np.array([0, 0, 1]), np.array([1, 0, 2])).tolist()
    [1, 0, 2]
    """
    owner = row_owner(ptr)
    local = np.arange(len(student), dtype=np.int64) - ptr[owner]
    if np.array_equal(tier, local):  # no ties: positions are list positions
        return local
    order = np.lexsort((np.asarray(lot)[student], tier, owner))
    pos = np.empty(len(student), dtype=np.int64)
    pos[order] = local
    return pos


def edge_lookup(
    stu_ptr, edge_node, r_ptr, r_student, r_value, n_students, sorted_codes=None
) -> np.ndarray:
    """For each edge (student s, node n) the value of s's entry in node n's
    ranking, or -1 when n does not rank s (see ``kernel``). *sorted_codes*
    optionally gives the entries' codes ``owner * n_students + student``
    sorted, and their order (as the instance's validation computed them).
    O((R + E) log(R + E)).

    Student 0 ranks nodes 1 and 0; only node 1 ranks it (value 7):

    >>> edge_lookup(np.array([0, 2]), np.array([1, 0]), np.array([0, 0, 1]),
    ...             np.array([0]), np.array([7]), 1).tolist()
    [7, -1]
    """
    out = np.full(len(edge_node), -1, dtype=np.int64)
    if len(r_student) == 0 or len(edge_node) == 0:
        return out
    n = max(int(n_students), 1)
    if sorted_codes is None:
        rc = row_owner(r_ptr) * n + r_student
        order = argsort_int(rc)
        src = rc[order]
    else:
        src, order = sorted_codes
    node = np.asarray(edge_node, dtype=np.int64)
    ec = node * n + row_owner(stu_ptr)
    by_code = argsort_int(ec)  # searching sorted needles is cache-friendly
    i = np.empty(len(ec), dtype=np.int64)
    i[by_code] = np.searchsorted(src, ec[by_code])
    i = np.minimum(i, len(src) - 1)
    found = (src[i] == ec) & (node >= 0)
    out[found] = np.asarray(r_value, dtype=np.int64)[order[i[found]]]
    return out


def da_kernel(
    stu_ptr, start, edge_proj, edge_stu, edge_key, proj_sup, sup_org, cap_p, cap_l, cap_o,
    sup_turn, base=None,
) -> np.ndarray:  # fmt: skip
    """Student-proposing deferred acceptance with nested capacities, in
    vectorised rounds; same arguments and result as ``kernel.da_kernel``
    (integer keys only). O(rounds · H log H) for H holders per round.

    Three students want p (two places), whose supervisor ranks c, a, b:

    >>> from kakehashi_match import Instance
    >>> from kakehashi_match.market import compile_market
    >>> mk = compile_market(Instance.from_dict({
    ...     "students": {"a": ["p"], "b": ["p"], "c": ["p"]},
    ...     "projects": {"p": {"capacity": 2, "supervisor": "L"}},
    ...     "supervisors": {"L": {"ranking": ["c", "a", "b"]}}}))
    >>> arrays = (mk.stu_ptr, mk.stu_ptr[:-1], mk.edge_proj, mk.edge_stu, mk.edge_key)
    >>> da_kernel(*arrays, mk.proj_sup, mk.sup_org, mk.cap_p, mk.cap_l, mk.cap_o,
    ...           mk.sup_turn).tolist()  # b is left out
    [0, -1, 2]
    """
    n_s = len(stu_ptr) - 1
    n_e = len(edge_proj)
    held = np.full(n_s, -1, dtype=np.int64)
    if n_e == 0 or n_s == 0:
        return held
    edge_key = np.asarray(edge_key)
    if edge_key.dtype.kind not in "iu":
        raise TypeError("npkernel.da_kernel: integer priority keys only")
    edge_key = edge_key.astype(np.int64, copy=False)
    end = np.asarray(stu_ptr[1:], dtype=np.int64)
    idx = np.arange(n_e + 1, dtype=np.int64)
    acceptable = np.append(edge_key >= 0, True)
    # next acceptable edge at or after e (n_e when none)
    nacc = np.minimum.accumulate(np.where(acceptable, idx, n_e)[::-1])[::-1]
    e_sup = proj_sup[edge_proj]
    e_org = sup_org[e_sup]
    big = int(edge_key.max()) + 1
    code_p = edge_proj.astype(np.int64) * big + edge_key
    code_l = e_sup.astype(np.int64) * big + edge_key
    n_turn = int(sup_turn.max()) + 1 if len(sup_turn) else 1
    free_l = cap_l < 0
    free_o = cap_o < 0
    nxt = np.asarray(start, dtype=np.int64).copy()
    free = np.arange(n_s, dtype=np.int64)
    h_e = np.zeros(0, dtype=np.int64)  # edges held
    h_o = np.zeros(0, dtype=np.int64)  # their organisations
    touched = np.zeros(len(cap_o), dtype=bool)
    touched_p = np.zeros(len(cap_p), dtype=bool)
    n_l, n_o = len(cap_l), len(cap_o)
    while len(free):
        e = nacc[np.minimum(nxt[free], n_e)]
        ok = e < end[free]
        prop = e[ok]
        if not len(prop):
            break
        nxt[free[ok]] = prop + 1
        touched[:] = False
        touched[e_org[prop]] = True
        inside = touched[h_o]
        pool_in = np.concatenate((h_e[inside], prop))
        # projects keep their cap_p best: only those given a proposal can be over
        touched_p[:] = False
        touched_p[edge_proj[prop]] = True
        sel = touched_p[edge_proj[pool_in]]
        c = code_p[pool_in[sel]]
        o = argsort_int(c)
        g = c[o] // big
        pool = np.concatenate((pool_in[~sel], pool_in[sel][o][_rank_in_runs(g) < cap_p[g]]))
        # supervisors keep their cap_l best, and an organisation over its
        # capacity goes round-robin over its supervisors: both need the place
        # of each holder within its supervisor
        g_l = e_sup[pool]
        g_o = sup_org[g_l]
        over_l = (~free_l) & (np.bincount(g_l, minlength=n_l) > cap_l)
        over_o = (~free_o) & (np.bincount(g_o, minlength=n_o) > cap_o)
        sel = over_l[g_l] | over_o[g_o]
        if sel.any():
            c = code_l[pool[sel]]
            o = argsort_int(c)
            part = pool[sel][o]
            g = c[o] // big
            place = _rank_in_runs(g)
            keep = free_l[g] | (place < cap_l[g])
            part, place, g = part[keep], place[keep], g[keep]
            go = sup_org[g]
            # organisations: round-robin over their supervisors, in turn order
            o = argsort_int((go * (n_s + 1) + place) * n_turn + sup_turn[g])
            go = go[o]
            part = part[o]
            keep = free_o[go] | (_rank_in_runs(go) < cap_o[go])
            pool = np.concatenate((pool[~sel], part[keep]))
        ws = edge_stu[pool_in]
        held[ws] = -1
        held[edge_stu[pool]] = pool
        free = ws[held[ws] < 0]
        outside = ~inside
        h_e = np.concatenate((h_e[outside], pool))
        h_o = np.concatenate((h_o[outside], e_org[pool]))
    return held
