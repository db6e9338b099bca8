"""The canonical form of an instance: plain data with sorted ids, and its
compact key-sorted JSON text, whose SHA-256 is the instance's hash.

``canonical_text(inst) == canonical_json(instance_dict(inst))``; the text is
written section by section from the arrays (the large sections with string
joins), several times faster than dumping the dict form.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import TYPE_CHECKING, Any

import numpy as np

from .ranking import Ranking

if TYPE_CHECKING:  # pragma: no cover
    from .instance import Instance

__all__ = [
    "canonical_json",
    "canonical_text",
    "exchange_dict",
    "instance_dict",
    "instance_hash",
    "quoted",
    "ranking_entries",
    "ranking_texts",
]

# the characters json.dumps(ensure_ascii=False) escapes
_PLAIN = re.compile(r'[\x00-\x1f\\"]')


def canonical_json(data: Any) -> str:
    """Compact, key-sorted JSON: the byte form that is hashed. O(size of *data*).

    >>> canonical_json({"b": [1, 2], "a": "é"})
    '{"a":"é","b":[1,2]}'
    """
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def instance_hash(data: Any) -> str:
    """``sha256:<hex>`` of :func:`canonical_json` of *data*. O(size of *data*).

    >>> instance_hash({})[:15]
    'sha256:44136fa3'
    """
    return "sha256:" + hashlib.sha256(canonical_json(data).encode()).hexdigest()


def quoted(ids) -> list[str]:
    """Each id as a JSON string, as :func:`canonical_json` writes it. O(total length).

    >>> quoted(["a", "b\\n"])
    ['"a"', '"b\\\\n"']
    """
    if _PLAIN.search("".join(ids)) is None:  # nothing to escape: quote directly
        return [f'"{x}"' for x in ids]
    return [json.dumps(x, ensure_ascii=False) for x in ids]


def ranking_entries(r: Ranking, i: int, sid) -> list:
    """Owner *i*'s ranking as plain data: student ids best first, a tie group
    as a nested list. O(length of the ranking).

    >>> from kakehashi_match import Instance
    >>> inst = Instance.from_dict({"students": {"a": ["p"], "b": ["p"]},
    ...     "projects": {"p": {"capacity": 1, "ranking": [["b", "a"]]}}})
    >>> ranking_entries(inst.project_ranking, 0, inst.student_ids)
    [['b', 'a']]
    """
    a, b = int(r.ptr[i]), int(r.ptr[i + 1])
    if b == a or int(r.tier[b - 1]) == b - a - 1:  # no ties: plain list
        return r.student_names(sid)[a:b]
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


def ranking_texts(r: Ranking, sid, qs) -> list[str]:
    """``canonical_json(ranking_entries(r, i, sid))`` for every owner i, with
    the quoted ids *qs*; rankings without ties are joined directly. O(R).

    >>> from kakehashi_match import Instance
    >>> inst = Instance.from_dict({"students": {"a": ["p"], "b": ["p"]},
    ...     "projects": {"p": {"capacity": 1, "ranking": [["b", "a"]]}}})
    >>> ranking_texts(inst.project_ranking, inst.student_ids, quoted(inst.student_ids))
    ['[["b","a"]]']
    """
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
        else canonical_json(ranking_entries(r, i, sid))
        for i in range(n)
    ]


def group_dict(g: dict) -> dict[str, Any]:
    """A parsed distributional-cap group in its canonical plain-data form."""
    out: dict[str, Any] = {"organisations": list(g["organisations"]), "capacity": g["capacity"]}
    if g["targets"]:
        out["targets"] = dict(g["targets"])
    if g["order_given"]:
        out["order"] = list(g["order"])
    return out


def _organisation_dicts(inst: Instance) -> list[dict[str, Any]]:
    cap_o = inst.org_capacity.tolist()
    out = []
    for i in range(len(inst.organisation_ids)):
        node: dict[str, Any] = {}
        if cap_o[i] >= 0:
            node["capacity"] = cap_o[i]
        if inst.org_order[i] is not None:
            node["order"] = list(inst.org_order[i])
        out.append(node)
    return out


def exchange_dict(inst: Instance) -> dict[str, Any]:
    """The parsed ``exchange`` key in its canonical plain-data form: every
    key written (``tolerance`` 0 when absent), ``priorities`` only when some
    unit gave one."""
    x = inst.exchange
    sid, oid = inst.student_ids, inst.organisation_ids
    out: dict[str, Any] = {
        "balance": x["balance"],
        "homes": dict(zip(sid, [oid[o] for o in x["homes"].tolist()], strict=True)),
    }
    if x["priorities"]:
        out["priorities"] = {
            x["unit_ids"][u]: [sid[s] for s in lst] for u, lst in sorted(x["priorities"].items())
        }
    out["tolerance"] = x["tolerance"]
    return out


def _groups_and_meta(inst: Instance) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if inst.exchange is not None:
        out["exchange"] = exchange_dict(inst)
    if inst.groups:
        out["groups"] = {
            gid: group_dict(g) for gid, g in zip(inst.group_ids, inst.groups, strict=True)
        }
    if inst.meta:
        out["meta"] = dict(inst.meta)
    return out


def instance_dict(inst: Instance) -> dict[str, Any]:
    """The canonical plain-data form of *inst* (ids sorted, ties as nested
    lists): what :meth:`Instance.to_dict` returns. O(N + E).

    >>> from kakehashi_match import Instance
    >>> inst = Instance.from_dict({"students": {"a": ["p"], "b": ["p"]},
    ...     "projects": {"p": {"capacity": 1, "ranking": [["b", "a"]]}}})
    >>> instance_dict(inst)["projects"]
    {'p': {'capacity': 1, 'ranking': [['b', 'a']]}}
    """
    sid, pid = inst.student_ids, inst.project_ids
    lid, oid = inst.supervisor_ids, inst.organisation_ids
    ptr = inst.stu_ptr.tolist()
    names = np.asarray(pid, dtype=object)[inst.edge_proj].tolist()
    students = {sid[s]: names[ptr[s] : ptr[s + 1]] for s in range(len(sid))}
    projects = {}
    for p in range(len(pid)):
        node: dict[str, Any] = {"capacity": int(inst.project_capacity[p])}
        if inst.project_supervisor[p] >= 0:
            node["supervisor"] = lid[inst.project_supervisor[p]]
        if inst.project_ranking.has[p]:
            node["ranking"] = ranking_entries(inst.project_ranking, p, sid)
        projects[pid[p]] = node
    supervisors = {}
    for i in range(len(lid)):
        node = {"ranking": ranking_entries(inst.supervisor_ranking, i, sid)}
        if inst.supervisor_capacity[i] >= 0:
            node["capacity"] = int(inst.supervisor_capacity[i])
        if inst.supervisor_org[i] >= 0:
            node["organisation"] = oid[inst.supervisor_org[i]]
        supervisors[lid[i]] = node
    orgs = dict(zip(oid, _organisation_dicts(inst), strict=True))
    out: dict[str, Any] = {
        "students": students,
        "projects": projects,
        "supervisors": supervisors,
        "organisations": orgs,
    }
    out.update(_groups_and_meta(inst))
    return out


def canonical_text(inst: Instance) -> str:
    """``canonical_json(instance_dict(inst))``, written section by section
    from the arrays: the text that :attr:`Instance.input_hash` hashes. O(N + E).

    >>> from kakehashi_match import Instance
    >>> inst = Instance.from_dict({"students": {"a": ["p"], "b": ["p"]},
    ...     "projects": {"p": {"capacity": 1, "ranking": [["b", "a"]]}}})
    >>> canonical_text(inst)[:50]
    '{"organisations":{},"projects":{"p":{"capacity":1,'
    """
    sid = inst.student_ids
    qs, qp = inst.quoted_ids("students"), inst.quoted_ids("projects")
    ql, qo = inst.quoted_ids("supervisors"), inst.quoted_ids("organisations")
    ptr = inst.stu_ptr.tolist()
    names = np.asarray(qp, dtype=object)[inst.edge_proj].tolist()
    students = ",".join(
        [f"{qs[s]}:[{','.join(names[ptr[s] : ptr[s + 1]])}]" for s in range(len(sid))]
    )
    pr, sr = inst.project_ranking, inst.supervisor_ranking
    cap_p, sup_p = inst.project_capacity.tolist(), inst.project_supervisor.tolist()
    has_p = pr.has.tolist()
    texts_p = ranking_texts(pr, sid, qs) if any(has_p) else []
    texts_l = ranking_texts(sr, sid, qs)
    parts = []
    for p in range(len(qp)):
        item = f'{qp[p]}:{{"capacity":{cap_p[p]}'
        if has_p[p]:
            item += f',"ranking":{texts_p[p]}'
        if sup_p[p] >= 0:
            item += f',"supervisor":{ql[sup_p[p]]}'
        parts.append(item + "}")
    projects = ",".join(parts)
    cap_l, org_l = inst.supervisor_capacity.tolist(), inst.supervisor_org.tolist()
    parts = []
    for i in range(len(ql)):
        item = f"{ql[i]}:{{"
        if cap_l[i] >= 0:
            item += f'"capacity":{cap_l[i]},'
        if org_l[i] >= 0:
            item += f'"organisation":{qo[org_l[i]]},'
        parts.append(item + f'"ranking":{texts_l[i]}}}')
    supervisors = ",".join(parts)
    organisations = ",".join(
        f"{q}:{canonical_json(node)}" for q, node in zip(qo, _organisation_dicts(inst), strict=True)
    )
    out = "{"
    for key, value in _groups_and_meta(inst).items():  # "exchange" < "groups" < "meta" < …
        out += f'"{key}":{canonical_json(value)},'
    return (
        out
        + f'"organisations":{{{organisations}}},"projects":{{{projects}}},'
        + f'"students":{{{students}}},"supervisors":{{{supervisors}}}}}'
    )
