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
The loop is the reference deferred acceptance of :mod:`kakehashi_match.reference`,
run with the group-aware choice rule :class:`GroupChoice`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .market import Market
from .reference import NestedChoice, deferred_acceptance_reference

__all__ = ["GroupChoice", "flexible_da", "group_counts", "group_full_mask"]


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


class GroupChoice(NestedChoice):
    """:class:`~kakehashi_match.reference.NestedChoice` with distributional
    caps on groups of organisations: when a group is over its capacity it
    rejects the student its round-robin would take last (targets first,
    then one student per organisation in the group's ``order``): the last
    student of the organisation furthest past its target."""

    def __init__(self, market: Market) -> None:
        super().__init__(market)
        org_group, target, order, gcap = _groups(market)
        self.og, self.tg = org_group.tolist(), target.tolist()
        self.od, self.gc = order.tolist(), gcap.tolist()
        self.count_g = [0] * len(self.gc)
        self.orgs_of: list[list[int]] = [[] for _ in self.gc]
        for org, g in enumerate(self.og):
            if g >= 0:
                self.orgs_of[g].append(org)

    def _group(self, e: int) -> int:
        return self.og[self.sorg[self.psup[self.eproj[e]]]]

    def admit(self, e: int) -> None:
        super().admit(e)
        g = self._group(e)
        if g >= 0:
            self.count_g[g] += 1

    def remove(self, e: int) -> None:
        super().remove(e)
        g = self._group(e)
        if g >= 0:
            self.count_g[g] -= 1

    def rejection(self, e: int) -> int:
        rejected = super().rejection(e)
        g = self._group(e)
        if rejected >= 0 or g < 0 or self.count_g[g] <= self.gc[g]:
            return rejected
        n_o, tg, od = self.count_o, self.tg, self.od
        o_star = max(
            (o for o in self.orgs_of[g] if n_o[o] > tg[o]),
            key=lambda o: (n_o[o] - 1 - tg[o], od[o]),
        )
        return self.org_last(o_star)


def flexible_da(market: Market, **options: Any):
    """Student-proposing deferred acceptance with project, supervisor,
    organisation and group caps: the reference loop
    (:func:`~kakehashi_match.reference.deferred_acceptance_reference`) run
    with the :class:`GroupChoice` rule. Kamada & Kojima 2015
    (doi:10.1257/aer.20101552). O(E · (caps + group size)).

    Returns ``(held, extra, group_full)``: the edge each student holds (-1
    unmatched), ``{"groups": {group id: placed}}``, and per edge whether a
    group cap stopped that choice (for the certificate).

    >>> from kakehashi_match import Instance
    >>> from kakehashi_match.market import compile_market
    >>> inst = Instance.from_dict({
    ...     "students": {"a": ["p", "q"], "b": ["p"]},
    ...     "projects": {"p": {"capacity": 2, "supervisor": "L"},
    ...                  "q": {"capacity": 1, "supervisor": "M"}},
    ...     "supervisors": {"L": {"ranking": ["b", "a"], "organisation": "X"},
    ...                     "M": {"ranking": ["a"], "organisation": "Y"}},
    ...     "organisations": {"X": {}, "Y": {}},
    ...     "groups": {"G": {"organisations": ["X"], "capacity": 1}}})
    >>> held, extra, _ = flexible_da(compile_market(inst))
    >>> held.tolist(), extra
    ([1, 2], {'groups': {'G': 1}})
    """
    if options:
        raise ValueError(f"options: flexible mode takes no options, got {sorted(options)}")
    rule = GroupChoice(market)
    held = deferred_acceptance_reference(market, rule=rule)
    fills = {gid: int(n) for gid, n in zip(market.instance.group_ids, rule.count_g, strict=True)}
    return held, {"groups": fills}, group_full_mask(market, held)


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
    """(group id, placed, capacity) for every group.

    O(N + E).

    >>> from kakehashi_match import Instance
    >>> from kakehashi_match.market import compile_market
    >>> m = compile_market(Instance.from_dict({
    ...     "students": {"a": ["p"]},
    ...     "projects": {"p": {"capacity": 1, "supervisor": "L"}},
    ...     "supervisors": {"L": {"ranking": ["a"], "organisation": "X"}},
    ...     "organisations": {"X": {}},
    ...     "groups": {"G": {"organisations": ["X"], "capacity": 3}}}))
    >>> group_counts(m, np.array([0]))
    [('G', 1, 3)]
    """
    org_group, _t, _o, gcap = _groups(market)
    held = np.asarray(held, dtype=np.int64)
    m_edge = held[held >= 0]
    orgs = market.sup_org[market.proj_sup[market.edge_proj[m_edge]]]
    g = org_group[orgs]
    n = np.bincount(g[g >= 0], minlength=len(gcap))
    return [(gid, int(n[i]), int(gcap[i])) for i, gid in enumerate(market.instance.group_ids)]
