"""The pure-Python reference: student-proposing deferred acceptance with
nested capacities (project ⊂ supervisor ⊂ organisation).

It is written for reading, not speed; ``kernel.da_kernel`` must return
exactly the same assignment (tests check this on generated instances).
The loop is parameterised by the hosts' choice rule (:class:`NestedChoice`
here; flexible deferred acceptance adds group caps by extending it, see
:mod:`kakehashi_match.flexible`).

Gale & Shapley 1962 (doi:10.2307/2312726); the nested-capacity form follows
SPA-S of Abraham, Irving & Manlove 2007 (doi:10.1016/j.jda.2006.03.006)
with an organisation level added above the supervisor.
"""

from __future__ import annotations

import numpy as np

from .market import Market

__all__ = ["NestedChoice", "deferred_acceptance_reference", "two_sided_ttc_reference"]


class NestedChoice:
    """The hosts' choice rule with nested capacities, one proposal at a time.

    It keeps the edges each project and supervisor holds and the number each
    organisation holds. After a proposal is admitted, :meth:`rejection`
    names the holder to let go: when the project, else its supervisor, is
    over capacity, the holder that node ranks lowest; when the organisation
    is, the last pick of its round-robin over its supervisors (the worst
    student of the supervisor holding most, later turn among equals). A
    subclass adds levels by extending :meth:`admit`, :meth:`remove` and
    :meth:`rejection`.

    >>> from kakehashi_match import Instance
    >>> from kakehashi_match.market import compile_market
    >>> rule = NestedChoice(compile_market(Instance.from_dict({
    ...     "students": {"a": ["p"], "b": ["p"]},
    ...     "projects": {"p": {"capacity": 1, "ranking": ["b", "a"]}}})))
    >>> rule.admit(0); rule.admit(1); rule.rejection(1)  # p keeps b (edge 1)
    0
    """

    def __init__(self, market: Market) -> None:
        self.key = market.edge_key.tolist()
        self.eproj = market.edge_proj.tolist()
        self.psup = market.proj_sup.tolist()
        self.sorg = market.sup_org.tolist()
        self.turn = market.sup_turn.tolist()
        self.cap_p, self.cap_l = market.cap_p.tolist(), market.cap_l.tolist()
        self.cap_o = market.cap_o.tolist()
        self.holders_p: list[set[int]] = [set() for _ in self.cap_p]  # edges held per project
        self.holders_l: list[set[int]] = [set() for _ in self.cap_l]
        self.count_o = [0] * len(self.cap_o)
        self.sups_of_org: list[list[int]] = [[] for _ in self.cap_o]
        for sup, org in enumerate(self.sorg):
            self.sups_of_org[org].append(sup)

    def admit(self, e: int) -> None:
        """Edge *e* joins the holders of its project, supervisor and organisation."""
        sup = self.psup[self.eproj[e]]
        self.holders_p[self.eproj[e]].add(e)
        self.holders_l[sup].add(e)
        self.count_o[self.sorg[sup]] += 1

    def remove(self, e: int) -> None:
        """Edge *e* leaves the holders it joined."""
        sup = self.psup[self.eproj[e]]
        self.holders_p[self.eproj[e]].discard(e)
        self.holders_l[sup].discard(e)
        self.count_o[self.sorg[sup]] -= 1

    def worst(self, edges: set[int]) -> int:
        """The holder ranked lowest (largest key)."""
        key = self.key
        return max(edges, key=lambda e: key[e])

    def org_last(self, org: int) -> int:
        """The student the organisation's round-robin would take last."""
        held, turn = self.holders_l, self.turn
        busiest = max(
            (x for x in self.sups_of_org[org] if held[x]), key=lambda x: (len(held[x]), turn[x])
        )
        return self.worst(held[busiest])

    def rejection(self, e: int) -> int:
        """The edge to reject after admitting *e* (maybe *e*), or -1."""
        p = self.eproj[e]
        sup = self.psup[p]
        org = self.sorg[sup]
        if 0 <= self.cap_p[p] < len(self.holders_p[p]):
            return self.worst(self.holders_p[p])
        if 0 <= self.cap_l[sup] < len(self.holders_l[sup]):
            return self.worst(self.holders_l[sup])
        if 0 <= self.cap_o[org] < self.count_o[org]:
            return self.org_last(org)
        return -1


