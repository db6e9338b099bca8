"""The checker: capacities, acceptability and blocking pairs, plus the
per-choice explanation of every student's outcome. Vectorised, O(E log E).

A pair (student s, project p) *blocks* an assignment when s ranks p above
what s got, s is acceptable to p's host, and p's host would take s: going up
from the project, the first level (project, supervisor, organisation) that
is full without s holds someone the host ranks below s; if no level is full,
s gets in. This is the SPA-S stability of Abraham, Irving & Manlove 2007
(doi:10.1016/j.jda.2006.03.006) with the organisation level added.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .market import Market

__all__ = ["REASONS", "Audit", "audit"]

# reason codes for a choice the student ranked above the one obtained
OBTAINED = 0
NOT_RANKED = 1
PROJECT_FULL = 2
SUPERVISOR_FULL = 3
ORGANISATION_FULL = 4
GROUP_FULL = 5
BLOCKING = 9
REASONS = {
    OBTAINED: "obtained",
    NOT_RANKED: "not_ranked_by_host",
    PROJECT_FULL: "project_full",
    SUPERVISOR_FULL: "supervisor_full",
    ORGANISATION_FULL: "organisation_full",
    GROUP_FULL: "group_cap_reached",
    BLOCKING: "blocking_pair",
}


@dataclass(frozen=True, eq=False)
class Audit:
    """Arrays describing one assignment (all read-only)."""

    held: np.ndarray  # (S,) edge held or -1
    count_p: np.ndarray
    count_l: np.ndarray
    count_o: np.ndarray
    worst_p: np.ndarray  # (P,) edge of the lowest-ranked holder, -1 if empty
    worst_l: np.ndarray
    worst_o: np.ndarray  # the student the organisation would drop next
    over_p: np.ndarray  # indices of nodes over capacity
    over_l: np.ndarray
    over_o: np.ndarray
    unacceptable: np.ndarray  # students holding an edge the host did not rank
    reason: np.ndarray  # (E,) reason code for edges above the held one, -1 otherwise
    blocking: np.ndarray  # edges that block
    key_p: np.ndarray  # (E,) the priority compared at projects (-1 unacceptable)
    key_l: np.ndarray  # (E,) the priority compared at supervisors and organisations
    weak: bool = False  # keys are tie-group positions: equal keys mean a tie

    @property
    def valid(self) -> bool:
        return not (
            len(self.over_p) or len(self.over_l) or len(self.over_o) or len(self.unacceptable)
        )

    @property
    def stable(self) -> bool:
        return self.valid and len(self.blocking) == 0


def _worst(node: np.ndarray, key: np.ndarray, n: int) -> np.ndarray:
    """Per node, the index (into node/key) of the largest key, -1 if none."""
    out = np.full(n, -1, dtype=np.int64)
    if len(node):
        order = np.lexsort((key, node))
        sn = node[order]
        last = np.ones(len(sn), dtype=bool)
        last[:-1] = sn[1:] != sn[:-1]
        out[sn[last]] = order[last]
    return out


def _top2(group: np.ndarray, value: np.ndarray, n: int):
    """Per group: largest value, its index, second largest (-1 when absent)."""
    top1 = np.full(n, -1, dtype=np.int64)
    arg1 = np.full(n, -1, dtype=np.int64)
    top2 = np.full(n, -1, dtype=np.int64)
    if len(group):
        order = np.lexsort((value, group))
        g, v = group[order], value[order]
        last = np.ones(len(g), dtype=bool)
        last[:-1] = g[1:] != g[:-1]
        top1[g[last]] = v[last]
        arg1[g[last]] = order[last]
        idx = np.flatnonzero(last)
        prev = idx - 1
        ok = (prev >= 0) & (g[np.maximum(prev, 0)] == g[idx])
        top2[g[idx[ok]]] = v[prev[ok]]
    return top1, arg1, top2


def audit(market: Market, held: np.ndarray, extra_full=None, key=None) -> Audit:
    """Check *held* (edge per student, -1 unmatched) against *market*.

    Parameters
    ----------
    market : Market
        The compiled market.
    held : array of int
        The edge each student holds, -1 when unmatched.
    extra_full : array of bool, optional
        Per edge, True when a distributional group cap stops the student
        (flexible DA); such edges do not block.
    key : array or (array, array), optional
        Replaces the priority used for comparisons: one array for every
        level, or a pair ``(project_key, supervisor_key)``. Pass the tie-group
        positions (:func:`kakehashi_match.ties.weak_positions`) to test
        stability under the weak (tied) rankings; the audit is then marked
        ``weak`` and equal keys mean the host ranked the two students equally.

    Returns
    -------
    Audit
        Counts, cut-offs, capacity violations, unacceptable placements,
        blocking edges and the reason for every choice above the obtained one.

    Raises
    ------
    ValueError
        *held* of the wrong shape or naming edges off the students' lists.

    Notes
    -----
    Vectorised, O(E log E). SPA-S stability (Abraham, Irving & Manlove 2007,
    doi:10.1016/j.jda.2006.03.006) with the organisation level added.

    Examples
    --------
    >>> from kakehashi_match import Instance
    >>> from kakehashi_match.market import compile_market
    >>> import numpy as np
    >>> m = compile_market(Instance.from_dict({
    ...     "students": {"a": ["p"], "b": ["p"]},
    ...     "projects": {"p": {"capacity": 1, "ranking": ["b", "a"]}}}))
    >>> audit(m, np.array([0, -1])).blocking.tolist()  # b should have p
    [1]
    """
    held = np.asarray(held, dtype=np.int64)
    n_s = len(market.stu_ptr) - 1
    if held.shape != (n_s,):
        raise ValueError(f"held: expected shape ({n_s},), got {held.shape}")
    weak = key is not None
    if key is None:
        key = key_l = market.edge_key
    elif isinstance(key, tuple):
        key, key_l = (np.where(market.edge_key >= 0, x, -1) for x in key)
    else:
        key = key_l = np.where(market.edge_key >= 0, key, -1)
    eproj, estu = market.edge_proj, market.edge_stu
    psup, sorg = market.proj_sup, market.sup_org
    n_p, n_l, n_o = len(market.cap_p), len(market.cap_l), len(market.cap_o)
    m_stu = np.flatnonzero(held >= 0)
    m_edge = held[m_stu]
    bad = (
        (m_edge >= len(key)) | (estu[np.minimum(m_edge, len(key) - 1)] != m_stu)
        if len(key)
        else np.ones(len(m_edge), dtype=bool)
    )
    if bad.any():
        raise ValueError("held: edges that are not on the students' own lists")
    mp = eproj[m_edge]
    ml = psup[mp]
    mo = sorg[ml]
    cnt_p = np.bincount(mp, minlength=n_p)
    cnt_l = np.bincount(ml, minlength=n_l)
    cnt_o = np.bincount(mo, minlength=n_o)
    mk = key[m_edge]
    wp = _worst(mp, mk, n_p)
    wl = _worst(ml, key_l[m_edge], n_l)
    worst_p = np.where(wp >= 0, m_edge[wp], -1) if len(m_edge) else np.full(n_p, -1)
    worst_l = np.where(wl >= 0, m_edge[wl], -1) if len(m_edge) else np.full(n_l, -1)
    # the student an organisation would drop next (see below)
    base = market.turn_base
    skey = np.where(cnt_l > 0, (cnt_l - 1) * base + market.sup_turn, -1)
    top1, arg1, top2 = _top2(sorg, skey, n_o)
    # index -1 (an organisation without supervisors) reads the appended -1
    worst_o = np.append(worst_l, -1)[arg1]

    def over(cnt, cap):
        return np.flatnonzero((cap >= 0) & (cnt > cap))

    unacceptable = m_stu[mk < 0]

    # ---- choices above the obtained one
    ptr = market.stu_ptr
    held_full = np.where(held >= 0, held, ptr[1:])  # unmatched: every choice is "above"
    above = np.arange(len(key)) < held_full[estu]
    e = np.flatnonzero(above)
    s = estu[e]
    p = eproj[e]
    lv = psup[p]
    o = sorg[lv]
    k = key[e]
    hs = held[s]
    cur_l = np.where(hs >= 0, np.append(psup[eproj], -1)[hs], -1)
    cap_p, cap_l, cap_o = market.cap_p, market.cap_l, market.cap_o
    room_p = (cap_p[p] < 0) | (cnt_p[p] < cap_p[p])
    room_l = (cap_l[lv] < 0) | ((cnt_l[lv] - (cur_l == lv)) < cap_l[lv])
    # A student moving inside one supervisor changes no count above it; one
    # moving from another supervisor of the same organisation still holds that
    # place while the organisation chooses (contract stability of Hatfield &
    # Milgrom 2005, doi:10.1257/0002828054825466), so it is not subtracted.
    room_o = (cap_o[o] < 0) | ((cnt_o[o] - (cur_l == lv)) < cap_o[o])

    kx = np.append(key, -1)  # kx[-1] == -1: "no holder" is beaten by nobody
    kl, klx = key_l[e], np.append(key_l, -1)

    def beats(worst_edge):
        return k < kx[worst_edge]

    def beats_l(worst_edge):
        return kl < klx[worst_edge]

    reason = np.full(len(key), -1, dtype=np.int8)
    r = np.full(len(e), BLOCKING, dtype=np.int8)
    acc = k >= 0
    r[~acc] = NOT_RANKED
    stage_p = acc & ~room_p
    r[stage_p & ~beats(worst_p[p])] = PROJECT_FULL
    stage_l = acc & room_p & ~room_l
    r[stage_l & ~beats_l(worst_l[lv])] = SUPERVISOR_FULL
    # organisation full: it shares places round-robin among its supervisors,
    # dropping the worst student of the supervisor holding most (later turn
    # first). s is dropped iff its supervisor then is that one and s is its worst.
    stage_o = acc & room_p & room_l & ~room_o
    new_key = cnt_l[lv] * base + market.sup_turn[lv]
    other = np.where(arg1[o] == lv, top2[o], top1[o])
    dropped = (new_key > other) & ~beats_l(worst_l[lv])
    r[stage_o & dropped] = ORGANISATION_FULL
    if extra_full is not None:
        r[(r == BLOCKING) & np.asarray(extra_full)[e]] = GROUP_FULL
    reason[e] = r
    if len(m_edge):
        reason[m_edge] = OBTAINED
    reason.setflags(write=False)
    return Audit(
        held=held,
        count_p=cnt_p,
        count_l=cnt_l,
        count_o=cnt_o,
        worst_p=worst_p,
        worst_l=worst_l,
        worst_o=worst_o,
        over_p=over(cnt_p, cap_p),
        over_l=over(cnt_l, cap_l),
        over_o=over(cnt_o, cap_o),
        unacceptable=unacceptable,
        reason=reason,
        blocking=e[r == BLOCKING],
        key_p=key,
        key_l=key_l,
        weak=weak,
    )
