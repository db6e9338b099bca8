"""Two-sided top trading cycles, the mechanism of mode ``exchange``.

Dur & Ünver, "Two-Sided Matching via Balanced Exchange", Journal of
Political Economy 127(3), 2019 (doi:10.1086/701358). Every student has a
home *unit* (an organisation, or a group of organisations such as a
country); a placement at a project of another unit is an export of the home
unit and an import of the host's. The mechanism keeps every unit's
imports − exports within the tolerance t.

The graph has three kinds of node:

- each remaining **student** points to the unit of her best remaining
  project that is *available*: on her list, ranked by its host, with room at
  the project, its supervisor, its organisation (and its group, when the
  units are the groups), in a unit that is *open*;
- each **unit** with remaining students points to the first of them in its
  priority order (the home's own order, then the seeded lottery);
- with a tolerance t > 0 a **credit** node: a unit whose students are all
  gone may still import while its imports − exports < t; it then points to
  the credit node, which points to the first remaining student of the unit
  with the largest imports − exports (lowest unit index among equals) whose
  exports − imports < t. A unit is *open* while it has remaining students,
  or when it has none, owes less than t and the credit node has a target.

Every node points to one node, so there is a cycle; each student on a
cycle gets the project she points at and leaves; a student with nothing
available leaves unplaced. On a cycle without the credit node every unit
imports one and exports one; a cycle through it exports one from the
credit's target unit and imports one into the unit pointing at it. With
t = 0 the credit node never has a target and this is Dur & Ünver's 2S-TTC.

Cycles of one round share no unit, and every capacity lies inside one unit
(project ⊂ supervisor ⊂ organisation ⊂ unit), so cycles never compete for a
place: the outcome does not depend on the order in which cycles are taken.
:func:`two_sided_ttc` follows pointers one path at a time (O(E + cycles ·
U) in pure Python); :func:`kakehashi_match.reference.two_sided_ttc_reference`
runs the same mechanism round by round, for reading; tests check that both
give the same assignment.

This module holds the mechanism and its inputs; the certificate is in
:mod:`~kakehashi_match.exchange_certificate`, the explanations in
:mod:`~kakehashi_match.exchange_explain`, and the mode's entry point in
:mod:`~kakehashi_match.exchange`.
"""

from __future__ import annotations

import numpy as np

from .instance import Instance
from .market import Market, compile_market

__all__ = [
    "EXAMPLE",
    "EXCHANGE_REASONS",
    "ExchangeSpec",
    "example_market",
    "exchange_spec",
    "two_sided_ttc",
]

# why a project ranked above the one obtained was not obtained (mode exchange)
NOT_RANKED, PROJECT_FULL, SUPERVISOR_FULL, ORGANISATION_FULL, GROUP_FULL, BALANCE = range(1, 7)
LOWER_PRIORITY = 7
EXCHANGE_REASONS = {
    NOT_RANKED: "not_ranked_by_host",
    PROJECT_FULL: "project_full",
    SUPERVISOR_FULL: "supervisor_full",
    ORGANISATION_FULL: "organisation_full",
    GROUP_FULL: "group_cap_reached",
    BALANCE: "balance",
    LOWER_PRIORITY: "lower_priority",
}


class ExchangeSpec:
    """The exchange key compiled against a market: per project its unit,
    per student her home unit and her position in its priority order, per
    unit its students in that order, the tolerance and the group caps that
    apply (the units' own, when the units are the groups)."""

    def __init__(self, market: Market) -> None:
        inst = market.instance
        x = inst.exchange
        if x is None:
            raise ValueError("mode exchange: the instance has no 'exchange' key")
        self.balance: str = x["balance"]
        self.tolerance: int = int(x["tolerance"])
        self.unit_ids: tuple[str, ...] = tuple(x["unit_ids"])
        n_u = len(self.unit_ids)
        org_unit = np.full(market.n_org, -1, dtype=np.int64)
        org_unit[: len(x["org_unit"])] = x["org_unit"]
        self.proj_unit = org_unit[market.sup_org[market.proj_sup]]
        ranked = market.edge_proj[market.edge_key >= 0]
        stray = np.unique(ranked[self.proj_unit[ranked] < 0])
        if len(stray):
            names = [inst.project_ids[p] for p in stray[:10].tolist()]
            where = "organisation" if self.balance == "organisations" else "group"
            raise ValueError(
                f"mode exchange: projects {names} are in no {where}, so a placement there "
                "would be an export that nothing balances (give them a supervisor in an "
                + ("organisation)" if where == "organisation" else "organisation of a group)")
            )
        self.home_unit = np.asarray(x["home_unit"], dtype=np.int64)
        lot = market.lottery
        order: list[list[int]] = [[] for _ in range(n_u)]
        given = x["priorities"]
        self.lottery_units: list[str] = []
        by_lottery = np.argsort(lot, kind="stable")
        rest: list[list[int]] = [[] for _ in range(n_u)]
        listed = np.zeros(len(self.home_unit), dtype=bool)
        for u, lst in given.items():
            order[u] = list(lst)
            listed[list(lst)] = True
        hu = self.home_unit.tolist()
        for s in by_lottery.tolist():
            if not listed[s]:
                rest[hu[s]].append(s)
        for u in range(n_u):
            if rest[u]:
                self.lottery_units.append(self.unit_ids[u])
            order[u] += rest[u]
        self.order = order
        self.position = np.zeros(len(hu), dtype=np.int64)
        for u in range(n_u):
            self.position[order[u]] = np.arange(len(order[u]))
        self.group_cap = np.full(n_u, -1, dtype=np.int64)
        if self.balance == "groups":
            self.group_cap[:] = [g["capacity"] for g in inst.groups]


