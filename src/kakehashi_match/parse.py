"""Parsing and linear-time validation of the JSON instance format (see
``docs/match/format.md``) into the fields of an :class:`Instance`.

Parsing is O(total length of all lists) plus a sort of the id sets.
"""

from __future__ import annotations

from collections.abc import Mapping
from itertools import chain, repeat
from typing import Any

import numpy as np

from .arrays import all_str, argsort_int, readonly, row_owner
from .document import check_top_level, meta_copy
from .ranking import Ranking

__all__ = ["BALANCES", "UNLIMITED", "instance_fields"]

UNLIMITED = -1  # capacity meaning "no cap" in the arrays

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
_GROUP_KEYS = {"organisations", "capacity", "targets", "order", "meta"}
_EXCHANGE_KEYS = {"homes", "priorities", "balance", "tolerance"}
BALANCES = ("organisations", "groups")


def instance_fields(data: Mapping[str, Any]) -> dict[str, Any]:
    """Validate and index an instance given as plain data (never mutated);
    return the keyword arguments of :class:`Instance`.

    Raises ``ValueError`` naming the offending ids on: unknown keys or ids,
    a project ranked twice, negative or non-integer capacities, a ranking
    naming an unknown student, a student twice in one ranking (two tie
    groups), a project with neither supervisor nor ranking.

    Complexity: O(N + E log E) for N agents and E rank-list entries.

    >>> sorted(instance_fields({"students": {"a": ["p"]},
    ...                         "projects": {"p": {"capacity": 1, "ranking": ["a"]}}}))[:3]
    ['edge_proj', 'exchange', 'group_ids']
    """
    check_top_level(data, _TOP_KEYS)
    students = _obj(data, "students", required=True)
    projects = _obj(data, "projects", required=True)
    supervisors = _obj(data, "supervisors")
    organisations = _obj(data, "organisations")
    groups_in = _obj(data, "groups")

    student_ids = _ids(students, "students")
    project_ids = _ids(projects, "projects")
    supervisor_ids = _ids(supervisors, "supervisors")
    org_ids = _ids(organisations, "organisations")
    s_index = _index(student_ids)
    p_index = _index(project_ids)
    l_index = _index(supervisor_ids)
    o_index = _index(org_ids)

    stu_ptr, edge_proj = _student_lists(students, student_ids, project_ids, p_index)

    # ---- organisations
    org_cap = np.empty(len(org_ids), dtype=np.int64)
    org_order_in = []
    for i, oid in enumerate(org_ids):
        node = _node(organisations[oid], f"organisations[{oid!r}]", _ORG_KEYS)
        org_cap[i] = _cap(node, f"organisations[{oid!r}]", required=False)
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
    group_ids, groups = _groups(groups_in, o_index)
    exchange = _exchange(data.get("exchange"), s_index, student_ids, o_index, group_ids, groups)
    meta = meta_copy(data)
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
    return {
        "student_ids": student_ids,
        "project_ids": project_ids,
        "supervisor_ids": supervisor_ids,
        "organisation_ids": org_ids,
        **{name: readonly(a) for name, a in arrays.items()},
        "project_ranking": project_ranking,
        "supervisor_ranking": supervisor_ranking,
        "org_order": org_order,
        "groups": groups,
        "group_ids": group_ids,
        "exchange": exchange,
        "meta": meta,
    }


def _index(ids: tuple[str, ...]) -> dict[str, int]:
    return dict(zip(ids, range(len(ids)), strict=True))


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
    pairs = _unknown_pairs(stu_ptr, edge_proj, student_ids, flat)
    if pairs:
        raise ValueError(
            "students: unknown project ids "
            + ", ".join(f"{p!r} (ranked by {s!r})" for s, p in pairs[:10])
            + (" …" if len(pairs) > 10 else "")
        )
    _check_dupes(stu_ptr, edge_proj, student_ids, project_ids, "students", "project", order=False)
    return stu_ptr, edge_proj


def _unknown_pairs(ptr, found, owner_ids, names) -> list[tuple[str, str]]:
    """(owner id, name) of every entry of compressed rows *ptr* whose lookup
    failed (``found`` is -1), sorted."""
    bad = np.flatnonzero(found < 0)
    owners = np.searchsorted(ptr, bad, side="right") - 1
    return sorted({(owner_ids[o], names[b]) for o, b in zip(owners, bad, strict=True)})


def _hosts(table, ids, kind, keys, parent_key, parent_index):
    """Capacity, parent (-1 none) and raw ranking of each project or supervisor."""
    cap = np.empty(len(ids), dtype=np.int64)
    parent = np.full(len(ids), -1, dtype=np.int32)
    rankings = []
    project = kind == "projects"
    for i, x in enumerate(ids):
        where = f"{kind}[{x!r}]"
        node = _node(table[x], where, keys)
        cap[i] = _cap(node, where, required=project)
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


