"""Balanced exchange (mode ``exchange``): the mode's entry point. It runs
two-sided top trading cycles (Dur & Ünver, "Two-Sided Matching via Balanced
Exchange", JPE 2019, doi:10.1086/701358; described in
:mod:`~kakehashi_match.exchange_ttc`) and gathers what the result reports:
the flows of every unit against student mode, the certificate and the
explanations.

The modules: :mod:`~kakehashi_match.exchange_ttc` (the mechanism and its
inputs), :mod:`~kakehashi_match.exchange_certificate` (balance, priorities,
Pareto check), :mod:`~kakehashi_match.exchange_explain` (why each student
did not get what she ranked higher) and this one, which runs the mode.
Every public name is importable from here.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .exchange_certificate import (
    PARETO_CHECK_EDGES,
    exchange_certificate,
    exchange_violations,
    pareto_check_wanted,
    pareto_improvement,
    priority_violations,
    unit_flows,
)
from .exchange_explain import explain
from .exchange_ttc import (
    EXAMPLE,
    EXCHANGE_REASONS,
    ExchangeSpec,
    example_market,
    exchange_spec,
    two_sided_ttc,
)
from .market import Market

__all__ = [
    "EXAMPLE",
    "EXCHANGE_REASONS",
    "PARETO_CHECK_EDGES",
    "ExchangeSpec",
    "example_market",
    "exchange_certificate",
    "exchange_run",
    "exchange_spec",
    "exchange_violations",
    "explain",
    "pareto_improvement",
    "priority_violations",
    "two_sided_ttc",
    "unit_flows",
]


def exchange_run(market: Market, held_student: np.ndarray, pareto_check: Any = "auto"):
    """Run the mode: two-sided top trading cycles, its certificate, the
    per-student explanations and the comparison with student mode.

    Parameters
    ----------
    market : Market
        The compiled market; its instance carries the ``exchange`` key.
    held_student : ndarray of int, shape (S,)
        The student-optimal stable assignment of the same market (the edge
        each student holds, -1 unplaced).
    pareto_check : {"auto", True, False}, default "auto"
        Whether the certificate runs the exact Pareto check.

    Returns
    -------
    held : ndarray of int, shape (S,)
        The edge each student holds.
    extra : dict
        The mode's part of :class:`~kakehashi_match.result.Result`: the
        per-unit flows against student mode, the certificate and the
        explanations.

    Raises
    ------
    ValueError
        On a bad *pareto_check* or an instance without ``exchange`` key.

    Notes
    -----
    O(E + S + C · U) for the mechanism (see :func:`two_sided_ttc`), O(E log
    E) for the certificate, plus the MILP when it runs. Dur & Ünver,
    "Two-Sided Matching via Balanced Exchange", JPE 2019
    (doi:10.1086/701358).

    Examples
    --------
    >>> m = example_market()
    >>> held, extra = exchange_run(m, np.array([0, 1, 3]))
    >>> extra["exchange"]["units"]["CA"]["lost_vs_student_mode"], extra["exchange"]["placed"]
    (1, 2)
    """
    pareto_check_wanted(pareto_check, market)
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
