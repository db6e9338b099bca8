"""Parsing and linear-time validation of the JSON instance format (see
``docs/match/format.md``) into the fields of an :class:`Instance`.

Parsing is O(total length of all lists) plus a sort of the id sets. The
small checks it is built from are in :mod:`~kakehashi_match.parse_fields`,
the ``groups`` and ``exchange`` sections in
:mod:`~kakehashi_match.parse_groups`.
"""

from __future__ import annotations

from collections.abc import Mapping
from itertools import chain, repeat
from typing import Any

import numpy as np

from .arrays import all_str, readonly, row_owner
from .document import check_top_level, document_fields
from .parse_fields import (
    UNLIMITED,
    capacity,
    check_duplicates,
    checked_node,
    id_index,
    object_field,
    sorted_ids,
    unknown_pairs,
)
from .parse_groups import BALANCES, exchange_fields, group_fields
from .ranking import Ranking

__all__ = ["BALANCES", "UNLIMITED", "instance_fields", "lookup"]

# look ids up by hash when there are at least this many names and ids
_HASHED_LOOKUP = (100_000, 8192)

_TOP_KEYS = {
    "students",
    "projects",
    "supervisors",
    "organisations",
    "groups",
    "exchange",
    "meta",
}
_PROJECT_KEYS = {"capacity", "supervisor", "ranking", "meta"}
_SUPERVISOR_KEYS = {"capacity", "ranking", "organisation", "meta"}
_ORG_KEYS = {"capacity", "order", "meta"}


def instance_fields(data: Mapping[str, Any]) -> dict[str, Any]:
    """Validate and index an instance given as plain data.

    Parameters
    ----------
    data : mapping
        The instance in the JSON format of ``docs/match/format.md`` (never
        mutated).

    Returns
    -------
    dict
        The keyword arguments of :class:`~kakehashi_match.instance.Instance`:
        ids sorted, rank lists as read-only compressed rows, capacities
        (:data:`UNLIMITED` when none), rankings, groups and exchange.

    Raises
    ------
    ValueError
        Naming the offending ids on: unknown keys or ids, a project ranked
        twice, negative or non-integer capacities, a ranking naming an
        unknown student, a student twice in one ranking (two tie groups), a
        project with neither supervisor nor ranking.

    Notes
    -----
    O(N + E log E) for N agents and E rank-list entries. The instance is a
    student-project allocation problem with supervisors (Abraham, Irving &
    Manlove 2007, doi:10.1016/j.jda.2006.03.006) extended with organisations,
    groups and exchange.

    Examples
    --------
    >>> sorted(instance_fields({"students": {"a": ["p"]},
    ...                         "projects": {"p": {"capacity": 1, "ranking": ["a"]}}}))[:3]
    ['edge_proj', 'exchange', 'group_ids']
    """
    check_top_level(data, _TOP_KEYS)
    students = object_field(data, "students", required=True)
    projects = object_field(data, "projects", required=True)
    supervisors = object_field(data, "supervisors")
    organisations = object_field(data, "organisations")
    groups_in = object_field(data, "groups")

    student_ids = sorted_ids(students, "students")
    project_ids = sorted_ids(projects, "projects")
    supervisor_ids = sorted_ids(supervisors, "supervisors")
    org_ids = sorted_ids(organisations, "organisations")
    s_index = id_index(student_ids)
    p_index = id_index(project_ids)
    l_index = id_index(supervisor_ids)
    o_index = id_index(org_ids)

    stu_ptr, edge_proj = _student_lists(students, student_ids, project_ids, p_index)

    # ---- organisations
    org_cap = np.empty(len(org_ids), dtype=np.int64)
    org_order_in = []
    for i, oid in enumerate(org_ids):
        node = checked_node(organisations[oid], f"organisations[{oid!r}]", _ORG_KEYS)
        org_cap[i] = capacity(node, f"organisations[{oid!r}]", required=False)
        order = node.get("order")
        if order is not None and (not isinstance(order, list) or not all_str(order)):
            raise ValueError(f"organisations[{oid!r}].order: expected a list of supervisor ids")
        org_order_in.append(order)

    sup_cap, sup_org, sup_rank_lists = _hosts(
        supervisors, supervisor_ids, "supervisors", _SUPERVISOR_KEYS, "organisation", o_index
    )
    proj_cap, proj_sup, proj_rank_lists = _hosts(
        projects, project_ids, "projects", _PROJECT_KEYS, "supervisor", l_index
    )

    project_ranking = _rankings(proj_rank_lists, project_ids, "projects", s_index, student_ids)
    supervisor_ranking = _rankings(
        sup_rank_lists, supervisor_ids, "supervisors", s_index, student_ids
    )
    sup_turn, org_order = _turns(org_order_in, org_ids, sup_org, supervisor_ids, l_index)
    group_ids, groups = group_fields(groups_in, o_index)
    exchange = exchange_fields(
        data.get("exchange"), s_index, student_ids, o_index, group_ids, groups
    )
    arrays = {
        "stu_ptr": stu_ptr,
        "edge_proj": edge_proj,
        "project_capacity": proj_cap,
        "project_supervisor": proj_sup,
        "supervisor_capacity": sup_cap,
        "supervisor_org": sup_org,
        "supervisor_turn": sup_turn,
        "org_capacity": org_cap,
    }
    return document_fields(
        data,
        arrays,
        student_ids=student_ids,
        project_ids=project_ids,
        supervisor_ids=supervisor_ids,
        organisation_ids=org_ids,
        project_ranking=project_ranking,
        supervisor_ranking=supervisor_ranking,
        org_order=org_order,
        groups=groups,
        group_ids=group_ids,
        exchange=exchange,
    )


