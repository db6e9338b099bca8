"""The checker of reviewer assignments (:func:`assignment_check`), beside
the solver and independent of it: it reads a result as plain data, so it
checks a result from any source, and recomputes everything it reports.

>>> inst = {"proposals": [{"id": "p", "reviewers": 1}],
...         "reviewers": [{"id": "r", "max_load": 1}], "affinity": {"p": {"r": 1}}}
>>> assignment_check(inst, {"assignment": {"p": ["r"]}})["ok"]
True
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import numpy as np

from .assign_proofs import dual_bound, hall_violation, infeasibility
from .assignment import Assignment
from .document import load_json
from .review import ReviewInstance

__all__ = ["assignment_check"]

_REL_TOL = 1e-6  # relative tolerance of objective and bound checks


def assignment_check(
    instance: ReviewInstance | Mapping[str, Any] | str,
    result: Assignment | Mapping[str, Any] | str,
) -> dict[str, Any]:
    """Verify a reviewer assignment against its instance.

    Every proposal has exactly k distinct reviewers, all known, eligible and
    not conflicted; loads within [min_load, max_load]; objective and scores
    recomputed; in ``sum`` mode the dual certificate bounds every assignment
    by the objective (optimality); in randomized mode the marginals respect
    the cap, sum to k per proposal and keep the loads in bounds, the
    expected affinity matches the certificate, and the drawn pairs have
    positive probability. An ``infeasible`` result has its verifiable
    reasons rechecked.

    Parameters
    ----------
    instance : ReviewInstance, mapping or str
        The instance, as :class:`ReviewInstance`, plain data or JSON text.
    result : Assignment, mapping or str
        The result to check: an :class:`Assignment`, its ``to_dict()`` or
        its JSON text (it need not come from this engine).

    Returns
    -------
    dict
        ``{"ok", "violations", "feasible", "objective", "min_score",
        "optimal"}`` (and ``expected_objective`` in randomized mode).

    Raises
    ------
    ValueError
        When *result* has no ``assignment`` object.

    Notes
    -----
    O(E log E). Optimality is weak LP duality (:func:`dual_bound`); the
    capped LP is Jecmen, Zhang, Liu, Shah, Conitzer & Fang, NeurIPS 2020
    (doi:10.48550/arXiv.2006.16437).

    Examples
    --------
    >>> inst = {"proposals": [{"id": "p", "reviewers": 1}],
    ...         "reviewers": [{"id": "r", "max_load": 1}], "affinity": {"p": {"r": 1}}}
    >>> assignment_check(inst, {"assignment": {"p": ["x"]}})["violations"]
    ["assignment['p']: unknown reviewer id 'x'"]
    """
    inst = ReviewInstance.from_any(instance)
    if isinstance(result, Assignment):
        res = result.to_dict(explain=False)
    elif isinstance(result, (str, bytes)):
        res = load_json(result, "result")
    else:
        res = result
    if not isinstance(res, Mapping) or not isinstance(res.get("assignment"), Mapping):
        raise ValueError("result: expected an object with an 'assignment' object")
    v: list[str] = []
    infeasible = res.get("status") == "infeasible"
    report: dict[str, Any] = {
        "feasible": not infeasible,
        "objective": None,
        "min_score": None,
        "optimal": None,
    }
    if infeasible:
        v += _check_reasons(inst, res)
        return {"ok": not v, "violations": v, **report}
    chosen = _chosen_from(inst, res["assignment"], v)
    if chosen is None:
        return {"ok": False, "violations": v, **report}
    loads = np.bincount(inst.col[chosen], minlength=inst.n_reviewers)
    for r in np.flatnonzero((loads < inst.min_load) | (loads > inst.max_load)).tolist():
        v.append(
            f"loads[{inst.reviewer_ids[r]!r}]: {int(loads[r])} reviews, outside "
            f"[{int(inst.min_load[r])}, {int(inst.max_load[r])}]"
        )
    scores = np.bincount(inst.row[chosen], inst.aff[chosen], minlength=inst.n_proposals)
    objective = float(inst.aff[chosen].sum())
    report["objective"] = objective
    served = scores[inst.k > 0]
    report["min_score"] = float(served.min()) if len(served) else None
    tol = _REL_TOL * max(1.0, abs(objective))
    if "objective" in res and not _close(res["objective"], objective, tol):
        v.append(f"objective: reported {res['objective']!r}, recomputed {objective!r}")
    if isinstance(res.get("scores"), Mapping):
        for p, pid in enumerate(inst.proposal_ids):
            if not _close(res["scores"].get(pid), float(scores[p]), tol):
                v.append(f"scores[{pid!r}]: reported {res['scores'].get(pid)!r}, "
                         f"recomputed {float(scores[p])!r}")  # fmt: skip
                break
    mode = res.get("mode")
    cert = res.get("certificate") if isinstance(res.get("certificate"), Mapping) else {}
    if mode == "randomized":
        _check_marginals(inst, res, chosen, v, report)
    elif mode == "sum" and isinstance(cert.get("duals"), Mapping):
        y, q = _read_duals(inst, cert["duals"], v)
        if y is not None:
            bound = dual_bound(inst, y, q)
            report["optimal"] = bound - objective <= tol
            if not report["optimal"]:
                v.append(f"certificate: dual bound {bound!r} exceeds the objective {objective!r}")
    return {"ok": not v, "violations": v, **report}


def _close(reported: Any, value: float, tol: float) -> bool:
    return (
        isinstance(reported, (int, float))
        and not isinstance(reported, bool)
        and abs(reported - value) <= tol
    )


def _chosen_from(inst: ReviewInstance, table: Mapping, v: list[str]) -> np.ndarray | None:
    """The pair indices named by an assignment table (violations appended)."""
    r_index = dict(zip(inst.reviewer_ids, range(inst.n_reviewers), strict=True))
    known = set(inst.proposal_ids)
    for pid in table:
        if pid not in known:
            v.append(f"assignment: unknown proposal id {pid!r}")
    conflicts = {(int(p), int(r)) for p, r in inst.conflict_pairs.tolist()}
    picked = []
    for p, pid in enumerate(inst.proposal_ids):
        names = table.get(pid)
        if names is None:
            v.append(f"assignment[{pid!r}]: missing")
            continue
        if not isinstance(names, list) or not all(isinstance(x, str) for x in names):
            v.append(f"assignment[{pid!r}]: expected a list of reviewer ids")
            continue
        if len(set(names)) != len(names):
            v.append(f"assignment[{pid!r}]: a reviewer appears twice")
        if len(set(names)) != int(inst.k[p]):
            v.append(
                f"assignment[{pid!r}]: {len(set(names))} distinct reviewers, needs {int(inst.k[p])}"
            )
        for name in dict.fromkeys(names):
            r = r_index.get(name, -1)
            if r < 0:
                v.append(f"assignment[{pid!r}]: unknown reviewer id {name!r}")
                continue
            e = inst.pair_index(p, r)
            if e >= 0:
                picked.append(e)
            elif (p, r) in conflicts:
                v.append(f"assignment[{pid!r}]: {name!r} has a conflict with it")
            else:
                v.append(f"assignment[{pid!r}]: {name!r} is not eligible (not in affinity)")
    if v and not picked:
        return None
    return np.array(sorted(picked), dtype=np.int64)


def _read_duals(inst, duals: Mapping, v: list[str]):
    try:
        y = np.array([float(duals["proposals"][p]) for p in inst.proposal_ids])
        q = np.array([float(duals["reviewers"][r]) for r in inst.reviewer_ids])
    except (KeyError, TypeError, ValueError):
        v.append("certificate.duals: expected a number for every proposal and reviewer")
        return None, None
    return y, q


def _check_marginals(inst, res, chosen, v, report) -> None:
    cap = res.get("cap")
    table = res.get("marginals")
    if not isinstance(cap, (int, float)) or not isinstance(table, Mapping):
        v.append("randomized: expected 'cap' and 'marginals'")
        return
    x = np.zeros(inst.n_pairs)
    r_index = dict(zip(inst.reviewer_ids, range(inst.n_reviewers), strict=True))
    p_index = dict(zip(inst.proposal_ids, range(inst.n_proposals), strict=True))
    for pid, row in table.items():
        p = p_index.get(pid, -1)
        if p < 0 or not isinstance(row, Mapping):
            v.append(f"marginals: unknown proposal id {pid!r}")
            continue
        for rid, val in row.items():
            e = inst.pair_index(p, r_index.get(rid, 0)) if rid in r_index else -1
            if e < 0:
                v.append(f"marginals[{pid!r}][{rid!r}]: not an eligible, non-conflicted pair")
            elif not isinstance(val, (int, float)) or not 0 <= val <= cap + 1e-12:
                v.append(f"marginals[{pid!r}][{rid!r}]: {val!r} outside [0, cap {cap}]")
            else:
                x[e] = val
    sums = np.bincount(inst.row, x, minlength=inst.n_proposals)
    for p in np.flatnonzero(np.abs(sums - inst.k) > 1e-9).tolist():
        v.append(f"marginals[{inst.proposal_ids[p]!r}]: sum {sums[p]!r}, needs {int(inst.k[p])}")
    loads = np.bincount(inst.col, x, minlength=inst.n_reviewers)
    bad = (loads < inst.min_load - 1e-9) | (loads > inst.max_load + 1e-9)
    for r in np.flatnonzero(bad).tolist():
        v.append(
            f"marginals: expected load of {inst.reviewer_ids[r]!r} is {loads[r]!r}, out of bounds"
        )
    if len(chosen) and (x[chosen] <= 0).any():
        v.append("assignment: a drawn pair has probability 0")
    expected = float(inst.aff @ x)
    report["expected_objective"] = expected
    tol = _REL_TOL * max(1.0, abs(expected))
    if "expected_objective" in res and not _close(res["expected_objective"], expected, tol):
        v.append(
            f"expected_objective: reported {res['expected_objective']!r}, recomputed {expected!r}"
        )
    cert = res.get("certificate")
    if isinstance(cert, Mapping) and isinstance(cert.get("duals"), Mapping):
        y, q = _read_duals(inst, cert["duals"], v)
        if y is not None:
            bound = dual_bound(inst, y, q, cap=float(cap))
            report["optimal"] = bound - expected <= tol
            if not report["optimal"]:
                v.append(
                    f"certificate: dual bound {bound!r} exceeds the expected objective {expected!r}"
                )


def _check_reasons(inst: ReviewInstance, res: Mapping) -> list[str]:
    """Recheck the reasons of an infeasible result that carry a proof."""
    v: list[str] = []
    reasons = (res.get("explanations") or {}).get("infeasible") or []
    if not reasons:
        return ["explanations.infeasible: an infeasible result must give its reasons"]
    got = {json.dumps(x, sort_keys=True) for x in infeasibility(inst, cap=res.get("cap") or 1.0)}
    p_index = dict(zip(inst.proposal_ids, range(inst.n_proposals), strict=True))
    r_index = dict(zip(inst.reviewer_ids, range(inst.n_reviewers), strict=True))
    for x in reasons:
        if not isinstance(x, Mapping):
            v.append("explanations.infeasible: expected objects")
        elif x.get("reason") == "reviewers_short":
            sp = [p_index[p] for p in x.get("proposals", []) if p in p_index]
            sr = [r_index[r] for r in x.get("reviewers", []) if r in r_index]
            reach = np.zeros(inst.n_proposals + inst.n_reviewers, dtype=bool)
            reach[sp] = True
            reach[inst.n_proposals + np.array(sr, dtype=np.int64)] = True
            proof = hall_violation(inst, reach, float(res.get("cap") or 1.0))
            if not proof["needs"] > proof["capacity"] + 1e-9:
                v.append(f"explanations.infeasible: {x.get('message')!r} does not hold")
        elif (
            x.get("reason") != "min_loads_unsatisfiable"
            and json.dumps(x, sort_keys=True) not in got
        ):
            v.append(f"explanations.infeasible: {x.get('message')!r} does not hold")
    return v
