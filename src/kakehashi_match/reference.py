"""The pure-Python reference: student-proposing deferred acceptance with
nested capacities (project ⊂ supervisor ⊂ organisation).

It is written for reading, not speed; ``kernel.da_kernel`` must return
exactly the same assignment (tests check this on generated instances).

Gale & Shapley 1962 (doi:10.2307/2312726); the nested-capacity form follows
SPA-S of Abraham, Irving & Manlove 2007 (doi:10.1016/j.jda.2006.03.006)
with an organisation level added above the supervisor.
"""

from __future__ import annotations

import numpy as np

from .market import Market

__all__ = ["deferred_acceptance_reference"]


def deferred_acceptance_reference(market: Market, start: np.ndarray | None = None) -> np.ndarray:
    """Return the edge held by each student (-1 if unmatched).

    Each free student proposes to the next acceptable project on its list.
    The project tentatively accepts; if the project, else its supervisor,
    else its organisation is now over capacity, that node rejects the holder
    it ranks lowest, who proposes next. O(E log E) for E list entries.

    >>> from kakehashi_match import Instance
    >>> from kakehashi_match.market import compile_market
    >>> inst = Instance.from_dict({
    ...     "students": {"a": ["p"], "b": ["p"]},
    ...     "projects": {"p": {"capacity": 1, "ranking": ["b", "a"]}},
    ... })
    >>> deferred_acceptance_reference(compile_market(inst)).tolist()  # b holds edge 1
    [-1, 1]
    """
    ptr = market.stu_ptr.tolist()
    key = market.edge_key.tolist()
    eproj = market.edge_proj.tolist()
    estu = market.edge_stu.tolist()
    psup = market.proj_sup.tolist()
    sorg = market.sup_org.tolist()
    turn = market.sup_turn.tolist()
    cap_p, cap_l, cap_o = market.cap_p.tolist(), market.cap_l.tolist(), market.cap_o.tolist()
    n_s = len(ptr) - 1
    nxt = list(ptr[:-1]) if start is None else [int(x) for x in start]
    held = [-1] * n_s
    holders_p: list[set[int]] = [set() for _ in cap_p]  # edges held at each project
    holders_l: list[set[int]] = [set() for _ in cap_l]
    count_o = [0] * len(cap_o)
    sups_of_org: list[list[int]] = [[] for _ in cap_o]
    for sup, org in enumerate(sorg):
        sups_of_org[org].append(sup)

    def worst(edges: set[int]) -> int:
        return max(edges, key=lambda e: key[e])

    free = list(range(n_s - 1, -1, -1))
    while free:
        s = free.pop()
        while nxt[s] < ptr[s + 1] and key[nxt[s]] < 0:
            nxt[s] += 1
        if nxt[s] >= ptr[s + 1]:
            continue
        e = nxt[s]
        nxt[s] += 1
        p = eproj[e]
        sup = psup[p]
        org = sorg[sup]
        held[s] = e
        holders_p[p].add(e)
        holders_l[sup].add(e)
        count_o[org] += 1
        rejected = -1
        if 0 <= cap_p[p] < len(holders_p[p]):
            rejected = worst(holders_p[p])
        elif 0 <= cap_l[sup] < len(holders_l[sup]):
            rejected = worst(holders_l[sup])
        elif 0 <= cap_o[org] < count_o[org]:
            # round-robin: the last pick is the worst student of the supervisor
            # holding the most, the later turn among equals
            busiest = max(
                (x for x in sups_of_org[org] if holders_l[x]),
                key=lambda x: (len(holders_l[x]), turn[x]),
            )
            rejected = worst(holders_l[busiest])
        if rejected >= 0:
            r = estu[rejected]
            held[r] = -1
            rp = eproj[rejected]
            holders_p[rp].discard(rejected)
            holders_l[psup[rp]].discard(rejected)
            count_o[sorg[psup[rp]]] -= 1
            free.append(r)
    return np.asarray(held, dtype=np.int64)
