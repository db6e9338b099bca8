"""The public entry points: :func:`solve`, :func:`check` and :class:`Result`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from .certificate import (
    OBTAINED,
    audit,
)
from .document import load_json
from .instance import Instance
from .market import Market, compile_market
from .result import ENGINE_VERSION, Result

__all__ = ["ENGINE_VERSION", "MODES", "Result", "check", "solve"]

MODES = ("student", "host", "ties", "flexible", "welfare", "exchange")
STABLE_MODES = ("student", "host", "ties", "flexible")


def as_instance(instance: Instance | Mapping[str, Any] | str | bytes) -> Instance:
    """Accept an :class:`Instance`, a plain mapping or a JSON text.

    An :class:`Instance` is returned as it is (no re-parse). O(N + E log E)
    to parse, O(1) for an Instance.

    >>> inst = as_instance('{"students": {}, "projects": {}}')
    >>> as_instance(inst) is inst
    True
    """
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
    """The student-optimal stable assignment: student-proposing deferred
    acceptance with nested capacities on the compiled kernel.

    Parameters
    ----------
    market : Market
        From :func:`~kakehashi_match.market.compile_market`; its ``backend``
        picks the compiled kernel or its NumPy twin (identical results).
    start : array of int, optional
        Per student, the first edge it may propose to (default: its list's head).
    key : array, optional
        Priorities replacing ``market.edge_key`` (-1: unacceptable).

    Returns
    -------
    ndarray of int64
        The edge each student holds, -1 when unmatched.

    Notes
    -----
    O(E · c) for E rank-list entries and capacities c; O(E log E) at the
    organisation level. Gale & Shapley 1962 (doi:10.2307/2312726), nested
    capacities after Abraham, Irving & Manlove 2007
    (doi:10.1016/j.jda.2006.03.006).

    Examples
    --------
    >>> from kakehashi_match.market import compile_market
    >>> m = compile_market(Instance.from_dict({
    ...     "students": {"a": ["p"], "b": ["p"]},
    ...     "projects": {"p": {"capacity": 1, "ranking": ["b", "a"]}}}))
    >>> student_optimal(m).tolist()  # b holds edge 1, a is unmatched
    [-1, 1]
    """
    st = market.stu_ptr[:-1] if start is None else start
    return market.kernels.da_kernel(
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

    Examples
    --------
    Students get their first choices in ``student`` mode and their second
    in ``host`` mode:

    >>> from kakehashi_match.market import compile_market
    >>> m = compile_market(Instance.from_dict({
    ...     "students": {"a": ["A", "B"], "b": ["B", "A"]},
    ...     "projects": {"A": {"capacity": 1, "ranking": ["b", "a"]},
    ...                  "B": {"capacity": 1, "ranking": ["a", "b"]}}}))
    >>> student_optimal(m).tolist(), host_optimal(m).tolist()
    ([0, 2], [1, 3])
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


def _weak(market: Market, mode: str):
    """Ties mode is audited under the weak (tied) rankings, by tie-group
    positions; the others under the lottery-broken order, which implies weak
    stability."""
    if mode != "ties":
        return None
    # A mode's module (numba, SciPy) loads only when that mode runs.
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
    *,
    backend: str = "numba",
    **options: Any,
) -> Result:
    """Compute a matching and its certificate.

    Parameters
    ----------
    instance : Instance, mapping or JSON text
        The market (see ``docs/match/format.md``). An :class:`Instance` is
        used as it is (parse once with :meth:`Instance.from_dict`); other
        forms are parsed. Never mutated.
    mode : {"student", "host", "ties", "flexible", "welfare", "exchange"}
        ``student``: the student-optimal stable matching, student-proposing
        deferred acceptance with nested capacities. ``host``: a stable
        matching no better for any student (host-optimal when organisation
        caps do not bind). ``ties``: single tie-breaking by the seeded
        lottery, then stable improvement cycles. ``flexible``: distributional
        caps on groups of organisations, with targets. ``welfare``: most
        placements, then least total rank (not stable in general; its
        blocking pairs are reported). ``exchange``: balanced exchange by
        two-sided top trading cycles (needs the instance's ``exchange``
        key): every unit's imports − exports within the tolerance, home
        priorities respected, no balanced Pareto improvement.
    seed : int
        The lottery that breaks ties in host rankings; the only randomness.
    backend : {"numba", "numpy"}
        Which twin of the kernels runs; the results are identical.
    **options
        Mode options: ``lower_quotas`` and ``time_limit`` in ``welfare``;
        ``pareto_check`` (``"auto"``, ``True`` or ``False``) in ``exchange``:
        whether the certificate proves by an exact MILP that no balanced
        Pareto improvement exists (``"auto"``: up to 5,000 acceptable pairs).

    Returns
    -------
    Result
        The assignment, its certificate and explanations.

    Raises
    ------
    ValueError
        Bad instance, unknown mode or option, negative seed; the message
        names the argument and the offending ids.

    Notes
    -----
    O(E log E) for E rank-list entries in ``student`` and ``flexible``
    (flexible is pure Python), more in ``host`` and ``ties`` (at most E
    improvement steps), a mixed-integer program in ``welfare``.

    References
    ----------
    Gale & Shapley 1962, doi:10.2307/2312726 (deferred acceptance); Abraham,
    Irving & Manlove 2007, doi:10.1016/j.jda.2006.03.006 (nested capacities);
    Erdil & Ergin 2008, doi:10.1257/aer.98.3.669 (ties); Kamada & Kojima
    2015, doi:10.1257/aer.20101552 (flexible); Dur & Ünver 2019,
    doi:10.1086/701358 (exchange).

    Examples
    --------
    >>> r = solve({
    ...     "students": {"a": ["p", "q"], "b": ["p"]},
    ...     "projects": {"p": {"capacity": 1, "supervisor": "L"},
    ...                  "q": {"capacity": 1, "supervisor": "L"}},
    ...     "supervisors": {"L": {"capacity": 2, "ranking": ["b", "a"]}}})
    >>> r.assignments, r.stable
    ({'a': 'q', 'b': 'p'}, True)
    """
    _check_mode(mode)
    allowed = {
        "welfare": {"lower_quotas", "time_limit"},
        "exchange": {"pareto_check"},
    }.get(mode, set())
    unknown = sorted(set(options) - allowed)
    if unknown:
        raise ValueError(
            f"options: {unknown} not understood in mode {mode!r}"
            + (f" (accepted: {sorted(allowed)})" if allowed else " (it takes none)")
        )
    inst = as_instance(instance)
    market = compile_market(inst, seed, backend)
    extra: dict[str, Any] = {}
    extra_full = None
    weak = _weak(market, mode)  # None outside mode ties
    if mode == "student":
        held = student_optimal(market)
    elif mode == "host":
        held = host_optimal(market)
    elif mode == "ties":
        # A mode's module (numba, SciPy) loads only when that mode runs.
        from .ties import stable_improvement_cycles

        held, extra = stable_improvement_cycles(market, student_optimal(market), keys=weak)
    elif mode == "flexible":
        # A mode's module (numba, SciPy) loads only when that mode runs.
        from .flexible import flexible_da

        held, extra, extra_full = flexible_da(market)
    elif mode == "exchange":
        # A mode's module (numba, SciPy) loads only when that mode runs.
        from .exchange import exchange_run

        held, extra = exchange_run(market, student_optimal(market), **options)
    else:
        # A mode's module (numba, SciPy) loads only when that mode runs.
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
    *,
    backend: str = "numba",
) -> dict[str, Any]:
    """Verify a result against an instance, independently of the solver.

    Parameters
    ----------
    instance : Instance, mapping or JSON text
        The market; an :class:`Instance` is used as it is (no re-parse).
    result : Result, mapping or JSON text
        A :class:`Result` (read directly, no serialisation), its
        ``to_dict()`` or its JSON. Its ``run`` gives the mode and the seed.
    backend : {"numba", "numpy"}
        Which twin of the kernels compiles the priorities; same answer.

    Returns
    -------
    dict
        ``{"ok": bool, "violations": [str, ...], "blocking_pairs": int}``.
        The assignment is checked for: every student present, only projects
        on the student's own list, capacities at every level (and groups in
        ``flexible``), acceptability to the host, and, in the stable modes,
        no blocking pair under the priority order fixed by the recorded seed.
        In ``exchange``: every unit balanced within the tolerance, no
        student passed over by a lower-priority student of her unit, and
        (up to 5,000 acceptable pairs) no balanced Pareto improvement.

    Raises
    ------
    ValueError
        Malformed result, unknown student or project ids.

    Notes
    -----
    O(E log E) for E rank-list entries. Stability is that of SPA-S (Abraham,
    Irving & Manlove 2007, doi:10.1016/j.jda.2006.03.006) with an
    organisation level; see :func:`kakehashi_match.certificate.audit`.

    Examples
    --------
    >>> data = {"students": {"a": ["p"], "b": ["p"]},
    ...         "projects": {"p": {"capacity": 1, "ranking": ["b", "a"]}}}
    >>> inst = Instance.from_dict(data)
    >>> check(inst, solve(inst))["ok"]
    True
    >>> check(inst, {"assignments": {"a": "p", "b": None}})["violations"]
    ["blocking pair: student 'b' and project 'p'"]
    """
    inst = as_instance(instance)
    if isinstance(result, Result):  # what the check reads, without serialising the rest
        result = {
            "assignments": result.assignments,
            "run": {"input_hash": result.input_hash, "mode": result.mode, "seed": result.seed},
        }
    if isinstance(result, str | bytes):
        result = load_json(result, "result")
    if not isinstance(result, Mapping) or not isinstance(result.get("assignments"), Mapping):
        raise ValueError("result: expected an object with an 'assignments' object")
    run = result.get("run", {}) if isinstance(result.get("run", {}), Mapping) else {}
    mode = _check_mode(run.get("mode", "student"))
    seed = run.get("seed", 0)
    market = compile_market(inst, seed, backend)
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
        # A mode's module (numba, SciPy) loads only when that mode runs.
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
        # A mode's module (numba, SciPy) loads only when that mode runs.
        from .flexible import group_counts

        for gid, n, cap in group_counts(market, held):
            if n > cap:
                violations.append(f"group {gid!r} over capacity: {n} > {cap}")
    if mode == "exchange":
        # A mode's module (numba, SciPy) loads only when that mode runs.
        from .exchange import exchange_violations

        violations += exchange_violations(market, held)
    if mode in STABLE_MODES:
        for e in a.blocking.tolist():
            violations.append(
                f"blocking pair: student {sid_[market.edge_stu[e]]!r} and project "
                f"{pid[market.edge_proj[e]]!r}"
            )
    return {"ok": not violations, "violations": violations, "blocking_pairs": len(a.blocking)}


__all__ += ["OBTAINED", "as_instance", "host_optimal", "student_optimal"]