def _student_lists(students, student_ids, project_ids, p_index):
    """Students' rank lists as compressed rows (stu_ptr, edge_proj)."""
    lists = [students[sid] for sid in student_ids]
    flat = list(chain.from_iterable(lists)) if all(type(x) is list for x in lists) else None
    if flat is None or not all_str(flat):
        for sid, lst in zip(student_ids, lists, strict=True):
            if not isinstance(lst, list) or not all(isinstance(x, str) for x in lst):
                raise ValueError(
                    f"students[{sid!r}]: expected a list of project ids, got {lst!r:.80}"
                )
        flat = list(chain.from_iterable(lists))
    lengths = np.fromiter(map(len, lists), dtype=np.int64, count=len(lists))
    stu_ptr = np.zeros(len(lists) + 1, dtype=np.int64)
    np.cumsum(lengths, out=stu_ptr[1:])
    edge_proj = lookup(flat, project_ids, p_index)
    pairs = unknown_pairs(stu_ptr, edge_proj, student_ids, flat)
    if pairs:
        raise ValueError(
            "students: unknown project ids "
            + ", ".join(f"{p!r} (ranked by {s!r})" for s, p in pairs[:10])
            + (" …" if len(pairs) > 10 else "")
        )
    check_duplicates(
        stu_ptr, edge_proj, student_ids, project_ids, "students", "project", order=False
    )
    return stu_ptr, edge_proj


def _hosts(table, ids, kind, keys, parent_key, parent_index):
    """Capacity, parent (-1 none) and raw ranking of each project or supervisor."""
    cap = np.empty(len(ids), dtype=np.int64)
    parent = np.full(len(ids), -1, dtype=np.int32)
    rankings = []
    project = kind == "projects"
    for i, x in enumerate(ids):
        where = f"{kind}[{x!r}]"
        node = checked_node(table[x], where, keys)
        cap[i] = capacity(node, where, required=project)
        up = node.get(parent_key)
        if up is not None:
            if up not in parent_index:
                raise ValueError(f"{where}.{parent_key}: unknown {parent_key} id {up!r}")
            parent[i] = parent_index[up]
        r = node.get("ranking")
        if project and r is None and up is None:
            raise ValueError(f"{where}: a project without a supervisor needs a 'ranking'")
        rankings.append(r if project or r is not None else [])
    return cap, parent, rankings


def lookup(names: list, ids: tuple[str, ...], index: dict[str, int]) -> np.ndarray:
    """Index of each of *names* in the sorted *ids*, -1 when absent.

    Parameters
    ----------
    names : list of str
        The names to look up.
    ids : tuple of str
        The known ids, sorted.
    index : dict of str to int
        Each id's position in *ids*.

    Returns
    -------
    ndarray of int32
        One index per name.

    Notes
    -----
    Many lookups into a large dict are slow (every probe is a cache miss),
    so for large inputs the names are matched by their hash (sorted and
    searched in NumPy) and each match is confirmed by comparing the strings
    as NumPy arrays; names that fail the comparison (unknown, or a hash
    shared by two ids) are looked up in the dict. Exact either way.
    O(n log n) for n names.

    Examples
    --------
    >>> lookup(["b", "x"], ("a", "b"), {"a": 0, "b": 1}).tolist()
    [1, -1]
    """
    n = len(names)
    width = max(map(len, ids), default=0)
    if (
        n < _HASHED_LOOKUP[0]
        or len(ids) < _HASHED_LOOKUP[1]
        or width > 64  # fixed-width NumPy strings would grow too large
        or max(map(len, names), default=0) > width  # some name is unknown: the slow path
        or "\x00" in "".join(ids)
    ):
        return np.fromiter(map(index.get, names, repeat(-1)), dtype=np.int32, count=n)
    h_ids = np.fromiter(map(hash, ids), dtype=np.int64, count=len(ids))
    h_names = np.fromiter(map(hash, names), dtype=np.int64, count=n)
    order = np.argsort(h_ids)
    by_hash = np.argsort(h_names)  # searching sorted needles is cache-friendly
    pos = np.empty(n, dtype=np.int64)
    pos[by_hash] = np.searchsorted(h_ids[order], h_names[by_hash])
    out = order[np.minimum(pos, len(ids) - 1)].astype(np.int32)
    # NumPy strings drop trailing NULs: ids have none (checked above), and a
    # name with one then compares equal only to an id that equals it
    # without them, so names containing NUL are left to the dict
    same = np.asarray(names, dtype=f"<U{width}") == np.asarray(ids, dtype=f"<U{width}")[out]
    redo = np.flatnonzero(~same)
    if "\x00" in "".join(names):
        redo = np.arange(n)
    for j in redo.tolist():
        out[j] = index.get(names[j], -1)
    return out


