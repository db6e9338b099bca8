"""The parts of the instance format beyond the two-sided market: the
distributional caps of ``groups`` and the homes, units and priorities of
``exchange`` (see ``docs/match/format.md``).

>>> group_fields({}, {})
((), ())
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from .arrays import all_str, readonly
from .parse_fields import capacity, checked_node, sorted_ids

__all__ = ["BALANCES", "exchange_fields", "group_fields"]

_GROUP_KEYS = {"organisations", "capacity", "targets", "order", "meta"}
_EXCHANGE_KEYS = {"homes", "priorities", "balance", "tolerance"}
BALANCES = ("organisations", "groups")


def group_fields(groups_in: Mapping, o_index) -> tuple[tuple[str, ...], tuple[dict, ...]]:
    """The ``groups`` section: distributional caps.

    Disjoint sets of organisations with a capacity, optional
    per-organisation targets (places reserved for that organisation that
    revert to the group's general places when unfilled) and an optional
    round-robin order.

    Parameters
    ----------
    groups_in : mapping
        The section (group id -> entry), ``{}`` when absent.
    o_index : dict of str to int
        Each organisation id's index.

    Returns
    -------
    group_ids : tuple of str
        Sorted.
    groups : tuple of dict
        Per group: ``organisations``, ``capacity``, ``targets``, ``order``,
        ``org_index`` (the order as organisation indices) and
        ``order_given``.

    Raises
    ------
    ValueError
        Naming the group and the field on any invalid entry.

    Notes
    -----
    O(G + O log O). The caps are those of matching with distributional
    constraints (Kamada & Kojima 2015, doi:10.1257/aer.20101552).

    Examples
    --------
    >>> ids, groups = group_fields({"JP": {"organisations": ["b", "a"], "capacity": 2}},
    ...                            {"a": 0, "b": 1})
    >>> ids, groups[0]["order"], groups[0]["org_index"].tolist()
    (('JP',), ('a', 'b'), [0, 1])
    """
    gids = sorted_ids(groups_in, "groups")
    out = []
    owner: dict[str, str] = {}
    for gid in gids:
        where = f"groups[{gid!r}]"
        node = checked_node(groups_in[gid], where, _GROUP_KEYS)
        orgs = node.get("organisations")
        if not isinstance(orgs, list) or not all(isinstance(o, str) for o in orgs):
            raise ValueError(f"{where}.organisations: expected a list of organisation ids")
        unknown = sorted({o for o in orgs if o not in o_index})
        if unknown:
            raise ValueError(f"{where}.organisations: unknown organisation ids {unknown[:10]}")
        if len(set(orgs)) != len(orgs):
            raise ValueError(f"{where}.organisations: an organisation is listed twice")
        for o in orgs:
            if o in owner:
                raise ValueError(
                    f"{where}.organisations: {o!r} is already in group {owner[o]!r} "
                    "(groups must be disjoint)"
                )
            owner[o] = gid
        cap = capacity(node, where, required=True)
        targets = node.get("targets", {})
        if not isinstance(targets, Mapping):
            raise ValueError(f"{where}.targets: expected an object organisation id -> places")
        for o, t in targets.items():
            if o not in orgs:
                raise ValueError(f"{where}.targets: {o!r} is not in this group")
            if isinstance(t, bool) or not isinstance(t, int) or t < 0:
                raise ValueError(f"{where}.targets[{o!r}]: expected a non-negative integer")
        if sum(targets.values()) > cap:
            raise ValueError(f"{where}.targets: targets sum to more than the capacity {cap}")
        order = node.get("order")
        if order is not None:
            if not isinstance(order, list) or sorted(order) != sorted(orgs):
                raise ValueError(f"{where}.order: must list each of the group's organisations once")
        else:
            order = sorted(orgs)
        out.append(
            {
                "organisations": tuple(sorted(orgs)),
                "capacity": cap,
                "targets": {o: int(t) for o, t in sorted(targets.items())},
                "order": tuple(order),
                "org_index": np.asarray([o_index[o] for o in order], dtype=np.int64),
                "order_given": node.get("order") is not None,
            }
        )
    return gids, tuple(out)


def exchange_fields(
    node, s_index, student_ids, o_index, group_ids, groups
) -> dict[str, Any] | None:
    """The optional ``exchange`` section (balanced exchange, mode ``exchange``).

    Every student's home organisation, the balance unit (``"organisations"``
    or ``"groups"``), the tolerance and each unit's priority order of its own
    students.

    Parameters
    ----------
    node : mapping or None
        The section.
    s_index : dict of str to int
        Each student id's index.
    student_ids : tuple of str
        The student ids, sorted.
    o_index : dict of str to int
        Each organisation id's index.
    group_ids, groups
        The output of :func:`group_fields`.

    Returns
    -------
    dict or None
        None when absent; otherwise ``balance``, ``tolerance``, ``homes``
        (home organisation index per student), ``unit_ids``, ``home_unit``
        (unit index per student), ``org_unit`` (unit index per organisation,
        -1 when in no group) and ``priorities`` (unit index -> student
        indices).

    Raises
    ------
    ValueError
        Naming the field on any invalid entry.

    Notes
    -----
    O(S + O). The units and tolerance of Dur & Ünver 2019
    (doi:10.1086/701358).

    Examples
    --------
    >>> x = exchange_fields({"homes": {"s": "o"}, "balance": "organisations"},
    ...                     {"s": 0}, ("s",), {"o": 0}, (), ())
    >>> x["unit_ids"], x["home_unit"].tolist(), x["tolerance"]
    (('o',), [0], 0)
    """
    if node is None:
        return None
    where = "exchange"
    node = checked_node(node, where, _EXCHANGE_KEYS)
    balance = node.get("balance")
    if balance not in BALANCES:
        raise ValueError(
            f"{where}.balance: expected one of {', '.join(map(repr, BALANCES))}, got {balance!r}"
        )
    tol = node.get("tolerance", 0)
    if isinstance(tol, bool) or not isinstance(tol, int) or tol < 0:
        raise ValueError(f"{where}.tolerance: expected a non-negative integer, got {tol!r}")
    homes_in = node.get("homes")
    if not isinstance(homes_in, Mapping):
        raise ValueError(f"{where}.homes: expected an object student id -> organisation id")
    unknown = sorted(str(s) for s in homes_in if s not in s_index)
    if unknown:
        raise ValueError(f"{where}.homes: unknown student ids {unknown[:10]}")
    bad = sorted(s for s, o in homes_in.items() if not isinstance(o, str) or o not in o_index)
    if bad:
        raise ValueError(
            f"{where}.homes: unknown organisation ids for students "
            + ", ".join(f"{s!r} ({homes_in[s]!r})" for s in bad[:10])
        )
    missing = [s for s in student_ids if s not in homes_in]
    if missing:
        raise ValueError(f"{where}.homes: no home organisation for students {missing[:10]}")
    homes = np.fromiter(
        (o_index[homes_in[s]] for s in student_ids), dtype=np.int64, count=len(student_ids)
    )
    if balance == "organisations":
        unit_ids = tuple(sorted(o_index, key=o_index.__getitem__))
        org_unit = np.arange(len(unit_ids), dtype=np.int64)
    else:
        unit_ids = group_ids
        org_unit = np.full(len(o_index), -1, dtype=np.int64)
        for g, grp in enumerate(groups):
            org_unit[[o_index[o] for o in grp["organisations"]]] = g
        stray = [s for s, o in zip(student_ids, homes.tolist(), strict=True) if org_unit[o] < 0]
        if stray:
            raise ValueError(
                f"{where}.homes: with balance 'groups' every home organisation must be in a "
                f"group; not so for students {stray[:10]}"
            )
    home_unit = org_unit[homes] if len(homes) else np.zeros(0, dtype=np.int64)
    u_index = {u: i for i, u in enumerate(unit_ids)}
    pri_in = node.get("priorities", {})
    if not isinstance(pri_in, Mapping):
        raise ValueError(f"{where}.priorities: expected an object unit id -> student ids")
    priorities: dict[int, tuple[int, ...]] = {}
    seen: set[str] = set()
    for uid in sorted(pri_in):
        w = f"{where}.priorities[{uid!r}]"
        if uid not in u_index:
            kind = "organisation" if balance == "organisations" else "group"
            raise ValueError(f"{w}: unknown {kind} id (balance is {balance!r})")
        lst = pri_in[uid]
        if not isinstance(lst, list) or not all_str(lst):
            raise ValueError(f"{w}: expected a list of student ids")
        unknown = sorted({s for s in lst if s not in s_index})
        if unknown:
            raise ValueError(f"{w}: unknown student ids {unknown[:10]}")
        dup = {s for s in lst if s in seen}
        if len(set(lst)) != len(lst):
            once: set[str] = set()
            dup |= {s for s in lst if s in once or once.add(s)}
        twice = sorted(dup)
        if twice:
            raise ValueError(f"{w}: students listed twice {twice[:10]}")
        seen.update(lst)
        u = u_index[uid]
        foreign = [s for s in lst if home_unit[s_index[s]] != u]
        if foreign:
            raise ValueError(f"{w}: students whose home is not this unit {foreign[:10]}")
        priorities[u] = tuple(s_index[s] for s in lst)
    return {
        "balance": balance,
        "tolerance": int(tol),
        "homes": readonly(homes),
        "unit_ids": unit_ids,
        "home_unit": readonly(home_unit.astype(np.int64)),
        "org_unit": readonly(org_unit),
        "priorities": priorities,
    }
