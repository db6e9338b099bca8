"""Flexible deferred acceptance with distributional caps (Kamada & Kojima
2015, doi:10.1257/aer.20101552).

A *group* (a prefecture, a province, all companies, one direction of
travel) caps the total placed at its organisations. Each organisation may
hold a *target*: places of the group reserved for it, which revert to the
group's general places when it does not fill them. When the group is full
the group takes students organisation by organisation: first every
organisation up to its target, then round-robin in the group's ``order``,
one student per turn (an organisation's own turn takes its supervisors
round-robin, each its best remaining student). The student rejected is the
one that round-robin would take last. This choice rule is substitutable, so
student-proposing deferred acceptance stays stable in Kamada and Kojima's
sense and strategy-proof for students.

Pure Python, O(E · (caps + group size)): meant for program-sized markets.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .market import Market

__all__ = ["flexible_da", "group_full_mask"]


def _groups(market: Market):
    inst = market.instance
    n_org = len(market.cap_o)
    org_group = np.full(n_org, -1, dtype=np.int64)
    target = np.zeros(n_org, dtype=np.int64)
    order = np.zeros(n_org, dtype=np.int64)
    caps = []
    o_index = {o: i for i, o in enumerate(inst.organisation_ids)}
    for g, grp in enumerate(inst.groups):
        for k, o in enumerate(grp["order"]):
            org_group[o_index[o]] = g
            order[o_index[o]] = k
        for o, t in grp["targets"].items():
            target[o_index[o]] = t
        caps.append(grp["capacity"])
    return org_group, target, order, np.asarray(caps, dtype=np.int64)


def flexible_da(market: Market, **options: Any):
    """Student-proposing DA with project, supervisor, organisation and group
    caps. Returns (held, extra, group_full) where ``group_full`` marks the
    choices a group cap stopped (for the certificate)."""
    if options:
        raise ValueError(f"options: flexible mode takes no options, got {sorted(options)}")
    org_group, target, order, gcap = _groups(market)
    ptr = market.stu_ptr.tolist()
    key = market.edge_key.tolist()
    eproj = market.edge_proj.tolist()
    estu = market.edge_stu.tolist()
    psup = market.proj_sup.tolist()
    sorg = market.sup_org.tolist()
    turn = market.sup_turn.tolist()
    cap_p, cap_l, cap_o = market.cap_p.tolist(), market.cap_l.tolist(), market.cap_o.tolist()
    og, tg, od, gc = org_group.tolist(), target.tolist(), order.tolist(), gcap.tolist()
    n_s = len(ptr) - 1
    nxt = list(ptr[:-1])
    held = [-1] * n_s
    hp: list[set[int]] = [set() for _ in cap_p]
    hl: list[set[int]] = [set() for _ in cap_l]
    n_o = [0] * len(cap_o)
    n_g = [0] * len(gc)
    sups_of: list[list[int]] = [[] for _ in cap_o]
    for sup, org in enumerate(sorg):
        sups_of[org].append(sup)
    orgs_of: list[list[int]] = [[] for _ in gc]
    for org, g in enumerate(og):
        if g >= 0:
            orgs_of[g].append(org)

    def worst(edges):
        return max(edges, key=lambda e: key[e])

    def org_last(org):
        busiest = max((x for x in sups_of[org] if hl[x]), key=lambda x: (len(hl[x]), turn[x]))
        return worst(hl[busiest])

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
        g = og[org]
        held[s] = e
        hp[p].add(e)
        hl[sup].add(e)
        n_o[org] += 1
        if g >= 0:
            n_g[g] += 1
        rej = -1
        if 0 <= cap_p[p] < len(hp[p]):
            rej = worst(hp[p])
        elif 0 <= cap_l[sup] < len(hl[sup]):
            rej = worst(hl[sup])
        elif 0 <= cap_o[org] < n_o[org]:
            rej = org_last(org)
        elif g >= 0 and n_g[g] > gc[g]:
            # targets first, then round-robin: the last pick is the last
            # student of the organisation furthest past its target
            o_star = max(
                (o for o in orgs_of[g] if n_o[o] > tg[o]),
                key=lambda o: (n_o[o] - 1 - tg[o], od[o]),
            )
            rej = org_last(o_star)
        if rej >= 0:
            r = estu[rej]
            held[r] = -1
            rp = eproj[rej]
            hp[rp].discard(rej)
            hl[psup[rp]].discard(rej)
            ro = sorg[psup[rp]]
            n_o[ro] -= 1
            if og[ro] >= 0:
                n_g[og[ro]] -= 1
            free.append(r)
    held_a = np.asarray(held, dtype=np.int64)
    fills = {gid: int(n) for gid, n in zip(market.instance.group_ids, n_g, strict=True)}
    return held_a, {"groups": fills}, group_full_mask(market, held_a)


def group_full_mask(market: Market, held: np.ndarray) -> np.ndarray:
    """Per edge, True when the student's group cap would stop it: the group
    is full and its round-robin would take this student last. Only choices
    above the held one matter. O(E · group size)."""
    org_group, target, order, gcap = _groups(market)
    out = np.zeros(len(market.edge_key), dtype=bool)
    if len(gcap) == 0:
        return out
    held = np.asarray(held, dtype=np.int64)
    eproj, key = market.edge_proj, market.edge_key
    psup, sorg, turn = market.proj_sup, market.sup_org, market.sup_turn
    m_edge = held[held >= 0]
    n_l = np.bincount(psup[eproj[m_edge]], minlength=len(market.cap_l))
    n_o = np.bincount(sorg[psup[eproj[m_edge]]], minlength=len(market.cap_o))
    n_g = np.zeros(len(gcap), dtype=np.int64)
    np.add.at(n_g, org_group[org_group >= 0], n_o[org_group >= 0])
    worst_l = np.full(len(market.cap_l), -1, dtype=np.int64)
    for e in m_edge.tolist():
        x = psup[eproj[e]]
        if worst_l[x] < 0 or key[e] > key[worst_l[x]]:
            worst_l[x] = e
    sups_of: dict[int, list[int]] = {}
    for x, o in enumerate(sorg.tolist()):
        sups_of.setdefault(o, []).append(x)
    orgs_of: dict[int, list[int]] = {}
    for o, g in enumerate(org_group.tolist()):
        if g >= 0:
            orgs_of.setdefault(g, []).append(o)
    ptr = market.stu_ptr
    for s in range(len(ptr) - 1):
        stop = held[s] if held[s] >= 0 else ptr[s + 1]
        cur_l = psup[eproj[held[s]]] if held[s] >= 0 else -1
        for e in range(ptr[s], stop):
            if key[e] < 0:
                continue
            lv = psup[eproj[e]]
            o = sorg[lv]
            g = org_group[o]
            if g < 0 or lv == cur_l or n_g[g] < gcap[g]:
                continue
            if n_o[o] + 1 <= target[o]:
                continue
            mine = (n_o[o] - target[o], order[o])
            others = [
                (n_o[x] - 1 - target[x], order[x])
                for x in orgs_of[g]
                if x != o and n_o[x] > target[x]
            ]
            if others and max(others) > mine:
                continue
            # the organisation's own last pick: is it s?
            lk = (n_l[lv], turn[lv])
            other_sups = [(n_l[x] - 1, turn[x]) for x in sups_of[o] if x != lv and n_l[x] > 0]
            if other_sups and max(other_sups) > lk:
                continue
            w = worst_l[lv]
            if w >= 0 and key[e] < key[w]:
                continue
            out[e] = True
    return out


def group_counts(market: Market, held: np.ndarray) -> list[tuple[str, int, int]]:
    """(group id, placed, capacity) for every group."""
    org_group, _t, _o, gcap = _groups(market)
    held = np.asarray(held, dtype=np.int64)
    m_edge = held[held >= 0]
    orgs = market.sup_org[market.proj_sup[market.edge_proj[m_edge]]]
    g = org_group[orgs]
    n = np.bincount(g[g >= 0], minlength=len(gcap))
    return [(gid, int(n[i]), int(gcap[i])) for i, gid in enumerate(market.instance.group_ids)]