def _obj(data: Mapping, key: str, required: bool = False) -> Mapping:
    v = data.get(key)
    if v is None:
        if required:
            raise ValueError(f"instance: missing required key {key!r}")
        return {}
    if not isinstance(v, Mapping):
        raise ValueError(f"{key}: expected an object mapping ids to entries")
    return v


def _ids(obj: Mapping, where: str) -> tuple[str, ...]:
    ids = list(obj)
    if not all_str(ids) or "" in obj:  # common case checked in C
        for k in ids:
            if not isinstance(k, str) or not k:
                raise ValueError(f"{where}: ids must be non-empty strings, got {k!r}")
    return tuple(sorted(ids))


def _node(node: Any, where: str, allowed: set[str]) -> Mapping:
    if not isinstance(node, Mapping):
        raise ValueError(f"{where}: expected an object")
    if not node.keys() <= allowed:
        raise ValueError(f"{where}: unknown keys {sorted(set(node) - allowed)}")
    return node


def _cap(node: Mapping, where: str, required: bool) -> int:
    if "capacity" not in node or node["capacity"] is None:
        if required:
            raise ValueError(f"{where}.capacity: missing")
        return UNLIMITED
    c = node["capacity"]
    if isinstance(c, bool) or not isinstance(c, int):
        raise ValueError(f"{where}.capacity: expected a non-negative integer, got {c!r}")
    if c < 0:
        raise ValueError(f"{where}.capacity: negative capacity {c}")
    return c


def _check_dupes(ptr, items, owner_ids, item_ids, where, what, base=None, order=True):
    """Raise if an owner lists the same item twice (O(E log E)). Returns the
    sorted codes ``owner * base + item`` and, when *order*, their order
    (reused to look entries up by owner and item); without it the codes are
    only sorted, which is several times cheaper than the argsort."""
    if len(items) == 0:
        return None
    owner = row_owner(ptr)
    b = int(items.max()) + 1 if base is None else base
    code = owner * b + items
    if order:
        idx = argsort_int(code)
        sc = code[idx]
    else:
        idx, sc = None, np.sort(code)
    dup = np.flatnonzero(sc[1:] == sc[:-1])
    if len(dup):
        pairs = sorted({(owner_ids[c // b], item_ids[c % b]) for c in sc[dup[:20]].tolist()})
        raise ValueError(
            f"{where}: {what} listed twice: "
            + ", ".join(f"{o!r} lists {i!r} twice" for o, i in pairs[:10])
        )
    return sc, idx


def lookup(names: list, ids: tuple[str, ...], index: dict[str, int]) -> np.ndarray:
    """Index of each of *names* in the sorted *ids* (``index`` maps id to
    index), -1 when absent.

    Many lookups into a large dict are slow (every probe is a cache miss),
    so for large inputs the names are matched by their hash (sorted and
    searched in NumPy) and each match is confirmed by comparing the strings
    as NumPy arrays; names that fail the comparison (unknown, or a hash
    shared by two ids) are looked up in the dict. Exact either way.
    O(n log n) for n names.

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
    pairs = _unknown_pairs(ptr, stu, owner_ids, students)
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
            codes = _check_dupes(
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


def _groups(groups_in: Mapping, o_index) -> tuple[tuple[str, ...], tuple[dict, ...]]:
    """Distributional caps: disjoint sets of organisations with a capacity,
    optional per-organisation targets (places reserved for that organisation
    that revert to the group's general places when unfilled) and an optional
    round-robin order."""
    gids = _ids(groups_in, "groups")
    out = []
    owner: dict[str, str] = {}
    for gid in gids:
        where = f"groups[{gid!r}]"
        node = _node(groups_in[gid], where, _GROUP_KEYS)
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
        cap = _cap(node, where, required=True)
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


def _exchange(node, s_index, student_ids, o_index, group_ids, groups) -> dict[str, Any] | None:
    """The optional ``exchange`` key (balanced exchange, mode ``exchange``):
    every student's home organisation, the balance unit (``"organisations"``
    or ``"groups"``), the tolerance and each unit's priority order of its own
    students. Returns None when absent; otherwise ``balance``, ``tolerance``,
    ``homes`` (home organisation index per student), ``unit_ids`` and
    ``home_unit`` (unit index per student, -1 when the home organisation is
    in no group), and ``priorities`` (unit index -> student indices)."""
    if node is None:
        return None
    where = "exchange"
    node = _node(node, where, _EXCHANGE_KEYS)
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