def exchange_spec(market: Market) -> ExchangeSpec:
    """The exchange key of an instance, compiled against its market.

    Parameters
    ----------
    market : Market
        The compiled market; its instance carries the ``exchange`` key.

    Returns
    -------
    ExchangeSpec
        Per project its unit, per student her home unit and priority
        position, per unit its students in priority order (the home's own
        order, then the seeded lottery), the tolerance and the group caps.

    Raises
    ------
    ValueError
        When the instance has no ``exchange`` key or a ranked project is in
        no unit.

    Notes
    -----
    O(S log S + E) for S students and E rank-list entries. Dur & Ünver 2019
    (doi:10.1086/701358).

    Examples
    --------
    >>> spec = exchange_spec(example_market())
    >>> spec.unit_ids, spec.order, spec.lottery_units
    (('CA', 'JP'), [[0, 1], [2]], ['JP'])
    """
    return ExchangeSpec(market)


def two_sided_ttc(market: Market, spec: ExchangeSpec | None = None) -> tuple[np.ndarray, dict]:
    """Two-sided top trading cycles with nested capacities and a tolerance.

    Parameters
    ----------
    market : Market
        The compiled market; its instance carries the ``exchange`` key.
    spec : ExchangeSpec, optional
        :func:`exchange_spec` of the market (computed when absent).

    Returns
    -------
    (ndarray, dict)
        The edge each student holds (-1 unplaced), and the trace the
        explanations read: per edge the reason it was passed over
        (``skip``, 0 when not passed over), per node the student who took its
        last place (``last``).

    Notes
    -----
    Follows pointers from each remaining student until a node repeats
    (a cycle: executed at once) or a node has nowhere to point (a student
    with nothing available leaves unplaced, a unit with no students and no
    credit closes). A student's pointer only moves down her list and every
    place, unit and credit only closes, so this is O(E + S + C · U) for C
    cycles through the credit node. Dur & Ünver 2019 (doi:10.1086/701358).

    Examples
    --------
    >>> held, _ = two_sided_ttc(example_market())
    >>> held.tolist()  # ca1 and jp1 swap; ca2 stays home: JP cannot take a second
    [0, -1, 3]
    """
    spec = exchange_spec(market) if spec is None else spec
    key = market.edge_key.tolist()
    eproj = market.edge_proj.tolist()
    ptr = market.stu_ptr.tolist()
    psup = market.proj_sup.tolist()
    sorg = market.sup_org.tolist()
    big = 1 << 62
    rem_p = [c if c >= 0 else big for c in market.cap_p.tolist()]
    rem_l = [c if c >= 0 else big for c in market.cap_l.tolist()]
    rem_o = [c if c >= 0 else big for c in market.cap_o.tolist()]
    rem_g = [c if c >= 0 else big for c in spec.group_cap.tolist()]
    punit = spec.proj_unit.tolist()
    hunit = spec.home_unit.tolist()
    order = spec.order
    t = spec.tolerance
    n_s = len(ptr) - 1
    n_u = len(order)
    credit = n_s + n_u  # the credit node
    head = [0] * n_u
    left = [len(o) for o in order]  # students still in the market, per unit
    net = [0] * n_u  # imports - exports
    gone = [False] * n_s
    nxt = ptr[:-1]
    nxt = list(nxt)
    held = [-1] * n_s
    skip = [0] * len(key)
    last_p, last_l, last_o, last_g = {}, {}, {}, {}

    def credit_target() -> int:
        """First remaining student of the unit owing most, or -1."""
        if t == 0:
            return -1
        best, best_net = -1, None
        for u in range(n_u):
            if left[u] and net[u] > -t and (best_net is None or net[u] > best_net):
                best, best_net = u, net[u]
        return top(best) if best >= 0 else -1

    def top(u: int) -> int:
        o = order[u]
        h = head[u]
        while gone[o[h]]:
            h += 1
        head[u] = h
        return o[h]

    def is_open(u: int) -> bool:
        return left[u] > 0 or (net[u] < t and credit_target() >= 0)

    def point(v: int) -> int:
        """Where node v points now, or -1 (nowhere: it leaves the graph)."""
        if v < n_s:
            e, end = nxt[v], ptr[v + 1]
            while e < end:
                p = eproj[e]
                why = 0
                if key[e] < 0:
                    why = NOT_RANKED
                elif rem_p[p] <= 0:
                    why = PROJECT_FULL
                elif rem_l[psup[p]] <= 0:
                    why = SUPERVISOR_FULL
                elif rem_o[sorg[psup[p]]] <= 0:
                    why = ORGANISATION_FULL
                elif rem_g[punit[p]] <= 0:
                    why = GROUP_FULL
                elif not is_open(punit[p]):
                    why = BALANCE
                if not why:
                    break
                skip[e] = why
                e += 1
            nxt[v] = e
            return n_s + punit[eproj[e]] if e < end else -1
        if v < credit:
            u = v - n_s
            if left[u]:
                return top(u)
            return credit if net[u] < t and credit_target() >= 0 else -1
        return credit_target()

    def leave(s: int) -> None:
        gone[s] = True
        left[hunit[s]] -= 1

    def execute(cycle: list[int]) -> None:
        for v in cycle:
            if v >= n_s:
                continue
            e = nxt[v]
            p = eproj[e]
            held[v] = e
            leave(v)
            net[hunit[v]] -= 1
            net[punit[p]] += 1
            for rem, last, node in (
                (rem_p, last_p, p),
                (rem_l, last_l, psup[p]),
                (rem_o, last_o, sorg[psup[p]]),
                (rem_g, last_g, punit[p]),
            ):
                rem[node] -= 1
                if rem[node] == 0:
                    last[node] = e

    on_path = [-1] * (credit + 1)  # position on the current path, -1 if absent
    for start in range(n_s):
        if gone[start]:
            continue
        path = [start]
        on_path[start] = 0
        while path:
            v = path[-1]
            w = point(v)
            if w < 0:  # v leaves the graph: a student unplaced, a unit or the credit closed
                path.pop()
                on_path[v] = -1
                if v < n_s:
                    leave(v)
                continue
            if on_path[w] >= 0:  # a cycle: from w to the end of the path
                i = on_path[w]
                cycle = path[i:]
                del path[i:]
                for x in cycle:
                    on_path[x] = -1
                execute(cycle)
                continue
            on_path[w] = len(path)
            path.append(w)
    trace = {"skip": skip, "last": (last_p, last_l, last_o, last_g)}
    return np.asarray(held, dtype=np.int64), trace


