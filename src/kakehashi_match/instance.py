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
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from itertools import chain, repeat
from typing import Any

import numpy as np

__all__ = ["Instance", "Ranking", "canonical_json", "instance_hash"]

UNLIMITED = -1  # capacity meaning "no cap" in the arrays
# the characters json.dumps(ensure_ascii=False) escapes
_PLAIN = re.compile(r'[\x00-\x1f\\"]')

# look ids up by hash when there are at least this many names and ids
_HASHED_LOOKUP = (100_000, 8192)

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
            text = self.canonical_text()
            self._cache["hash"] = "sha256:" + hashlib.sha256(text.encode()).hexdigest()
        return self._cache["hash"]

    def quoted_ids(self, kind: str) -> list[str]:
        """The ids of ``"students"``, ``"projects"``, ``"supervisors"`` or
        ``"organisations"``, each as a JSON string (cached)."""
        key = "quoted_" + kind
        if key not in self._cache:
            ids = {
                "students": self.student_ids,
                "projects": self.project_ids,
                "supervisors": self.supervisor_ids,
                "organisations": self.organisation_ids,
            }[kind]
            self._cache[key] = _quoted(ids)
        return self._cache[key]

    def canonical_text(self) -> str:
        """``canonical_json(self.to_dict())``, written section by section from
        the arrays (the large sections with string joins, not through the
        dict form): the text that :attr:`input_hash` hashes."""
        sid, pid = self.student_ids, self.project_ids
        lid, oid = self.supervisor_ids, self.organisation_ids
        qs, qp = self.quoted_ids("students"), self.quoted_ids("projects")
        ql, qo = self.quoted_ids("supervisors"), self.quoted_ids("organisations")
        ptr = self.stu_ptr.tolist()
        names = np.asarray(qp, dtype=object)[self.edge_proj].tolist()
        students = ",".join(
            [f"{qs[s]}:[{','.join(names[ptr[s] : ptr[s + 1]])}]" for s in range(len(sid))]
        )
        pr, sr = self.project_ranking, self.supervisor_ranking
        cap_p, sup_p = self.project_capacity.tolist(), self.project_supervisor.tolist()
        has_p = pr.has.tolist()
        texts_p = _ranking_texts(pr, sid, qs) if any(has_p) else []
        texts_l = _ranking_texts(sr, sid, qs)
        parts = []
        for p in range(len(pid)):
            item = f'{qp[p]}:{{"capacity":{cap_p[p]}'
            if has_p[p]:
                item += f',"ranking":{texts_p[p]}'
            if sup_p[p] >= 0:
                item += f',"supervisor":{ql[sup_p[p]]}'
            parts.append(item + "}")
        projects = ",".join(parts)
        cap_l, org_l = self.supervisor_capacity.tolist(), self.supervisor_org.tolist()
        parts = []
        for i in range(len(lid)):
            item = f"{ql[i]}:{{"
            if cap_l[i] >= 0:
                item += f'"capacity":{cap_l[i]},'
            if org_l[i] >= 0:
                item += f'"organisation":{qo[org_l[i]]},'
            parts.append(item + f'"ranking":{texts_l[i]}}}')
        supervisors = ",".join(parts)
        cap_o = self.org_capacity.tolist()
        parts = []
        for i in range(len(oid)):
            node: dict[str, Any] = {}
            if cap_o[i] >= 0:
                node["capacity"] = cap_o[i]
            if self.org_order[i] is not None:
                node["order"] = list(self.org_order[i])
            parts.append(f"{qo[i]}:{canonical_json(node)}")
        organisations = ",".join(parts)
        out = "{"
        if self.groups:
            groups = {
                gid: _group_out(g, pid) for gid, g in zip(self.group_ids, self.groups, strict=True)
            }
            out += f'"groups":{canonical_json(groups)},'
        if self.meta:
            out += f'"meta":{canonical_json(dict(self.meta))},'
        return (
            out
            + f'"organisations":{{{organisations}}},"projects":{{{projects}}},'
            + f'"students":{{{students}}},"supervisors":{{{supervisors}}}}}'
        )

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
        s_index = dict(zip(student_ids, range(len(student_ids)), strict=True))
        p_index = dict(zip(project_ids, range(len(project_ids)), strict=True))
        l_index = dict(zip(supervisor_ids, range(len(supervisor_ids)), strict=True))
        o_index = dict(zip(org_ids, range(len(org_ids)), strict=True))

        # ---- students' rank lists
        lists = [students[sid] for sid in student_ids]
        flat = list(chain.from_iterable(lists)) if all(type(x) is list for x in lists) else None
        if flat is None or not _all_str(flat):
            for sid, lst in zip(student_ids, lists, strict=True):
                if not isinstance(lst, list) or not all(isinstance(x, str) for x in lst):
                    raise ValueError(
                        f"students[{sid!r}]: expected a list of project ids, got {lst!r:.80}"
                    )
            flat = list(chain.from_iterable(lists))
        lengths = np.fromiter(map(len, lists), dtype=np.int64, count=len(lists))
        stu_ptr = np.zeros(len(lists) + 1, dtype=np.int64)
        np.cumsum(lengths, out=stu_ptr[1:])
        edge_proj = _lookup(flat, project_ids, p_index)
        bad = np.flatnonzero(edge_proj < 0)
        if len(bad):
            owners = np.searchsorted(stu_ptr, bad, side="right") - 1
            pairs = sorted({(student_ids[o], flat[b]) for o, b in zip(owners, bad, strict=True)})
            raise ValueError(
                "students: unknown project ids "
                + ", ".join(f"{p!r} (ranked by {s!r})" for s, p in pairs[:10])
                + (" …" if len(pairs) > 10 else "")
            )
        _check_dupes(
            stu_ptr, edge_proj, student_ids, project_ids, "students", "project", order=False
        )

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

        project_ranking = _rankings(proj_rank_lists, project_ids, "projects", s_index, student_ids)
        supervisor_ranking = _rankings(
            sup_rank_lists, supervisor_ids, "supervisors", s_index, student_ids
        )
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
    if not _all_str(ids) or "" in obj:  # common case checked in C
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
    owner = np.repeat(np.arange(len(ptr) - 1, dtype=np.int64), np.diff(ptr))
    b = int(items.max()) + 1 if base is None else base
    code = owner * b + items
    if order:
        from .npkernel import argsort_int

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