def _rankings(lists, owner_ids, where, s_index, student_ids) -> Ranking:
    n = len(lists)
    ptr = np.zeros(n + 1, dtype=np.int64)
    has = np.zeros(n, dtype=bool)
    students: list[str] = []
    tied: list[tuple[int, list[int]]] = []  # (owner, tie group of each entry)
    if all(type(r) is list for r in lists):
        flat = list(chain.from_iterable(lists))
        if all_str(flat):  # common case: every ranking given, no ties (checked in C)
            has[:] = True
            np.cumsum(np.fromiter(map(len, lists), dtype=np.int64, count=n), out=ptr[1:])
            students, lists = flat, []
    for i, r in enumerate(lists):
        if r is not None:
            if not isinstance(r, list):
                raise ValueError(f"{where}[{owner_ids[i]!r}].ranking: expected a list")
            has[i] = True
            # common case first: no ties, every entry a string (checked in C)
            if all_str(r):
                students.extend(r)
            else:
                tiers: list[int] = []
                for g, entry in enumerate(r):
                    if isinstance(entry, str):
                        students.append(entry)
                        tiers.append(g)
                    elif (
                        isinstance(entry, list) and entry and all(isinstance(x, str) for x in entry)
                    ):
                        students.extend(entry)
                        tiers.extend([g] * len(entry))
                    else:
                        raise ValueError(
                            f"{where}[{owner_ids[i]!r}].ranking: entry {g} must be a student id "
                            f"or a non-empty list of student ids (a tie), got {entry!r:.80}"
                        )
                tied.append((i, tiers))
        ptr[i + 1] = len(students)
    stu = lookup(students, student_ids, s_index)
    pairs = unknown_pairs(ptr, stu, owner_ids, students)
    if pairs:
        raise ValueError(
            f"{where}: ranking names unknown student ids "
            + ", ".join(f"{s!r} (in {o!r})" for o, s in pairs[:10])
        )
    # tie group of each entry: its place in the list unless the list has ties
    owner = row_owner(ptr)
    tier = (np.arange(len(stu), dtype=np.int64) - ptr[owner]).astype(np.int32)
    for i, tiers in tied:
        tier[ptr[i] : ptr[i + 1]] = tiers
    codes = None
    if len(stu):
        try:
            codes = check_duplicates(
                ptr,
                stu,
                owner_ids,
                student_ids,
                f"{where} rankings",
                "student",
                base=len(student_ids),
            )
        except ValueError as exc:
            raise ValueError(str(exc) + " (a student may appear in one tie group only)") from None
    return Ranking(
        ptr=readonly(ptr),
        student=readonly(stu),
        tier=readonly(tier),
        has=readonly(has),
        sorted_codes=codes,
    )


def _turns(orders, org_ids, sup_org, supervisor_ids, l_index):
    """Round-robin place of each supervisor inside its organisation: the
    organisation's ``order`` first, then the rest in id order."""
    turn = np.zeros(len(supervisor_ids), dtype=np.int64)
    nxt = np.zeros(len(org_ids), dtype=np.int64)
    out = []
    for i, order in enumerate(orders):
        if order is None:
            out.append(None)
            continue
        where = f"organisations[{org_ids[i]!r}].order"
        seen = set()
        for lid in order:
            if lid not in l_index:
                raise ValueError(f"{where}: unknown supervisor id {lid!r}")
            if sup_org[l_index[lid]] != i:
                raise ValueError(f"{where}: supervisor {lid!r} is not in this organisation")
            if lid in seen:
                raise ValueError(f"{where}: supervisor {lid!r} listed twice")
            seen.add(lid)
            turn[l_index[lid]] = nxt[i] + 1
            nxt[i] += 1
        out.append(tuple(order))
    # supervisors not named: after the named ones, in id order
    for li in range(len(supervisor_ids)):
        o = sup_org[li]
        if o >= 0 and turn[li] == 0:
            turn[li] = nxt[o] + 1
            nxt[o] += 1
    return turn - 1, tuple(out)