def deferred_acceptance_reference(
    market: Market, start: np.ndarray | None = None, rule: NestedChoice | None = None
) -> np.ndarray:
    """Return the edge held by each student (-1 if unmatched).

    Each free student proposes to the next acceptable project on its list.
    The hosts tentatively accept; the choice *rule* (by default
    :class:`NestedChoice` of *market*) then names the holder to reject, who
    proposes next. With a substitutable rule the outcome is the
    student-optimal stable matching whatever the order of proposals.
    O(E · c) for E list entries and holders c per node.

    Gale & Shapley 1962 (doi:10.2307/2312726), nested capacities after
    Abraham, Irving & Manlove 2007 (doi:10.1016/j.jda.2006.03.006).

    >>> from kakehashi_match import Instance
    >>> from kakehashi_match.market import compile_market
    >>> inst = Instance.from_dict({
    ...     "students": {"a": ["p"], "b": ["p"]},
    ...     "projects": {"p": {"capacity": 1, "ranking": ["b", "a"]}},
    ... })
    >>> deferred_acceptance_reference(compile_market(inst)).tolist()  # b holds edge 1
    [-1, 1]
    """
    rule = NestedChoice(market) if rule is None else rule
    ptr = market.stu_ptr.tolist()
    key = rule.key
    estu = market.edge_stu.tolist()
    n_s = len(ptr) - 1
    nxt = list(ptr[:-1]) if start is None else [int(x) for x in start]
    held = [-1] * n_s
    free = list(range(n_s - 1, -1, -1))
    while free:
        s = free.pop()
        while nxt[s] < ptr[s + 1] and key[nxt[s]] < 0:
            nxt[s] += 1
        if nxt[s] >= ptr[s + 1]:
            continue
        e = nxt[s]
        nxt[s] += 1
        held[s] = e
        rule.admit(e)
        rejected = rule.rejection(e)
        if rejected >= 0:
            held[estu[rejected]] = -1
            rule.remove(rejected)
            free.append(estu[rejected])
    return np.asarray(held, dtype=np.int64)


def two_sided_ttc_reference(market: Market) -> np.ndarray:
    """Two-sided top trading cycles, round by round, for reading: the
    mechanism of :mod:`kakehashi_match.exchange` (Dur & Ünver 2019,
    doi:10.1086/701358, with nested capacities and a tolerance).

    Each round: students with no available project leave unplaced (until
    none is left to remove); then every student points to the unit of her
    best available project, every unit with students to its first remaining
    student, every unit without students that may still import to the
    credit node, and the credit node to the first remaining student of the
    unit owing most; every cycle is executed at once. Returns the edge each
    student holds (-1 unplaced). O(rounds · (E + U)).

    >>> from kakehashi_match.exchange import example_market
    >>> two_sided_ttc_reference(example_market()).tolist()
    [0, -1, 3]
    """
    # The exchange module is only needed by this mechanism.
    from .exchange import exchange_spec

    spec = exchange_spec(market)
    n_s, n_u, t = len(market.stu_ptr) - 1, len(spec.unit_ids), spec.tolerance
    ptr = market.stu_ptr.tolist()
    room = {
        "p": market.cap_p.tolist(),
        "l": market.cap_l.tolist(),
        "o": market.cap_o.tolist(),
        "u": spec.group_cap.tolist(),
    }
    remaining = set(range(n_s))
    net = [0] * n_u
    held = [-1] * n_s

    def nodes(e):
        p = int(market.edge_proj[e])
        sup = int(market.proj_sup[p])
        return {"p": p, "l": sup, "o": int(market.sup_org[sup]), "u": int(spec.proj_unit[p])}

    def first(u):
        return next((s for s in spec.order[u] if s in remaining), None)

    def credit_target():
        owing = [u for u in range(n_u) if first(u) is not None and net[u] > -t]
        return first(max(owing, key=lambda u: (net[u], -u))) if owing else None

    def is_open(u):
        return first(u) is not None or (net[u] < t and credit_target() is not None)

    def best(s):
        for e in range(ptr[s], ptr[s + 1]):
            nd = nodes(e)
            acceptable = market.edge_key[e] >= 0
            if acceptable and all(room[k][nd[k]] != 0 for k in room) and is_open(nd["u"]):
                return e
        return None

    while remaining:
        stuck = [s for s in remaining if best(s) is None]
        if stuck:
            remaining.difference_update(stuck)
            continue
        # pointers: students -> ("u", unit); units -> student or "credit"; credit -> student
        choice = {s: best(s) for s in remaining}
        succ: dict = {("s", s): ("u", nodes(e)["u"]) for s, e in choice.items()}
        for u in range(n_u):
            f = first(u)
            if f is not None:
                succ[("u", u)] = ("s", f)
            elif net[u] < t and credit_target() is not None:
                succ[("u", u)] = ("credit",)
        target = credit_target()
        if target is not None:
            succ[("credit",)] = ("s", target)
        cycles, seen = [], set()
        for v0 in succ:
            path, v = [], v0
            while v in succ and v not in seen:
                seen.add(v)
                path.append(v)
                v = succ[v]
            if v in path:
                cycles.append(path[path.index(v) :])
        for cycle in cycles:
            for v in cycle:
                if v[0] != "s":
                    continue
                s = v[1]
                e = choice[s]
                held[s] = e
                remaining.discard(s)
                nd = nodes(e)
                for k in room:
                    if room[k][nd[k]] > 0:
                        room[k][nd[k]] -= 1
                net[int(spec.home_unit[s])] -= 1
                net[nd["u"]] += 1
    return np.asarray(held, dtype=np.int64)
