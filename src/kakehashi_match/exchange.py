"""Balanced exchange (mode ``exchange``): two-sided top trading cycles.

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
"""

from __future__ import annotations

from bisect import bisect_left
from typing import Any

import numpy as np

from .market import Market

__all__ = [
    "EXCHANGE_REASONS",
    "ExchangeSpec",
    "exchange_certificate",
    "exchange_run",
    "exchange_spec",
    "exchange_violations",
    "pareto_improvement",
    "priority_violations",
    "two_sided_ttc",
    "unit_flows",
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
#: largest number of acceptable pairs for which a result checks, by an exact
#: MILP, that no balanced Pareto improvement exists (unless told otherwise)
PARETO_CHECK_EDGES = 5_000


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
    """The :class:`ExchangeSpec` of *market* (raises ``ValueError`` when the
    instance has no ``exchange`` key or a ranked project is in no unit).

    >>> from kakehashi_match import Instance
    >>> from kakehashi_match.market import compile_market
    >>> spec = exchange_spec(compile_market(Instance.from_dict(EXAMPLE)))
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
    >>> from kakehashi_match import Instance
    >>> from kakehashi_match.market import compile_market
    >>> held, _ = two_sided_ttc(compile_market(Instance.from_dict(EXAMPLE)))
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


def unit_flows(spec: ExchangeSpec, market: Market, held: np.ndarray) -> dict[str, np.ndarray]:
    """Per unit: students at home, exports, imports, domestic placements
    (host in the home unit) and home students placed. O(S).

    >>> from kakehashi_match import Instance
    >>> from kakehashi_match.market import compile_market
    >>> m = compile_market(Instance.from_dict(EXAMPLE))
    >>> f = unit_flows(exchange_spec(m), m, np.array([0, -1, 3]))
    >>> f["exports"].tolist(), f["imports"].tolist()
    ([1, 1], [1, 1])
    """
    held = np.asarray(held, dtype=np.int64)
    n_u = len(spec.unit_ids)
    placed = held >= 0
    home = spec.home_unit
    host = np.where(placed, spec.proj_unit[np.append(market.edge_proj, 0)[held]], -1)
    abroad = placed & (host != home)
    return {
        "students": np.bincount(home, minlength=n_u),
        "exports": np.bincount(home[abroad], minlength=n_u),
        "imports": np.bincount(host[abroad], minlength=n_u),
        "domestic": np.bincount(home[placed & ~abroad], minlength=n_u),
        "placed": np.bincount(home[placed], minlength=n_u),
    }


def priority_violations(
    spec: ExchangeSpec, market: Market, held: np.ndarray
) -> list[tuple[int, int, int]]:
    """(student, lower-priority unit-mate, project) for every student passed
    over: a student of the same unit with lower priority holds a project the
    first ranks above what she holds and whose host ranked her. O(E log E).

    >>> from kakehashi_match import Instance
    >>> from kakehashi_match.market import compile_market
    >>> m = compile_market(Instance.from_dict(EXAMPLE))
    >>> spec = exchange_spec(m)
    >>> priority_violations(spec, m, np.array([0, -1, 3]))
    []
    >>> priority_violations(spec, m, np.array([-1, 2, 3]))  # ca2 took jp before ca1
    [(0, 1, 1)]
    """
    held = np.asarray(held, dtype=np.int64)
    pos = spec.position
    home = spec.home_unit
    # per (project, unit): the holders' priority positions, sorted
    holders: dict[tuple[int, int], list[int]] = {}
    who: dict[tuple[int, int, int], int] = {}
    for s in np.flatnonzero(held >= 0).tolist():
        k = (int(market.edge_proj[held[s]]), int(home[s]))
        holders.setdefault(k, []).append(int(pos[s]))
        who[(*k, int(pos[s]))] = s
    for v in holders.values():
        v.sort()
    out = []
    ptr, key, eproj = market.stu_ptr, market.edge_key, market.edge_proj
    for s in range(len(held)):
        stop = held[s] if held[s] >= 0 else ptr[s + 1]
        for e in range(ptr[s], stop):
            if key[e] < 0:
                continue
            lst = holders.get((int(eproj[e]), int(home[s])))
            if lst and lst[-1] > pos[s]:
                worst = lst[-1]
                out.append((s, who[(int(eproj[e]), int(home[s]), worst)], int(eproj[e])))
    return out


def pareto_improvement(
    spec: ExchangeSpec, market: Market, held: np.ndarray, time_limit: float = 30.0
) -> dict[str, Any]:
    """Is there a matching that respects every capacity and acceptability,
    keeps every unit's |imports − exports| within the tolerance, gives every
    student a project she ranks at least as high, and one a higher one?

    Exact mixed-integer program (HiGHS through ``scipy.optimize.milp``):
    x_e ∈ {0, 1} per acceptable pair at least as good as the student's own;
    a placed student keeps one; capacities at every level; per unit
    −t ≤ Σ imports − Σ exports ≤ t; maximise the number of students
    strictly better off. Returns ``{"exists": bool, "improved": n,
    "status": ...}`` (``improved`` students in the best improvement).

    >>> from kakehashi_match import Instance
    >>> from kakehashi_match.market import compile_market
    >>> m = compile_market(Instance.from_dict(EXAMPLE))
    >>> pareto_improvement(exchange_spec(m), m, np.array([0, -1, 3]))["exists"]
    False
    >>> pareto_improvement(exchange_spec(m), m, np.array([-1, -1, -1]))["improved"]
    2
    """
    # SciPy loads only when a certificate asks for the exact check.
    from scipy.optimize import Bounds, LinearConstraint, milp
    from scipy.sparse import csr_array, vstack

    held = np.asarray(held, dtype=np.int64)
    ptr = market.stu_ptr
    n_s = len(ptr) - 1
    e_all = np.arange(len(market.edge_key))
    stu = market.edge_stu
    limit = np.where(held >= 0, held, ptr[1:] - 1)  # worst edge a student may take
    ok = (market.edge_key >= 0) & (e_all <= limit[stu])
    acc = np.flatnonzero(ok)
    if len(acc) == 0:
        return {"exists": False, "improved": 0, "status": "empty"}
    s_of = stu[acc]
    better = (acc < np.where(held >= 0, held, ptr[1:])[s_of]).astype(float)
    n = len(acc)
    cols = np.arange(n)

    def rows(index, n_rows, keep=None):
        keep = np.ones(n, dtype=bool) if keep is None else keep
        return csr_array((np.ones(int(keep.sum())), (index[keep], cols[keep])), shape=(n_rows, n))

    blocks, lo, hi = [rows(s_of, n_s)], [np.zeros(n_s)], [np.ones(n_s)]
    lo[0][held >= 0] = 1.0  # a placed student keeps a place at least as good
    proj = market.edge_proj[acc]
    sup = market.proj_sup[proj]
    org = market.sup_org[sup]
    unit = spec.proj_unit[proj]
    for node, cap in (
        (proj, market.cap_p),
        (sup, market.cap_l),
        (org, market.cap_o),
        (unit, spec.group_cap),
    ):
        if (cap >= 0).any():
            keep = cap[node] >= 0
            blocks.append(rows(node, len(cap), keep))
            lo.append(np.full(len(cap), -np.inf))
            hi.append(np.where(cap >= 0, cap, np.inf).astype(float))
    n_u = len(spec.unit_ids)
    home = spec.home_unit[s_of]
    abroad = unit != home
    imp = csr_array((np.ones(int(abroad.sum())), (unit[abroad], cols[abroad])), shape=(n_u, n))
    exp = csr_array((np.ones(int(abroad.sum())), (home[abroad], cols[abroad])), shape=(n_u, n))
    blocks.append(imp - exp)
    lo.append(np.full(n_u, -float(spec.tolerance)))
    hi.append(np.full(n_u, float(spec.tolerance)))
    res = milp(
        c=-better,
        constraints=LinearConstraint(
            vstack(blocks).tocsr(), np.concatenate(lo), np.concatenate(hi)
        ),
        integrality=np.ones(n),
        bounds=Bounds(0, 1),
        options={"time_limit": time_limit, "disp": False},
    )
    if res.x is None:  # the current matching is itself feasible: only a time-out lands here
        return {"exists": None, "improved": None, "status": str(res.message)}
    improved = round(float(-res.fun))
    status = "optimal" if res.status == 0 else str(res.message)
    return {
        "exists": improved > 0 if res.status == 0 else None,
        "improved": improved,
        "status": status,
    }


def explain(spec: ExchangeSpec, market: Market, held: np.ndarray, trace: dict) -> list[list]:
    """Per student, every project ranked above the one obtained with the
    reason it was passed over (see docs/match/format.md, mode exchange).

    A full node is explained by ``lower_priority`` when a student of the
    same unit that the home put first holds a place there (``cutoff``: the
    last of them in the home's order; positions are in that order), else
    by the level that was full (``cutoff``: the student who took its last
    place); ``balance`` names the unit that could not import. O(E log S).
    """
    inst = market.instance
    sid, pid = inst.student_ids, inst.project_ids
    skip = trace["skip"]
    last = trace["last"]
    ptr, eproj = market.stu_ptr.tolist(), market.edge_proj.tolist()
    estu = market.edge_stu.tolist()
    psup, sorg = market.proj_sup.tolist(), market.sup_org.tolist()
    punit = spec.proj_unit.tolist()
    home, pos = spec.home_unit.tolist(), spec.position.tolist()
    held_l = held.tolist()
    # per (level, node, unit): the holders' positions in that unit's order, sorted
    holders: dict[tuple[int, int, int], list[int]] = {}
    for s, e in enumerate(held_l):
        if e < 0:
            continue
        p = eproj[e]
        for level, node in (
            (PROJECT_FULL, p),
            (SUPERVISOR_FULL, psup[p]),
            (ORGANISATION_FULL, sorg[psup[p]]),
            (GROUP_FULL, punit[p]),
        ):
            holders.setdefault((level, node, home[s]), []).append(pos[s])
    for v in holders.values():
        v.sort()
    order = spec.order
    unit_ids = spec.unit_ids
    names = EXCHANGE_REASONS
    levels = (PROJECT_FULL, SUPERVISOR_FULL, ORGANISATION_FULL, GROUP_FULL)
    out: list[list] = []
    for s in range(len(held_l)):
        base = ptr[s]
        stop = held_l[s] if held_l[s] >= 0 else ptr[s + 1]
        items = []
        for e in range(base, stop):
            p = eproj[e]
            why = skip[e]
            # each dict is written with its keys in sorted order
            if why == BALANCE:
                items.append(
                    {
                        "project": pid[p],
                        "rank": e - base + 1,
                        "reason": "balance",
                        "unit": unit_ids[punit[p]],
                    }
                )
                continue
            if why not in levels:
                items.append({"project": pid[p], "rank": e - base + 1, "reason": names[NOT_RANKED]})
                continue
            node = (p, psup[p], sorg[psup[p]], punit[p])[why - PROJECT_FULL]
            mates = holders.get((why, node, home[s]))
            k = bisect_left(mates, pos[s]) if mates else 0
            if k:
                ahead = mates[k - 1]
                items.append(
                    {
                        "cutoff": sid[order[home[s]][ahead]],
                        "cutoff_position": ahead + 1,
                        "project": pid[p],
                        "rank": e - base + 1,
                        "reason": "lower_priority",
                        "your_position": pos[s] + 1,
                    }
                )
                continue
            taker = last[why - PROJECT_FULL].get(node, -1)
            item: dict[str, Any] = {"cutoff": sid[estu[taker]]} if taker >= 0 else {}
            item |= {"project": pid[p], "rank": e - base + 1, "reason": names[why]}
            items.append(item)
        out.append(items)
    return out


def _pareto_option(value: Any, market: Market) -> bool:
    if value == "auto":
        return int((market.edge_key >= 0).sum()) <= PARETO_CHECK_EDGES
    if isinstance(value, bool):
        return value
    raise ValueError(f"pareto_check: expected 'auto', true or false, got {value!r}")


def exchange_certificate(
    spec: ExchangeSpec, market: Market, held: np.ndarray, pareto_check: Any = "auto"
) -> dict[str, Any]:
    """The mode's part of the certificate: per unit exports, imports and
    imports − exports against the tolerance; students passed over by a
    lower-priority student of their unit; and, when *pareto_check* says so,
    the exact check that no balanced Pareto improvement exists.

    >>> from kakehashi_match import Instance
    >>> from kakehashi_match.market import compile_market
    >>> m = compile_market(Instance.from_dict(EXAMPLE))
    >>> c = exchange_certificate(exchange_spec(m), m, np.array([0, -1, 3]))
    >>> c["balanced"], c["priority_respecting"], c["pareto"]["exists"], c["balance"]["CA"]
    (True, True, False, {'exports': 1, 'imports': 1, 'net': 0, 'within_tolerance': True})
    """
    sid, pid = market.instance.student_ids, market.instance.project_ids
    flows = unit_flows(spec, market, held)
    t = spec.tolerance
    balance = {}
    for u, uid in enumerate(spec.unit_ids):
        ex, im = int(flows["exports"][u]), int(flows["imports"][u])
        balance[uid] = {
            "exports": ex,
            "imports": im,
            "net": im - ex,
            "within_tolerance": abs(im - ex) <= t,
        }
    passed = priority_violations(spec, market, held)
    out: dict[str, Any] = {
        "balance": balance,
        "balanced": all(b["within_tolerance"] for b in balance.values()),
        "tolerance": t,
        "priority_respecting": not passed,
        "priority_violations": [
            {"student": sid[s], "passed_over_by": sid[o], "project": pid[p]} for s, o, p in passed
        ],
    }
    if _pareto_option(pareto_check, market):
        out["pareto"] = {
            "checked": True,
            "method": "milp",
            **pareto_improvement(spec, market, held),
        }
    else:
        out["pareto"] = {"checked": False, "method": "milp"}
    return out


def exchange_run(market: Market, held_student: np.ndarray, pareto_check: Any = "auto"):
    """Run the mode: two-sided top trading cycles, its certificate, the
    per-student explanations and the comparison with student mode
    (*held_student*: the student-optimal stable assignment of the same
    market). Returns ``(held, extra)`` for :class:`~kakehashi_match.result.Result`.

    >>> from kakehashi_match import Instance
    >>> from kakehashi_match.market import compile_market
    >>> m = compile_market(Instance.from_dict(EXAMPLE))
    >>> held, extra = exchange_run(m, np.array([0, 1, 3]))
    >>> extra["exchange"]["units"]["CA"]["lost_vs_student_mode"], extra["exchange"]["placed"]
    (1, 2)
    """
    _pareto_option(pareto_check, market)
    spec = exchange_spec(market)
    held, trace = two_sided_ttc(market, spec)
    sid = market.instance.student_ids
    mine, theirs = unit_flows(spec, market, held), unit_flows(spec, market, held_student)
    lost = np.bincount(
        spec.home_unit[(held < 0) & (held_student >= 0)], minlength=len(spec.unit_ids)
    )
    gained = np.bincount(
        spec.home_unit[(held >= 0) & (held_student < 0)], minlength=len(spec.unit_ids)
    )
    units = {}
    for u, uid in enumerate(spec.unit_ids):
        row = {k: int(v[u]) for k, v in mine.items()}
        row["net"] = row["imports"] - row["exports"]
        sm = {k: int(theirs[k][u]) for k in ("exports", "imports", "placed")}
        sm["net"] = sm["imports"] - sm["exports"]
        row["student_mode"] = sm
        row["lost_vs_student_mode"] = int(lost[u])
        row["gained_vs_student_mode"] = int(gained[u])
        units[uid] = row
    extra = {
        "exchange": {
            "balance": spec.balance,
            "tolerance": spec.tolerance,
            "units": units,
            "placed": int((held >= 0).sum()),
            "placed_student_mode": int((held_student >= 0).sum()),
            "lottery_units": list(spec.lottery_units),
            "priority_orders": {
                uid: [sid[s] for s in spec.order[spec.unit_ids.index(uid)]]
                for uid in spec.lottery_units
            },
        },
        "_certificate": exchange_certificate(spec, market, held, pareto_check),
        "_students": explain(spec, market, held, trace),
    }
    return held, extra


def exchange_violations(market: Market, held: np.ndarray) -> list[str]:
    """What :func:`kakehashi_match.check` reports in mode exchange: units out
    of balance, students passed over, and a balanced Pareto improvement
    (checked up to :data:`PARETO_CHECK_EDGES` acceptable pairs).

    >>> from kakehashi_match import Instance
    >>> from kakehashi_match.market import compile_market
    >>> m = compile_market(Instance.from_dict(EXAMPLE))
    >>> exchange_violations(m, np.array([0, 1, 3]))[0]
    "unit 'CA' out of balance: 1 imports, 2 exports (tolerance 0)"
    """
    spec = exchange_spec(market)
    cert = exchange_certificate(spec, market, held)
    out = [
        f"unit {uid!r} out of balance: {b['imports']} imports, {b['exports']} exports "
        f"(tolerance {spec.tolerance})"
        for uid, b in cert["balance"].items()
        if not b["within_tolerance"]
    ]
    out += [
        f"student {v['student']!r} passed over for project {v['project']!r} by "
        f"{v['passed_over_by']!r}, whom the home unit put after them"
        for v in cert["priority_violations"]
    ]
    if cert["pareto"].get("exists"):
        out.append(
            f"a balanced Pareto improvement exists ({cert['pareto']['improved']} students "
            "better off, none worse)"
        )
    return out


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