EXAMPLE = {
    "students": {"ca1": ["jp"], "ca2": ["jp2", "jp"], "jp1": ["ca"]},
    "projects": {
        "jp": {"capacity": 1, "supervisor": "Ljp"},
        "jp2": {"capacity": 1, "supervisor": "Ljp"},
        "ca": {"capacity": 2, "supervisor": "Lca"},
    },
    "supervisors": {
        "Ljp": {"ranking": ["ca1", "ca2"], "organisation": "ATR"},
        "Lca": {"ranking": ["jp1"], "organisation": "UBC"},
    },
    "organisations": {"UBC": {}, "ATR": {}},
    "groups": {
        "CA": {"organisations": ["UBC"], "capacity": 10},
        "JP": {"organisations": ["ATR"], "capacity": 10},
    },
    "exchange": {
        "homes": {"ca1": "UBC", "ca2": "UBC", "jp1": "ATR"},
        "priorities": {"CA": ["ca1", "ca2"]},
        "balance": "groups",
    },
}


def example_market() -> Market:
    """The compiled market of :data:`EXAMPLE`, the small Canada–Japan exchange
    the examples of the mode use: ca1 and ca2 (home CA) rank projects in JP,
    jp1 (home JP) one in CA. O(1) for its size.

    >>> m = example_market()
    >>> m.instance.student_ids, exchange_spec(m).unit_ids
    (('ca1', 'ca2', 'jp1'), ('CA', 'JP'))
    """
    return compile_market(Instance.from_dict(EXAMPLE))
