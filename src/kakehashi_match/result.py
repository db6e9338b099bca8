"""The result of a match run: :class:`Result`, its plain-data form and its
deterministic JSON text (see ``docs/match/format.md``)."""

from __future__ import annotations

import io
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, TextIO

import numpy as np

from .certificate import (
    NOT_RANKED,
    ORGANISATION_FULL,
    PROJECT_FULL,
    REASONS,
    SUPERVISOR_FULL,
    Audit,
)
from .instance import Instance
from .market import Market

__all__ = ["ENGINE_VERSION", "SHORT_LIST", "Result"]

ENGINE_VERSION = "0.1.0"
SHORT_LIST = 3


@dataclass(frozen=True, eq=False)
class Result:
    """One match run: the assignment, its certificate and its explanations.

    ``assignments`` maps every student id to a project id or ``None``.
    ``to_json()`` is byte-identical for the same input, mode, options and
    seed.
    """

    instance: Instance = field(repr=False)
    market: Market = field(repr=False)
    mode: str
    seed: int
    options: Mapping[str, Any]
    held: np.ndarray = field(repr=False)
    audit: Audit = field(repr=False)
    extra: Mapping[str, Any] = field(default_factory=dict, repr=False)

    @property
    def engine_version(self) -> str:
        return ENGINE_VERSION

    @property
    def input_hash(self) -> str:
        return self.instance.input_hash

    @property
    def assignment(self) -> np.ndarray:
        """Project index per student (-1 unmatched)."""
        # a trailing -1 makes held == -1 map to -1, even with no edges at all
        return np.append(self.market.edge_proj, -1)[self.held]

    @property
    def assignments(self) -> dict[str, str | None]:
        pid = self.instance.project_ids
        return {
            s: (pid[p] if p >= 0 else None)
            for s, p in zip(self.instance.student_ids, self.assignment.tolist(), strict=True)
        }

    @property
    def ranks(self) -> np.ndarray:
        """1-based rank each student obtained on its own list (0 unmatched)."""
        r = self.held - self.market.stu_ptr[:-1] + 1
        return np.where(self.held >= 0, r, 0)

    @property
    def valid(self) -> bool:
        return self.audit.valid

    @property
    def stable(self) -> bool:
        return self.audit.stable

    @property
    def blocking_pairs(self) -> list[tuple[str, str]]:
        sid, pid = self.instance.student_ids, self.instance.project_ids
        m = self.market
        return [(sid[m.edge_stu[e]], pid[m.edge_proj[e]]) for e in self.audit.blocking.tolist()]

    def summary(self) -> dict[str, Any]:
        ranks = self.ranks
        matched = ranks > 0
        dist = np.bincount(ranks[matched]) if matched.any() else np.zeros(1, np.int64)
        lengths = np.diff(self.market.stu_ptr)
        return {
            "students": len(ranks),
            "matched": int(matched.sum()),
            "unmatched": int((~matched).sum()),
            "rank_distribution": {str(i): int(c) for i, c in enumerate(dist.tolist()) if i and c},
            "mean_rank": round(float(ranks[matched].mean()), 6) if matched.any() else None,
            "short_lists": int((lengths < SHORT_LIST).sum()),
            "blocking_pairs": len(self.audit.blocking),
        }

    def to_dict(self, explain: bool = True) -> dict[str, Any]:
        """Plain-data form (see docs/match/format.md).

        Equal to ``json.loads(self.to_json(explain))``, keys in the same
        (sorted) order at every level, and sharing no mutable object with the
        Result: the web project stores it as it is, without a JSON round trip.
        O(E) for E rank-list entries.

        >>> from kakehashi_match import solve
        >>> r = solve({"students": {"a": ["p"]},
        ...            "projects": {"p": {"capacity": 1, "ranking": ["a"]}}})
        >>> d = r.to_dict()
        >>> d["assignments"], d["students"]["a"]["rank"], list(d)[:3]
        ({'a': 'p'}, 1, ['assignments', 'certificate', 'engine'])
        """
        out = self._head()
        out["assignments"] = self.assignments
        if explain:
            out.update(self._nodes_and_warnings())
            out["students"] = self._students_dict()
        return {k: out[k] for k in sorted(out)}

    def _head(self) -> dict[str, Any]:
        """Engine, run, certificate, summary and the mode's extras, keys
        sorted at every level (as ``json.loads`` of the text gives them)."""
        inst, a = self.instance, self.audit
        sid, pid = inst.student_ids, inst.project_ids
        lid, oid = inst.supervisor_ids, inst.organisation_ids
        out: dict[str, Any] = {
            "engine": {"name": "kakehashi_match", "version": ENGINE_VERSION},
            "run": {
                "input_hash": inst.input_hash,
                "mode": self.mode,
                "seed": self.seed,
                "options": self.options,
            },
            "certificate": {
                "valid": a.valid,
                "stable": a.stable,
                "capacity_violations": (
                    [{"project": pid[i]} for i in a.over_p.tolist()]
                    + [{"supervisor": lid[i]} for i in a.over_l.tolist() if i < len(lid)]
                    + [{"organisation": oid[i]} for i in a.over_o.tolist() if i < len(oid)]
                ),
                "unacceptable_assignments": [sid[s] for s in a.unacceptable.tolist()],
                "blocking_pairs": [list(bp) for bp in self.blocking_pairs],
            },
            "summary": self.summary(),
        }
        out["certificate"].update(self.extra.get("_certificate", {}))
        out.update({k: v for k, v in self.extra.items() if not k.startswith("_")})
        return _plain(out)

    def _students_dict(self) -> dict[str, Any]:
        """The per-student explanations (student ids are already sorted)."""
        inst = self.instance
        sid, pid = inst.student_ids, inst.project_ids
        if "_students" in self.extra:  # a mode with its own explanations (exchange)
            return {
                sid[i]: {
                    "better_choices": [dict(x) for x in items],  # flat dicts, keys sorted
                    "list_length": int(n),
                    "project": pid[p] if p >= 0 else None,
                    "rank": int(r) if r > 0 else None,
                }
                for i, (items, n, p, r) in enumerate(
                    zip(
                        self.extra["_students"],
                        np.diff(self.market.stu_ptr).tolist(),
                        self.assignment.tolist(),
                        self.ranks.tolist(),
                        strict=True,
                    )
                )
            }
        estu = self.market.edge_stu
        rows = self.explanation_rows()
        items = [
            _choice_dict(pid[p], rk, REASONS[r], sid[estu[w]] if w >= 0 else None, cp, yp, tie)
            for p, rk, r, w, cp, yp, tie in zip(*rows["columns"], strict=True)
        ]
        bounds = rows["bounds"]
        held_proj, held_rank, lengths = rows["project"], rows["rank"], rows["length"]
        return {
            sid[i]: {
                "better_choices": items[bounds[i] : bounds[i + 1]],
                "list_length": lengths[i],
                "project": pid[held_proj[i]] if held_proj[i] >= 0 else None,
                "rank": held_rank[i] if held_rank[i] > 0 else None,
            }
            for i in range(len(sid))
        }

    def _nodes_and_warnings(self) -> dict[str, Any]:
        """Per-node capacity, fill and cut-off, and the warnings."""
        inst, m, a = self.instance, self.market, self.audit
        sid = inst.student_ids
        estu, key = m.edge_stu, m.edge_key
        out: dict[str, Any] = {}
        for name, ids, cap, cnt, worst in (
            ("projects", inst.project_ids, m.cap_p, a.count_p, a.worst_p),
            ("supervisors", inst.supervisor_ids, m.cap_l, a.count_l, a.worst_l),
            ("organisations", inst.organisation_ids, m.cap_o, a.count_o, a.worst_o),
        ):
            caps, counts, cut = cap.tolist(), cnt.tolist(), worst.tolist()
            out[name] = {
                ids[i]: {
                    "capacity": caps[i] if caps[i] >= 0 else None,
                    "cutoff": sid[estu[cut[i]]] if cut[i] >= 0 else None,
                    "filled": counts[i],
                }
                for i in range(len(ids))
            }
        lengths = np.diff(m.stu_ptr)
        warnings = [
            {"kind": "short_rank_list", "length": int(lengths[s]), "student": sid[s]}
            for s in np.flatnonzero(lengths < SHORT_LIST).tolist()
        ]
        warnings += [
            {"kind": "unmatched", "student": sid[s]} for s in np.flatnonzero(self.held < 0).tolist()
        ]
        unr = np.zeros(len(sid), dtype=bool)
        unr[estu[key < 0]] = True
        warnings += [
            {"kind": "ranked_project_whose_host_did_not_rank_student", "student": sid[s]}
            for s in np.flatnonzero(unr).tolist()
        ]
        exchange = inst.exchange
        units_are_groups = self.mode == "exchange" and exchange["balance"] == "groups"
        if inst.groups and self.mode != "flexible" and not units_are_groups:
            warnings.append({"kind": "groups_ignored_outside_flexible_mode"})
        if exchange is not None and self.mode != "exchange":
            warnings.append({"kind": "exchange_ignored_outside_exchange_mode"})
        out["warnings"] = warnings
        return out

    def explanation_rows(self, as_lists: bool = True) -> dict[str, Any]:
        """Vectorised explanation columns for every choice ranked above the
        obtained one: (project, rank, reason, cutoff edge, cutoff position,
        your position, tied with the cut-off), grouped by student via
        ``bounds``.

        Positions are 1-based keys of the audit that decided the reason: the
        project's key for ``project_full``, the supervisor's for
        ``supervisor_full`` and ``organisation_full``. In the strict modes
        that is the lottery-broken order; in mode ``ties`` the tie-group
        positions, so a student the host ranked equally with the cut-off
        shares its position and is flagged as tied."""
        m, a = self.market, self.audit
        reason = a.reason
        above = np.flatnonzero(reason > 0)
        s = m.edge_stu[above]
        p = m.edge_proj[above]
        r = reason[above]
        w = np.full(len(above), -1, dtype=np.int64)
        sel = r == PROJECT_FULL
        w[sel] = a.worst_p[p[sel]]
        sel = (r == SUPERVISOR_FULL) | (r == ORGANISATION_FULL)
        w[sel] = a.worst_l[m.proj_sup[p[sel]]]
        ranked = r != NOT_RANKED
        at_l = (r == SUPERVISOR_FULL) | (r == ORGANISATION_FULL)
        kp, kl = a.key_p, a.key_l
        cut_key = np.where(at_l, np.append(kl, -1)[w], np.append(kp, -1)[w])
        your_key = np.where(at_l, kl[above], kp[above])
        cut_pos = np.where(ranked & (w >= 0), cut_key + 1, 0)
        your_pos = np.where(ranked, your_key + 1, 0)
        tied = ranked & (w >= 0) & (cut_pos == your_pos)
        if not a.weak:  # a strict order has no ties
            tied[:] = False
        bounds = np.zeros(len(m.stu_ptr), dtype=np.int64)
        np.cumsum(np.bincount(s, minlength=len(m.stu_ptr) - 1), out=bounds[1:])
        columns = (p, above - m.stu_ptr[s] + 1, r, w, cut_pos, your_pos, tied)
        return {
            "columns": tuple(c.tolist() for c in columns) if as_lists else columns,
            "bounds": bounds.tolist(),
            "project": self.assignment.tolist(),
            "rank": self.ranks.tolist(),
            "length": np.diff(m.stu_ptr).tolist(),
        }

    def to_json(self, explain: bool = True) -> str:
        """Deterministic JSON text (sorted keys, UTF-8, compact, trailing newline).

        Equal to ``json.dumps(self.to_dict(), sort_keys=True,
        ensure_ascii=False, separators=(",", ":"))`` plus a newline; the large
        per-student section is written directly, several times faster than
        building dicts. O(E) for E rank-list entries.

        >>> from kakehashi_match import solve
        >>> solve({"students": {"a": ["p"]}, "projects": {"p": {"capacity": 1,
        ...        "ranking": ["a"]}}}).to_json(explain=False)[:40]
        '{"assignments":{"a":"p"},"certificate":{'
        """
        buf = io.StringIO()
        self.write_json(buf, explain=explain)
        return buf.getvalue()

    def write_json(self, fp: TextIO, explain: bool = True) -> None:
        """Stream :meth:`to_json` into a text file object, student by student
        (keeps peak memory low on national-scale runs)."""
        merged = self._head()
        if explain:
            merged |= self._nodes_and_warnings()
        first = True
        fp.write("{")
        for k in sorted([*merged, "assignments", *(["students"] if explain else [])]):
            fp.write(("" if first else ",") + json.dumps(k) + ":")
            first = False
            if k == "students":
                self._write_students(fp)
            elif k == "assignments":
                fp.write(self._assignments_text())
            else:
                fp.write(_dumps(merged[k]))
        fp.write("}\n")

    def _assignments_text(self) -> str:
        """``_dumps(self.assignments)``, joined from quoted ids (student ids
        are already in sorted order)."""
        q = self.instance.quoted_ids("students")
        if not q:
            return "{}"
        qp = np.asarray([*self.instance.quoted_ids("projects"), "null"], dtype=object)
        pieces = np.empty((len(q), 4), dtype=object)
        pieces[:, 0] = q
        pieces[:, 1] = ":"
        pieces[:, 2] = qp[self.assignment]
        pieces[:, 3] = ","
        pieces[-1, 3] = "}"
        return "{" + "".join(pieces.ravel().tolist())

    def _write_students(self, fp: TextIO, chunk: int = 16384) -> None:
        """The ``students`` section, *chunk* students at a time.

        The text is laid out in output order in an object array of pieces
        (one row of six per choice, one per student's closing part) taken
        from small tables of pre-joined fragments (a project's
        ``"project":…,"rank":``, a cut-off student's ``{"cutoff":…`` and so
        on), then joined once: no formatting per item in Python."""
        if "_students" in self.extra:  # a mode with its own explanations (exchange)
            fp.write(_dumps(self._students_dict()))
            return
        inst, m = self.instance, self.market
        q = inst.quoted_ids("students")
        qp = [*inst.quoted_ids("projects"), "null"]  # index -1: unplaced
        rows = self.explanation_rows(as_lists=False)
        p_col, rk_col, r_col, w_col, cp_col, yp_col, tie_col = rows["columns"]
        bounds = np.asarray(rows["bounds"], dtype=np.int64)
        length = np.diff(m.stu_ptr)
        top = max(
            int(length.max(initial=0)), int(cp_col.max(initial=0)), int(yp_col.max(initial=0))
        )

        def table(strings) -> np.ndarray:
            return np.asarray(strings, dtype=object)

        num = table([str(i) for i in range(top + 1)])
        num_close = table([f"{i}}}" for i in range(top + 1)])
        num_null = num.copy()
        num_null[0] = "null"  # rank 0: unplaced
        p_first = table([f'{{"project":{x},"rank":' for x in qp])
        p_next = table([f',{{"project":{x},"rank":' for x in qp])
        p_cut = table([f',"project":{x},"rank":' for x in qp])
        tail = np.empty(max(REASONS) + 1, dtype=object)
        tail_tied = np.empty(max(REASONS) + 1, dtype=object)
        for code, name in REASONS.items():
            reason = json.dumps(name)
            tail[code] = f',"reason":{reason}' + (
                "}" if code == NOT_RANKED else ',"your_position":'
            )
            tail_tied[code] = f',"reason":{reason},"tied_with_cutoff":true,"your_position":'
        # cut-off students: {"cutoff":…,"cutoff_position": (with a leading comma)
        has_cut = (r_col != NOT_RANKED) & (w_col >= 0)
        cut_stu = m.edge_stu[w_col[has_cut]]
        uniq, cut_idx = np.unique(cut_stu, return_inverse=True)
        c_first = table([f'{{"cutoff":{q[i]},"cutoff_position":' for i in uniq.tolist()])
        c_next = table([f',{{"cutoff":{q[i]},"cutoff_position":' for i in uniq.tolist()])
        cut_of = np.full(len(r_col), -1, dtype=np.int64)
        cut_of[has_cut] = cut_idx.reshape(-1)
        heads = table([f'}},{x}:{{"better_choices":[' for x in q] + ["}"])  # [n]: last
        p_close = table([f',"project":{x},"rank":' for x in qp])
        assignment, rank = self.assignment, self.ranks
        n_s = len(q)
        width = 6
        write = fp.write
        write("{" + (f'{q[0]}:{{"better_choices":[' if n_s else ""))
        for c0 in range(0, n_s, chunk):
            c1 = min(n_s, c0 + chunk)
            j0, j1 = int(bounds[c0]), int(bounds[c1])
            counts = np.diff(bounds[c0 : c1 + 1])
            owner = np.repeat(np.arange(c1 - c0), counts)
            item_row = np.arange(j1 - j0) + owner
            close_row = bounds[c0 + 1 : c1 + 1] - j0 + np.arange(c1 - c0)
            first = np.zeros(j1 - j0, dtype=bool)
            first[bounds[c0:c1][counts > 0] - j0] = True
            r = r_col[j0:j1]
            p = p_col[j0:j1]
            cut = has_cut[j0:j1]
            ranked = r != NOT_RANKED
            it = np.full((j1 - j0, width), "", dtype=object)
            ci = cut_of[j0:j1][cut]
            it[cut, 0] = np.where(first[cut], c_first[ci], c_next[ci])
            it[cut, 1] = num[cp_col[j0:j1][cut]]
            it[:, 2] = np.where(cut, p_cut[p], np.where(first, p_first[p], p_next[p]))
            it[:, 3] = num[rk_col[j0:j1]]
            it[:, 4] = np.where(tie_col[j0:j1], tail_tied[r], tail[r])
            it[ranked, 5] = num_close[yp_col[j0:j1][ranked]]
            cl = np.full((c1 - c0, width), "", dtype=object)
            cl[:, 0] = '],"list_length":'
            cl[:, 1] = num[length[c0:c1]]
            cl[:, 2] = p_close[assignment[c0:c1]]
            cl[:, 3] = num_null[rank[c0:c1]]
            cl[:, 4] = heads[np.arange(c0 + 1, c1 + 1)]
            out = np.empty(((j1 - j0) + (c1 - c0), width), dtype=object)
            out[item_row] = it
            out[close_row] = cl
            write("".join(out.ravel().tolist()))
        write("}")


def _dumps(x: Any) -> str:
    return json.dumps(x, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _plain(x: Any) -> Any:
    """A copy of *x* as ``json.loads`` would return it: dicts with their keys
    sorted, tuples as lists; strings, numbers and None as they are."""
    if isinstance(x, Mapping):
        return {k: _plain(x[k]) for k in sorted(x)}
    if isinstance(x, list | tuple):
        if all(type(v) is str for v in x):  # common: a list of ids
            return list(x)
        return [_plain(v) for v in x]
    return x


def _choice_dict(project, rank, reason, cutoff, cut_pos, your_pos, tied=False) -> dict[str, Any]:
    """One choice above the obtained one, keys in sorted order."""
    item: dict[str, Any] = {}
    if reason != REASONS[NOT_RANKED] and cutoff is not None:
        item["cutoff"] = cutoff
        item["cutoff_position"] = cut_pos
    item |= {"project": project, "rank": rank, "reason": reason}
    if reason != REASONS[NOT_RANKED]:
        if tied:
            item["tied_with_cutoff"] = True
        item["your_position"] = your_pos
    return item
