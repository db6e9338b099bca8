"""The certificate of mode ``exchange``: per unit the balance of imports
and exports, the students passed over by a unit-mate of lower priority, and
the exact check that no balanced Pareto improvement exists (Dur & Ünver
2019, doi:10.1086/701358). :func:`exchange_violations` is what the checker
reports from it.

>>> from kakehashi_match.exchange_ttc import example_market
>>> exchange_violations(example_market(), np.array([0, -1, 3]))
[]
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .exchange_ttc import ExchangeSpec, exchange_spec
from .market import Market

__all__ = [
    "PARETO_CHECK_EDGES",
    "exchange_certificate",
    "exchange_violations",
    "pareto_check_wanted",
    "pareto_improvement",
    "priority_violations",
    "unit_flows",
]

#: largest number of acceptable pairs for which a result checks, by an exact
#: MILP, that no balanced Pareto improvement exists (unless told otherwise)
PARETO_CHECK_EDGES = 5_000


def unit_flows(spec: ExchangeSpec, market: Market, held: np.ndarray) -> dict[str, np.ndarray]:
    """How many students each unit sends and receives.

    Parameters
    ----------
    spec : ExchangeSpec
        :func:`exchange_spec` of the market.
    market : Market
        The compiled market.
    held : array_like of int, shape (S,)
        The edge each student holds, -1 unplaced.

    Returns
    -------
    dict of str to ndarray
        Per unit: ``students`` at home, ``exports``, ``imports``,
        ``domestic`` placements (host in the home unit) and home students
        ``placed``.

    Notes
    -----
    O(S). The balance of Dur & Ünver 2019 (doi:10.1086/701358) is
    ``imports - exports`` per unit.

    Examples
    --------
    >>> from kakehashi_match.exchange_ttc import example_market
    >>> m = example_market()
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
    """The students passed over by a unit-mate of lower priority.

    Parameters
    ----------
    spec : ExchangeSpec
        :func:`exchange_spec` of the market.
    market : Market
        The compiled market.
    held : array_like of int, shape (S,)
        The edge each student holds, -1 unplaced.

    Returns
    -------
    list of (int, int, int)
        ``(student, lower-priority unit-mate, project)`` for every student
        such that a student of the same unit with lower priority holds a
        project the first ranks above what she holds and whose host ranked
        her. Empty when the home priorities are respected.

    Notes
    -----
    O(E log E). Respecting priorities is one of the properties of
    two-sided top trading cycles (Dur & Ünver 2019, doi:10.1086/701358).

    Examples
    --------
    >>> from kakehashi_match.exchange_ttc import example_market
    >>> m = example_market()
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
    """Whether a balanced Pareto improvement of *held* exists.

    Is there a matching that respects every capacity and acceptability,
    keeps every unit's |imports − exports| within the tolerance, gives every
    student a project she ranks at least as high, and one a higher one?

    Parameters
    ----------
    spec : ExchangeSpec
        :func:`exchange_spec` of the market.
    market : Market
        The compiled market.
    held : array_like of int, shape (S,)
        The edge each student holds, -1 unplaced.
    time_limit : float, default 30.0
        Seconds given to the solver.

    Returns
    -------
    dict
        ``{"exists": bool, "improved": n, "status": ...}``: ``improved``
        students in the best improvement; ``exists`` is None when the
        solver ran out of time.

    Notes
    -----
    Exact mixed-integer program (HiGHS through ``scipy.optimize.milp``;
    Huangfu & Hall 2018, doi:10.1007/s12532-017-0130-5): x_e ∈ {0, 1} per
    acceptable pair at least as good as the student's own; a placed student
    keeps one; capacities at every level; per unit −t ≤ Σ imports −
    Σ exports ≤ t; maximise the number of students strictly better off.
    Exponential in the worst case; Dur & Ünver 2019 (doi:10.1086/701358)
    define the efficiency it checks.

    Examples
    --------
    >>> from kakehashi_match.exchange_ttc import example_market
    >>> m = example_market()
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


def pareto_check_wanted(value: Any, market: Market) -> bool:
    """Whether the exact Pareto check runs, from the option ``pareto_check``.

    Parameters
    ----------
    value : {"auto", True, False}
        ``"auto"`` checks up to :data:`PARETO_CHECK_EDGES` acceptable pairs.
    market : Market
        The compiled market.

    Returns
    -------
    bool

    Raises
    ------
    ValueError
        On any other value.

    Notes
    -----
    O(E).

    Examples
    --------
    >>> from kakehashi_match.exchange_ttc import example_market
    >>> pareto_check_wanted("auto", example_market())
    True
    """
    if value == "auto":
        return int((market.edge_key >= 0).sum()) <= PARETO_CHECK_EDGES
    if isinstance(value, bool):
        return value
    raise ValueError(f"pareto_check: expected 'auto', true or false, got {value!r}")


def exchange_certificate(
    spec: ExchangeSpec, market: Market, held: np.ndarray, pareto_check: Any = "auto"
) -> dict[str, Any]:
    """The mode's part of the certificate of a result.

    Parameters
    ----------
    spec : ExchangeSpec
        :func:`exchange_spec` of the market.
    market : Market
        The compiled market.
    held : array_like of int, shape (S,)
        The edge each student holds, -1 unplaced.
    pareto_check : {"auto", True, False}, default "auto"
        Whether to run the exact check of :func:`pareto_improvement`
        (see :func:`pareto_check_wanted`).

    Returns
    -------
    dict
        Per unit exports, imports and imports − exports against the
        tolerance (``balance``, ``balanced``); the students passed over by
        a lower-priority student of their unit (``priority_violations``);
        and ``pareto``, the exact check when it ran.

    Notes
    -----
    O(E log E) plus the MILP when it runs. The properties are those of
    Dur & Ünver 2019 (doi:10.1086/701358).

    Examples
    --------
    >>> from kakehashi_match.exchange_ttc import example_market
    >>> m = example_market()
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
    if pareto_check_wanted(pareto_check, market):
        out["pareto"] = {
            "checked": True,
            "method": "milp",
            **pareto_improvement(spec, market, held),
        }
    else:
        out["pareto"] = {"checked": False, "method": "milp"}
    return out


def exchange_violations(market: Market, held: np.ndarray) -> list[str]:
    """What :func:`kakehashi_match.check` reports in mode exchange.

    Parameters
    ----------
    market : Market
        The compiled market; its instance carries the ``exchange`` key.
    held : array_like of int, shape (S,)
        The edge each student holds, -1 unplaced.

    Returns
    -------
    list of str
        Units out of balance, students passed over, and a balanced Pareto
        improvement (checked up to :data:`PARETO_CHECK_EDGES` acceptable
        pairs); empty when the result has the properties of the mechanism.

    Notes
    -----
    O(E log E) plus the MILP when it runs (see :func:`exchange_certificate`;
    Dur & Ünver 2019, doi:10.1086/701358).

    Examples
    --------
    >>> from kakehashi_match.exchange_ttc import example_market
    >>> m = example_market()
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
