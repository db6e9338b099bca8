"""The match instance: parsing, linear-time validation and indexing.

An :class:`Instance` is the validated, seed-independent form of the JSON
instance format (see ``docs/match/format.md``). It keeps the original ids and
flat NumPy arrays (compressed rows) so that solvers never touch per-agent
Python objects. Arrays are read-only; an Instance never changes.

Parsing is O(total length of all lists) plus a sort of the id sets.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from itertools import repeat
from typing import Any

import numpy as np

__all__ = ["Instance", "Ranking", "canonical_json", "instance_hash"]

UNLIMITED = -1  # capacity meaning "no cap" in the arrays

_TOP_KEYS = {"students", "projects", "supervisors", "organisations", "groups", "meta"}
_PROJECT_KEYS = {"capacity", "supervisor", "ranking", "meta"}
_SUPERVISOR_KEYS = {"capacity", "ranking", "organisation", "meta"}
_ORG_KEYS = {"capacity", "order", "meta"}
_GROUP_KEYS = {"organisations", "capacity", "targets", "order", "meta"}


def _ro(a: np.ndarray) -> np.ndarray:
    a = np.ascontiguousarray(a)
    a.setflags(write=False)
    return a


@dataclass(frozen=True, eq=False)
class Ranking:
    """Rankings of one kind of node in compressed rows.

    ``student[ptr[i]:ptr[i+1]]`` are the students node ``i`` ranks, best first;
    ``tier`` gives each entry's tie group (0 = best). ``has[i]`` is False when
    node ``i`` carries no ranking of its own.
    """

    ptr: np.ndarray
    student: np.ndarray
    tier: np.ndarray
    has: np.ndarray
    _cache: dict = field(default_factory=dict, repr=False, compare=False)

    @property
    def has_ties(self) -> bool:
        if len(self.tier) == 0:
            return False
        # a tie exists when some group holds two entries: tiers per node are 0..g-1
        groups = 0
        for i in np.flatnonzero(self.has):
            a, b = self.ptr[i], self.ptr[i + 1]
            if b > a:
                groups += int(self.tier[b - 1]) + 1
        return groups < len(self.tier)


@dataclass(frozen=True, eq=False)
class Instance:
    """A validated matching instance (seed-independent).

    Ids are kept as strings in the order given by sorting them, so that the
    index of an agent does not depend on the order of the JSON object.

    Build it with :meth:`from_dict` or :meth:`from_json`; ``to_dict`` returns
    the canonical JSON form whose SHA-256 is :attr:`input_hash`.

    >>> inst = Instance.from_dict({
    ...     "students": {"s1": ["p1"]},
    ...     "projects": {"p1": {"capacity": 1, "supervisor": "l1"}},
    ...     "supervisors": {"l1": {"capacity": 1, "ranking": ["s1"]}},
    ... })
    >>> inst.n_students, inst.n_projects, inst.n_edges
    (1, 1, 1)
    """

    student_ids: tuple[str, ...]
    project_ids: tuple[str, ...]
    supervisor_ids: tuple[str, ...]
    organisation_ids: tuple[str, ...]
    stu_ptr: np.ndarray  # (S+1,) int64: student s ranks edge_proj[stu_ptr[s]:stu_ptr[s+1]]
    edge_proj: np.ndarray  # (E,) int32
    project_capacity: np.ndarray  # (P,) int64
    project_supervisor: np.ndarray  # (P,) int32, -1 none
    supervisor_capacity: np.ndarray  # (L,) int64, -1 unlimited
    supervisor_org: np.ndarray  # (L,) int32, -1 none
    supervisor_turn: np.ndarray  # (L,) int64: place in its organisation's round-robin order
    org_capacity: np.ndarray  # (O,) int64, -1 unlimited
    project_ranking: Ranking
    supervisor_ranking: Ranking
    org_order: tuple[tuple[str, ...] | None, ...]  # the "order" given per organisation
    groups: tuple[dict[str, Any], ...] = ()
    group_ids: tuple[str, ...] = ()
    meta: Mapping[str, Any] = field(default_factory=dict)
    _cache: dict = field(default_factory=dict, repr=False, compare=False)

    # ----------------------------------------------------------------- sizes
    @property
    def n_students(self) -> int:
        return len(self.student_ids)

    @property
    def n_projects(self) -> int:
        return len(self.project_ids)

    @property
    def n_edges(self) -> int:
        return len(self.edge_proj)

    @property
    def has_ties(self) -> bool:
        return self.project_ranking.has_ties or self.supervisor_ranking.has_ties

    @property
    def edge_student(self) -> np.ndarray:
        if "edge_student" not in self._cache:
            lengths = np.diff(self.stu_ptr)
            self._cache["edge_student"] = _ro(
                np.repeat(np.arange(self.n_students, dtype=np.int32), lengths)
            )
        return self._cache["edge_student"]

    @property
    def input_hash(self) -> str:
        """SHA-256 of the canonical JSON form (``sha256:<hex>``)."""
        if "hash" not in self._cache:
            self._cache["hash"] = instance_hash(self.to_dict())
        return self._cache["hash"]

    # --------------------------------------------------------------- parsing
    @classmethod
    def from_json(cls, text: str | bytes) -> Instance:
        """Parse a JSON document; malformed JSON raises ``ValueError``."""
        try:
            data = json.loads(text)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise ValueError(f"instance: malformed JSON: {exc}") from None
        return cls.from_dict(data)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Instance:
        """Validate and index an instance given as plain data (never mutated).

        Raises ``ValueError`` naming the offending ids on: unknown keys or ids,
        a project ranked twice, negative or non-integer capacities, a ranking
        naming an unknown student, a student twice in one ranking (two tie
        groups), a project with neither supervisor nor ranking.

        Complexity: O(N + E log E) for N agents and E rank-list entries.
        """
        if isinstance(data, Instance):
            return data
        if not isinstance(data, Mapping):
            raise ValueError("instance: expected a JSON object at the top level")
        unknown = sorted(set(data) - _TOP_KEYS)
        if unknown:
            raise ValueError(f"instance: unknown top-level keys {unknown}")
        students = _obj(data, "students", required=True)
        projects = _obj(data, "projects", required=True)
        supervisors = _obj(data, "supervisors")
        organisations = _obj(data, "organisations")
        groups_in = _obj(data, "groups")

        student_ids = _ids(students, "students")
        project_ids = _ids(projects, "projects")
        supervisor_ids = _ids(supervisors, "supervisors")
        org_ids = _ids(organisations, "organisations")
        s_index = {k: i for i, k in enumerate(student_ids)}
        p_index = {k: i for i, k in enumerate(project_ids)}
        l_index = {k: i for i, k in enumerate(supervisor_ids)}
        o_index = {k: i for i, k in enumerate(org_ids)}

        # ---- students' rank lists
        lists = [students[sid] for sid in student_ids]
        if not all(type(x) is list for x in lists) or not _all_str(
            [p for lst in lists for p in lst]
        ):
            for sid, lst in zip(student_ids, lists, strict=True):
                if not isinstance(lst, list) or not all(isinstance(x, str) for x in lst):
                    raise ValueError(
                        f"students[{sid!r}]: expected a list of project ids, got {lst!r:.80}"
                    )
        lengths = np.fromiter((len(x) for x in lists), dtype=np.int64, count=len(lists))
        stu_ptr = np.zeros(len(lists) + 1, dtype=np.int64)
        np.cumsum(lengths, out=stu_ptr[1:])
        flat = [p for lst in lists for p in lst]
        edge_proj = np.fromiter(map(p_index.get, flat, repeat(-1)), dtype=np.int32, count=len(flat))
        bad = np.flatnonzero(edge_proj < 0)
        if len(bad):
            owners = np.searchsorted(stu_ptr, bad, side="right") - 1
            pairs = sorted({(student_ids[o], flat[b]) for o, b in zip(owners, bad, strict=True)})
            raise ValueError(
                "students: unknown project ids "
                + ", ".join(f"{p!r} (ranked by {s!r})" for s, p in pairs[:10])
                + (" …" if len(pairs) > 10 else "")
            )
        _check_dupes(stu_ptr, edge_proj, student_ids, project_ids, "students", "project")

        # ---- organisations
        org_cap = np.empty(len(org_ids), dtype=np.int64)
        org_order_in = []
        for i, oid in enumerate(org_ids):
            node = _node(organisations[oid], f"organisations[{oid!r}]", _ORG_KEYS)
            org_cap[i] = _cap(node, f"organisations[{oid!r}]", required=False)
            order = node.get("order")
            if order is not None and (
                not isinstance(order, list) or not all(isinstance(x, str) for x in order)
            ):
                raise ValueError(f"organisations[{oid!r}].order: expected a list of supervisor ids")
            org_order_in.append(order)

        # ---- supervisors
        sup_cap = np.empty(len(supervisor_ids), dtype=np.int64)
        sup_org = np.full(len(supervisor_ids), -1, dtype=np.int32)
        sup_rank_lists = []
        for i, lid in enumerate(supervisor_ids):
            where = f"supervisors[{lid!r}]"
            node = _node(supervisors[lid], where, _SUPERVISOR_KEYS)
            sup_cap[i] = _cap(node, where, required=False)
            org = node.get("organisation")
            if org is not None:
                if org not in o_index:
                    raise ValueError(f"{where}.organisation: unknown organisation id {org!r}")
                sup_org[i] = o_index[org]
            r = node.get("ranking")
            if r is None:
                r = []
            sup_rank_lists.append(r)

        # ---- projects
        proj_cap = np.empty(len(project_ids), dtype=np.int64)
        proj_sup = np.full(len(project_ids), -1, dtype=np.int32)
        proj_rank_lists = []
        for i, pid in enumerate(project_ids):
            where = f"projects[{pid!r}]"
            node = _node(projects[pid], where, _PROJECT_KEYS)
            proj_cap[i] = _cap(node, where, required=True)
            sup = node.get("supervisor")
            if sup is not None:
                if sup not in l_index:
                    raise ValueError(f"{where}.supervisor: unknown supervisor id {sup!r}")
                proj_sup[i] = l_index[sup]
            r = node.get("ranking")
            if r is None and sup is None:
                raise ValueError(f"{where}: a project without a supervisor needs a 'ranking'")
            proj_rank_lists.append(r)

        project_ranking = _rankings(proj_rank_lists, project_ids, "projects", s_index)
        supervisor_ranking = _rankings(sup_rank_lists, supervisor_ids, "supervisors", s_index)
        sup_turn, org_order = _turns(org_order_in, org_ids, sup_org, supervisor_ids, l_index)

        group_ids, groups = _groups(groups_in, o_index)
        meta = data.get("meta", {})
        if not isinstance(meta, Mapping):
            raise ValueError("meta: expected an object")

        return cls(
            student_ids=student_ids,
            project_ids=project_ids,
            supervisor_ids=supervisor_ids,
            organisation_ids=org_ids,
            stu_ptr=_ro(stu_ptr),
            edge_proj=_ro(edge_proj),
            project_capacity=_ro(proj_cap),
            project_supervisor=_ro(proj_sup),
            supervisor_capacity=_ro(sup_cap),
            supervisor_org=_ro(sup_org),
            supervisor_turn=_ro(sup_turn),
            org_capacity=_ro(org_cap),
            project_ranking=project_ranking,
            supervisor_ranking=supervisor_ranking,
            org_order=org_order,
            groups=groups,
            group_ids=group_ids,
            meta=json.loads(json.dumps(meta)),
        )

    # -------------------------------------------------------------- to_dict
    def to_dict(self) -> dict[str, Any]:
        """The canonical plain-data form (ids sorted, ties as nested lists)."""
        sid, pid, lid, oid = (
            self.student_ids,
            self.project_ids,
            self.supervisor_ids,
            self.organisation_ids,
        )
        ptr = self.stu_ptr.tolist()
        names = np.asarray(pid, dtype=object)[self.edge_proj].tolist()
        students = {sid[s]: names[ptr[s] : ptr[s + 1]] for s in range(len(sid))}
        projects = {}
        for p in range(len(pid)):
            node: dict[str, Any] = {"capacity": int(self.project_capacity[p])}
            if self.project_supervisor[p] >= 0:
                node["supervisor"] = lid[self.project_supervisor[p]]
            if self.project_ranking.has[p]:
                node["ranking"] = _ranking_out(self.project_ranking, p, sid)
            projects[pid[p]] = node
        supervisors = {}
        for i in range(len(lid)):
            node = {"ranking": _ranking_out(self.supervisor_ranking, i, sid)}
            if self.supervisor_capacity[i] >= 0:
                node["capacity"] = int(self.supervisor_capacity[i])
            if self.supervisor_org[i] >= 0:
                node["organisation"] = oid[self.supervisor_org[i]]
            supervisors[lid[i]] = node
        orgs = {}
        for i in range(len(oid)):
            node = {}
            if self.org_capacity[i] >= 0:
                node["capacity"] = int(self.org_capacity[i])
            if self.org_order[i] is not None:
                node["order"] = list(self.org_order[i])
            orgs[oid[i]] = node
        out: dict[str, Any] = {
            "students": students,
            "projects": projects,
            "supervisors": supervisors,
            "organisations": orgs,
        }
        if self.groups:
            out["groups"] = {
                gid: _group_out(g, pid) for gid, g in zip(self.group_ids, self.groups, strict=True)
            }
        if self.meta:
            out["meta"] = dict(self.meta)
        return out


def canonical_json(data: Any) -> str:
    """Compact, key-sorted JSON: the byte form that is hashed."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def instance_hash(data: Any) -> str:
    """``sha256:<hex>`` of :func:`canonical_json` of *data*."""
    return "sha256:" + hashlib.sha256(canonical_json(data).encode()).hexdigest()