def _all_str(items: list) -> bool:
    """True when every item is a str (a C-level loop over the types)."""
    return set(map(type, items)) <= {str}


def _lookup(names: list, ids: tuple[str, ...], index: dict[str, int]) -> np.ndarray:
    """Index of each of *names* in the sorted *ids* (``index`` maps id to
    index), -1 when absent.

    Many lookups into a large dict are slow (every probe is a cache miss),
    so for large inputs the names are matched by their hash (sorted and
    searched in NumPy) and each match is confirmed by comparing the strings
    as NumPy arrays; names that fail the comparison (unknown, or a hash
    shared by two ids) are looked up in the dict. Exact either way."""
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
        if _all_str(flat):  # common case: every ranking given, no ties (checked in C)
            has[:] = True
            np.cumsum(np.fromiter(map(len, lists), dtype=np.int64, count=n), out=ptr[1:])
            students, lists = flat, []
    for i, r in enumerate(lists):
        if r is not None:
            if not isinstance(r, list):
                raise ValueError(f"{where}[{owner_ids[i]!r}].ranking: expected a list")
            has[i] = True
            # common case first: no ties, every entry a string (checked in C)
            if _all_str(r):
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
    stu = _lookup(students, student_ids, s_index)
    bad = np.flatnonzero(stu < 0)
    if len(bad):
        owners = np.searchsorted(ptr, bad, side="right") - 1
        pairs = sorted({(owner_ids[o], students[b]) for o, b in zip(owners, bad, strict=True)})
        raise ValueError(
            f"{where}: ranking names unknown student ids "
            + ", ".join(f"{s!r} (in {o!r})" for o, s in pairs[:10])
        )
    # tie group of each entry: its place in the list unless the list has ties
    owner = np.repeat(np.arange(n, dtype=np.int64), np.diff(ptr))
    tier = (np.arange(len(stu), dtype=np.int64) - ptr[owner]).astype(np.int32)
    for i, tiers in tied:
        tier[ptr[i] : ptr[i + 1]] = tiers
    ranking = Ranking(ptr=_ro(ptr), student=_ro(stu), tier=_ro(tier), has=_ro(has))
    if len(stu):
        try:
            ranking._cache["by_code"] = _check_dupes(
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
    return ranking


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


def _quoted(ids) -> list[str]:
    """Each id as a JSON string (as ``canonical_json`` writes it)."""
    if _PLAIN.search("".join(ids)) is None:  # nothing to escape: quote directly
        return [f'"{x}"' for x in ids]
    return [json.dumps(x, ensure_ascii=False) for x in ids]


def _ranking_texts(r: Ranking, sid, qs) -> list[str]:
    """``canonical_json(_ranking_out(r, i, sid))`` for every owner i, with the
    quoted ids *qs*; rankings without ties are joined directly."""
    ptr = r.ptr.tolist()
    n = len(ptr) - 1
    if n == 0:
        return []
    lengths = np.diff(r.ptr)
    last = np.maximum(r.ptr[1:] - 1, 0)
    tier = r.tier if len(r.tier) else np.zeros(1, dtype=np.int32)
    plain = ((lengths == 0) | (tier[np.minimum(last, len(tier) - 1)] == lengths - 1)).tolist()
    names = np.asarray(qs, dtype=object)[r.student].tolist()
    return [
        "[" + ",".join(names[ptr[i] : ptr[i + 1]]) + "]"
        if plain[i]
        else canonical_json(_ranking_out(r, i, sid))
        for i in range(n)
    ]


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
