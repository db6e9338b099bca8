"""The explanations of mode ``exchange``: for every student, each project
she ranked above the one she obtained and why she did not obtain it, read
from the trace of :func:`~kakehashi_match.exchange_ttc.two_sided_ttc`.

>>> from kakehashi_match.exchange_ttc import example_market, exchange_spec, two_sided_ttc
>>> m = example_market()
>>> held, trace = two_sided_ttc(m)
>>> explain(exchange_spec(m), m, held, trace)[0]  # ca1 got her first choice
[]
"""

from __future__ import annotations

from bisect import bisect_left
from typing import Any

import numpy as np

from .exchange_ttc import (
    BALANCE,
    EXCHANGE_REASONS,
    GROUP_FULL,
    NOT_RANKED,
    ORGANISATION_FULL,
    PROJECT_FULL,
    SUPERVISOR_FULL,
    ExchangeSpec,
)
from .market import Market

__all__ = ["explain"]


def explain(spec: ExchangeSpec, market: Market, held: np.ndarray, trace: dict) -> list[list]:
    """Per student, every project ranked above the one obtained, with the
    reason it was passed over (see docs/match/format.md, mode exchange).

    A full node is explained by ``lower_priority`` when a student of the
    same unit that the home put first holds a place there (``cutoff``: the
    last of them in the home's order; positions are in that order), else
    by the level that was full (``cutoff``: the student who took its last
    place); ``balance`` names the unit that could not import.

    Parameters
    ----------
    spec : ExchangeSpec
        :func:`~kakehashi_match.exchange_ttc.exchange_spec` of the market.
    market : Market
        The compiled market.
    held : ndarray of int, shape (S,)
        The edge each student holds, -1 unplaced.
    trace : dict
        The trace of :func:`~kakehashi_match.exchange_ttc.two_sided_ttc`.

    Returns
    -------
    list of list of dict
        One list per student, best project first.

    Notes
    -----
    O(E log S). The reasons follow the pointers of two-sided top trading
    cycles (Dur & Ünver 2019, doi:10.1086/701358).

    Examples
    --------
    >>> from kakehashi_match.exchange_ttc import example_market, exchange_spec, two_sided_ttc
    >>> m = example_market()
    >>> held, trace = two_sided_ttc(m)
    >>> [item["reason"] for item in explain(exchange_spec(m), m, held, trace)[1]]  # ca2: jp2, jp
    ['balance', 'lower_priority']
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