# ---------------------------------------------------------------- helpers
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
    for k in ids:
        if not isinstance(k, str) or not k:
            raise ValueError(f"{where}: ids must be non-empty strings, got {k!r}")
    return tuple(sorted(ids))


def _node(node: Any, where: str, allowed: set[str]) -> Mapping:
    if not isinstance(node, Mapping):
        raise ValueError(f"{where}: expected an object")
    unknown = sorted(set(node) - allowed)
    if unknown:
        raise ValueError(f"{where}: unknown keys {unknown}")
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


def _check_dupes(ptr, items, owner_ids, item_ids, where, what):
    """Raise if an owner lists the same item twice (O(E log E))."""
    if len(items) == 0:
        return
    owner = np.repeat(np.arange(len(ptr) - 1, dtype=np.int64), np.diff(ptr))
    code = owner * (int(items.max()) + 1) + items
    order = np.argsort(code, kind="stable")
    sc = code[order]
    dup = np.flatnonzero(sc[1:] == sc[:-1])
    if len(dup):
        pairs = sorted(
            {(owner_ids[owner[order[d]]], item_ids[items[order[d]]]) for d in dup[:20].tolist()}
        )
        raise ValueError(
            f"{where}: {what} listed twice: "
            + ", ".join(f"{o!r} lists {i!r} twice" for o, i in pairs[:10])
        )


