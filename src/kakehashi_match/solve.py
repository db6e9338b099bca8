"""The public entry points: :func:`solve`, :func:`check` and :class:`Result`."""

from __future__ import annotations

import io
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, TextIO

import numpy as np

from .backend import kernels
from .certificate import (
    NOT_RANKED,
    OBTAINED,
    ORGANISATION_FULL,
    PROJECT_FULL,
    REASONS,
    SUPERVISOR_FULL,
    Audit,
    audit,
)
from .instance import Instance
from .market import Market, compile_market

__all__ = ["ENGINE_VERSION", "MODES", "Result", "check", "solve"]

ENGINE_VERSION = "0.1.0"
MODES = ("student", "host", "ties", "flexible", "welfare")
STABLE_MODES = ("student", "host", "ties", "flexible")
SHORT_LIST = 3


def as_instance(instance: Instance | Mapping[str, Any] | str | bytes) -> Instance:
    """Accept an :class:`Instance`, a plain mapping or a JSON text."""
    if isinstance(instance, Instance):
        return instance
    if isinstance(instance, str | bytes):
        return Instance.from_json(instance)
    if isinstance(instance, Mapping):
        return Instance.from_dict(instance)
    raise ValueError(
        f"instance: expected an Instance, a mapping or JSON text, got {type(instance)}"
    )


def student_optimal(market: Market, start: np.ndarray | None = None, key=None) -> np.ndarray:
    """Edge held by each student after student-proposing DA (the compiled
    kernel, or its NumPy twin: see :mod:`kakehashi_match.backend`)."""
    st = market.stu_ptr[:-1] if start is None else start
    return kernels().da_kernel(
        market.stu_ptr,
        np.ascontiguousarray(st, dtype=np.int64),
        market.edge_proj,
        market.edge_stu,
        market.edge_key if key is None else key,
        market.proj_sup,
        market.sup_org,
        market.cap_p,
        market.cap_l,
        market.cap_o,
        market.sup_turn,
        market.turn_base,
    )