def _all_str(items: list) -> bool:
    """True when every item is a str (a C-level loop over the types)."""
    return set(map(type, items)) <= {str}


def _rankings(lists, owner_ids, where, s_index) -> Ranking:
    n = len(lists)
    ptr = np.zeros(n + 1, dtype=np.int64)
    has = np.zeros(n, dtype=bool)
    students: list[str] = []
    tiers: list[int] = []
    for i, r in enumerate(lists):
        if r is not None:
            if not isinstance(r, list):
                raise ValueError(f"{where}[{owner_ids[i]!r}].ranking: expected a list")
            has[i] = True
            # common case first: no ties, every entry a string (checked in C)
            if _all_str(r):
                students.extend(r)
                tiers.extend(range(len(r)))
            else:
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
        ptr[i + 1] = len(students)
    get = s_index.get
    stu = np.fromiter(map(get, students, repeat(-1)), dtype=np.int32, count=len(students))
    bad = np.flatnonzero(stu < 0)
    if len(bad):
        owners = np.searchsorted(ptr, bad, side="right") - 1
        pairs = sorted({(owner_ids[o], students[b]) for o, b in zip(owners, bad, strict=True)})
        raise ValueError(
            f"{where}: ranking names unknown student ids "
            + ", ".join(f"{s!r} (in {o!r})" for o, s in pairs[:10])
        )
    tier = np.asarray(tiers, dtype=np.int32)
    if len(stu):
        try:
            _check_dupes(ptr, stu, owner_ids, list(s_index), f"{where} rankings", "student")
        except ValueError as exc:
            raise ValueError(str(exc) + " (a student may appear in one tie group only)") from None
    return Ranking(ptr=_ro(ptr), student=_ro(stu), tier=_ro(tier), has=_ro(has))


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


def _ranking_out(r: Ranking, i: int, sid) -> list:
    a, b = int(r.ptr[i]), int(r.ptr[i + 1])
    if b == a or int(r.tier[b - 1]) == b - a - 1:  # no ties: plain list
        names = r._cache.get("names")
        if names is None:
            names = r._cache["names"] = np.asarray(sid, dtype=object)[r.student].tolist()
        return names[a:b]
    out: list = []
    prev = -1
    for s, t in zip(r.student[a:b].tolist(), r.tier[a:b].tolist(), strict=True):
        if t == prev:
            if not isinstance(out[-1], list):
                out[-1] = [out[-1]]
            out[-1].append(sid[s])
        else:
            out.append(sid[s])
        prev = t
    return out


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


def _group_out(g: dict, pid) -> dict:
    out: dict[str, Any] = {"organisations": list(g["organisations"]), "capacity": g["capacity"]}
    if g["targets"]:
        out["targets"] = dict(g["targets"])
    if g["order_given"]:
        out["order"] = list(g["order"])
    return out