def host_optimal(market: Market, held: np.ndarray | None = None) -> np.ndarray:
    """The host-optimal (student-pessimal) stable assignment.

    Starting from the student-optimal one, repeatedly *break* a student's
    placement (McVitie & Wilson 1971, doi:10.1145/362619.362631): the student
    goes on down the list, every other student restarts at the place held,
    and the vacated project, supervisor and organisation admit newcomers only
    if they rank them above the leaver. A break is kept when the result is
    stable and places the same students; stop when no break succeeds.
    Without binding organisation caps (SPA-S proper) this reaches the
    student-pessimal stable matching, which is host-optimal; with them the
    result is stable and no student is better off than in student mode, but
    host-optimality is not guaranteed (the organisation's round-robin makes
    the set of stable matchings irregular). Every kept break makes one
    student strictly worse, so there are at most E breaks, each O(E log E):
    meant for program-sized markets, not national ones.
    """
    held = student_optimal(market) if held is None else held.copy()
    matched = held >= 0
    ptr = market.stu_ptr
    key = market.edge_key
    eproj, psup = market.edge_proj, market.proj_sup
    e_l = psup[eproj]
    improved = True
    while improved:
        improved = False
        for s in np.flatnonzero(held >= 0).tolist():
            e0 = int(held[s])
            if e0 + 1 >= ptr[s + 1]:
                continue
            start = np.where(held >= 0, held, ptr[1:])
            start[s] = e0 + 1
            k2 = key.copy()
            p0, l0 = eproj[e0], e_l[e0]
            newcomer = np.ones(len(key), dtype=bool)
            newcomer[held[held >= 0]] = False
            worse = key >= key[e0]
            for mask in (eproj == p0, e_l == l0):
                k2[mask & worse & newcomer] = -1
            cand = student_optimal(market, start, k2)
            if not np.array_equal(cand >= 0, matched):
                continue
            if audit(market, cand).stable:
                held = cand
                improved = True
    return held


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

    def to_dict(self, explain: bool = True, _assignments: bool = True) -> dict[str, Any]:
        """Plain-data form (see docs/match/format.md)."""
        inst, m, a = self.instance, self.market, self.audit
        sid, pid = inst.student_ids, inst.project_ids
        lid, oid = inst.supervisor_ids, inst.organisation_ids
        estu = m.edge_stu
        out: dict[str, Any] = {
            "engine": {"name": "kakehashi_match", "version": ENGINE_VERSION},
            "run": {
                "input_hash": inst.input_hash,
                "mode": self.mode,
                "seed": self.seed,
                "options": dict(self.options),
            },
            "assignments": self.assignments if _assignments else None,
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
        out.update({k: v for k, v in self.extra.items() if not k.startswith("_")})
        if not _assignments:
            del out["assignments"]
        if not explain:
            return out

        def sname(e: int) -> str | None:
            return sid[estu[e]] if e >= 0 else None

        rows = self._explanation_rows()
        students = {}
        items = [
            _choice_dict(pid[p], rk, REASONS[r], sname(w), cp, yp, tie)
            for p, rk, r, w, cp, yp, tie in zip(*rows["columns"], strict=True)
        ]
        bounds = rows["bounds"]
        held_proj, held_rank, lengths = rows["project"], rows["rank"], rows["length"]
        for i in range(len(sid)):
            students[sid[i]] = {
                "project": pid[held_proj[i]] if held_proj[i] >= 0 else None,
                "rank": held_rank[i] if held_rank[i] > 0 else None,
                "list_length": lengths[i],
                "better_choices": items[bounds[i] : bounds[i + 1]],
            }
        out["students"] = students
        out.update(self._to_dict_small())
        return out

    def _to_dict_small(self) -> dict[str, Any]:
        """Per-node fill and cut-off, and the warnings."""
        inst, m, a = self.instance, self.market, self.audit
        sid, pid = inst.student_ids, inst.project_ids
        lid, oid = inst.supervisor_ids, inst.organisation_ids
        estu, key = m.edge_stu, m.edge_key
        wp, wl, wo = a.worst_p.tolist(), a.worst_l.tolist(), a.worst_o.tolist()

        def sname(e: int) -> str | None:
            return sid[estu[e]] if e >= 0 else None

        out: dict[str, Any] = {}
        cap_p, cnt_p = m.cap_p.tolist(), a.count_p.tolist()
        out["projects"] = {
            pid[p]: {"capacity": cap_p[p], "filled": cnt_p[p], "cutoff": sname(wp[p])}
            for p in range(len(pid))
        }
        cap_l, cnt_l = m.cap_l.tolist(), a.count_l.tolist()
        out["supervisors"] = {
            lid[i]: {
                "capacity": cap_l[i] if cap_l[i] >= 0 else None,
                "filled": cnt_l[i],
                "cutoff": sname(wl[i]),
            }
            for i in range(len(lid))
        }
        cap_o, cnt_o = m.cap_o.tolist(), a.count_o.tolist()
        out["organisations"] = {
            oid[i]: {
                "capacity": cap_o[i] if cap_o[i] >= 0 else None,
                "filled": cnt_o[i],
                "cutoff": sname(wo[i]),
            }
            for i in range(len(oid))
        }
        lengths = np.diff(m.stu_ptr)
        warnings = [
            {"kind": "short_rank_list", "student": sid[s], "length": int(lengths[s])}
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
        if inst.groups and self.mode != "flexible":
            warnings.append({"kind": "groups_ignored_outside_flexible_mode"})
        out["warnings"] = warnings
        return out

    def _explanation_rows(self, as_lists: bool = True) -> dict[str, Any]:
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
        ensure_ascii=False, separators=(",", ":"))``; the large per-student
        section is written directly, several times faster than building dicts.
        """
        buf = io.StringIO()
        self.write_json(buf, explain=explain)
        return buf.getvalue()

    def write_json(self, fp: TextIO, explain: bool = True) -> None:
        """Stream :meth:`to_json` into a text file object, student by student
        (keeps peak memory low on national-scale runs)."""
        merged = self.to_dict(explain=False, _assignments=False)
        if explain:
            merged |= self._to_dict_small()
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
        inst, m = self.instance, self.market
        q = inst.quoted_ids("students")
        qp = [*inst.quoted_ids("projects"), "null"]  # index -1: unplaced
        rows = self._explanation_rows(as_lists=False)
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


def _choice_dict(project, rank, reason, cutoff, cut_pos, your_pos, tied=False) -> dict[str, Any]:
    item: dict[str, Any] = {"project": project, "rank": rank, "reason": reason}
    if reason != REASONS[NOT_RANKED]:
        if cutoff is not None:
            item["cutoff"] = cutoff
            item["cutoff_position"] = cut_pos
        if tied:
            item["tied_with_cutoff"] = True
        item["your_position"] = your_pos
    return item


def _weak(market: Market, mode: str):
    """Ties mode is audited under the weak (tied) rankings, by tie-group
    positions; the others under the lottery-broken order, which implies weak
    stability."""
    if mode != "ties":
        return None
    from .ties import weak_positions

    return weak_positions(market)


def _check_mode(mode: str) -> str:
    if mode not in MODES:
        raise ValueError(f"mode: unknown mode {mode!r}; expected one of {', '.join(MODES)}")
    return mode


def solve(
    instance: Instance | Mapping[str, Any] | str,
    mode: str = "student",
    seed: int = 0,
    **options: Any,
) -> Result:
    """Compute a matching and its certificate.

    Modes: ``student`` (student-optimal stable, student-proposing deferred
    acceptance: Gale & Shapley 1962, doi:10.2307/2312726, with nested
    capacities after Abraham, Irving & Manlove 2007,
    doi:10.1016/j.jda.2006.03.006), ``host`` (host-optimal stable),
    ``ties`` (single tie-breaking by the seeded lottery then stable
    improvement cycles, Erdil & Ergin 2008, doi:10.1257/aer.98.3.669),
    ``flexible`` (distributional caps on groups, Kamada & Kojima 2015,
    doi:10.1257/aer.20101552), ``welfare`` (most placements, then least
    total rank; not stable in general, blocking pairs reported).

    Complexity: O(E log E) for E rank-list entries in the stable modes.
    The input is never mutated; randomness comes only from *seed* (the
    lottery that breaks ties in host rankings).

    >>> r = solve({
    ...     "students": {"a": ["p", "q"], "b": ["p"]},
    ...     "projects": {"p": {"capacity": 1, "supervisor": "L"},
    ...                  "q": {"capacity": 1, "supervisor": "L"}},
    ...     "supervisors": {"L": {"capacity": 2, "ranking": ["b", "a"]}}})
    >>> r.assignments, r.stable
    ({'a': 'q', 'b': 'p'}, True)
    """
    _check_mode(mode)
    allowed = {"welfare": {"lower_quotas", "time_limit"}}.get(mode, set())
    unknown = sorted(set(options) - allowed)
    if unknown:
        raise ValueError(
            f"options: {unknown} not understood in mode {mode!r}"
            + (f" (accepted: {sorted(allowed)})" if allowed else " (it takes none)")
        )
    inst = as_instance(instance)
    market = compile_market(inst, seed)
    extra: dict[str, Any] = {}
    extra_full = None
    weak = _weak(market, mode)  # None outside mode ties
    if mode == "student":
        held = student_optimal(market)
    elif mode == "host":
        held = host_optimal(market)
    elif mode == "ties":
        from .ties import stable_improvement_cycles

        held, extra = stable_improvement_cycles(market, student_optimal(market), keys=weak)
    elif mode == "flexible":
        from .flexible import flexible_da

        held, extra, extra_full = flexible_da(market)
    else:
        from .welfare import welfare_assignment

        held, extra = welfare_assignment(market, **options)
    return Result(
        instance=inst,
        market=market,
        mode=mode,
        seed=int(seed),
        options=dict(options),
        held=held,
        audit=audit(market, held, extra_full, key=weak),
        extra=extra,
    )


def check(
    instance: Instance | Mapping[str, Any] | str,
    result: Result | Mapping[str, Any] | str,
) -> dict[str, Any]:
    """Verify a result against an instance; return ``{"ok": bool, "violations": [...]}``.

    The result may be a :class:`Result`, its ``to_dict()`` or its JSON. The
    assignment is checked for: every student present, only projects on the
    student's own list, capacities at every level, acceptability to the host,
    and — in the stable modes — no blocking pair, under the priority order
    fixed by the recorded seed. O(E log E).
    """
    inst = as_instance(instance)
    if isinstance(result, Result):
        result = result.to_dict(explain=False)
    if isinstance(result, str | bytes):
        try:
            result = json.loads(result)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise ValueError(f"result: malformed JSON: {exc}") from None
    if not isinstance(result, Mapping) or not isinstance(result.get("assignments"), Mapping):
        raise ValueError("result: expected an object with an 'assignments' object")
    run = result.get("run", {}) if isinstance(result.get("run", {}), Mapping) else {}
    mode = _check_mode(run.get("mode", "student"))
    seed = run.get("seed", 0)
    market = compile_market(inst, seed)
    violations: list[str] = []
    h = run.get("input_hash")
    if h is not None and h != inst.input_hash:
        violations.append(f"input hash {h} differs from the instance's {inst.input_hash}")
    asg = result["assignments"]
    unknown = sorted(set(asg) - set(inst.student_ids))
    if unknown:
        raise ValueError(f"result.assignments: unknown student ids {unknown[:10]}")
    missing = sorted(set(inst.student_ids) - set(asg))
    if missing:
        violations.append(f"students missing from the assignments: {missing[:10]}")
    p_index = {p: i for i, p in enumerate(inst.project_ids)}
    wanted = np.full(inst.n_students, -1, dtype=np.int64)
    for s, sid in enumerate(inst.student_ids):
        p = asg.get(sid)
        if p is None:
            continue
        if p not in p_index:
            raise ValueError(f"result.assignments[{sid!r}]: unknown project id {p!r}")
        wanted[s] = p_index[p]
    # locate each (student, project) on the student's own list: O(E)
    hit = np.flatnonzero(wanted[market.edge_stu] == market.edge_proj)
    held = np.full(inst.n_students, -1, dtype=np.int64)
    held[market.edge_stu[hit]] = hit
    for s in np.flatnonzero((wanted >= 0) & (held < 0)).tolist():
        violations.append(
            f"student {inst.student_ids[s]!r} assigned to "
            f"{inst.project_ids[wanted[s]]!r}, which it did not rank"
        )
    extra_full = None
    if mode == "flexible":
        from .flexible import group_full_mask

        extra_full = group_full_mask(market, held)
    a = audit(market, held, extra_full, key=_weak(market, mode))
    sid_, pid, lid, oid = (
        inst.student_ids,
        inst.project_ids,
        inst.supervisor_ids,
        inst.organisation_ids,
    )
    for i in a.over_p.tolist():
        violations.append(f"project {pid[i]!r} over capacity: {a.count_p[i]} > {market.cap_p[i]}")
    for i in a.over_l.tolist():
        violations.append(
            f"supervisor {lid[i]!r} over capacity: {a.count_l[i]} > {market.cap_l[i]}"
        )
    for i in a.over_o.tolist():
        violations.append(
            f"organisation {oid[i]!r} over capacity: {a.count_o[i]} > {market.cap_o[i]}"
        )
    for s in a.unacceptable.tolist():
        violations.append(
            f"student {sid_[s]!r} assigned to {pid[market.edge_proj[held[s]]]!r}, "
            "whose host did not rank it"
        )
    if mode == "flexible":
        from .flexible import group_counts

        for gid, n, cap in group_counts(market, held):
            if n > cap:
                violations.append(f"group {gid!r} over capacity: {n} > {cap}")
    if mode in STABLE_MODES:
        for e in a.blocking.tolist():
            violations.append(
                f"blocking pair: student {sid_[market.edge_stu[e]]!r} and project "
                f"{pid[market.edge_proj[e]]!r}"
            )
    return {"ok": not violations, "violations": violations, "blocking_pairs": len(a.blocking)}


__all__ += ["OBTAINED", "as_instance", "host_optimal", "student_optimal"]
