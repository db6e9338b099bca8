"""Compiled (numba) local search of fair mode
(:func:`~kakehashi_match.assign.assign`, ``mode="fair"``): moves between
reviewers that raise the worst-served proposal's score, then the total.

>>> import numpy as np
>>> ptr, col = np.array([0, 1]), np.array([0], dtype=np.int32)
>>> one = np.ones(1, dtype=np.int64)
>>> fair_polish(ptr, col, np.array([0.5]), np.array([1], dtype=np.int8), one, 0 * one, one, 5)
array([1], dtype=int8)
"""

from __future__ import annotations

import numpy as np
from numba import njit

from .slots import slot_add, slot_move

__all__ = ["fair_polish"]


@njit(cache=True, nogil=True)
def _find(col, lo, hi, r):
    """Index of reviewer r in the sorted col[lo:hi], -1 if absent."""
    while lo < hi:
        mid = (lo + hi) >> 1
        if col[mid] < r:
            lo = mid + 1
        else:
            hi = mid
    return lo if lo < len(col) and col[lo] == r else -1


@njit(cache=True, nogil=True)
def _search_state(ptr, col, w, chosen, hi):
    """The bookkeeping of the local search on the 0/1 assignment *chosen*:
    ``(owner, score, load, slot_off, slots, slot_n)``, the proposal of each
    pair, the score of each proposal, the load of each reviewer, and per
    reviewer r its chosen pairs ``slots[slot_off[r]:slot_off[r] + slot_n[r]]``
    (room for as many as it can ever hold)."""
    P = len(ptr) - 1
    R = len(hi)
    E = len(col)
    owner = np.empty(E, dtype=np.int64)
    score = np.zeros(P)
    load = np.zeros(R, dtype=np.int64)
    deg = np.zeros(R, dtype=np.int64)
    for p in range(P):
        for e in range(ptr[p], ptr[p + 1]):
            owner[e] = p
            deg[col[e]] += 1
            if chosen[e]:
                score[p] += w[e]
                load[col[e]] += 1
    slot_off = np.zeros(R + 1, dtype=np.int64)
    for r in range(R):
        slot_off[r + 1] = slot_off[r] + max(load[r], min(deg[r], hi[r]))
    slots = np.empty(slot_off[R], dtype=np.int64)
    slot_n = np.zeros(R, dtype=np.int64)
    for e in range(E):
        if chosen[e]:
            slot_add(slot_off, slots, slot_n, col[e], e)
    return owner, score, load, slot_off, slots, slot_n


@njit(cache=True, nogil=True)
def _best_move(p, ptr, col, w, chosen, lo, hi, state, floor, strict, need_gain):
    """The best move for proposal p: replace one of its reviewers r by an
    unassigned eligible r2 with a higher affinity, either free capacity
    (r2 below its max, r above its min) or swapped with a proposal q that
    holds r2 and takes r. Every changed score must stay above *floor*
    (strictly when *strict*). Moves are ranked by the lowest changed score
    (when not need_gain) or by the total gain. *state* is the bookkeeping
    of ``_search_state``. Returns (e1, e2, e3, e4) pairs (-1 for unused) of
    the best move, all -1 if none."""
    owner, score, load, slot_off, slots, slot_n = state
    best_key = -np.inf
    best_gain = -np.inf
    b1 = -1
    b2 = -1
    b3 = -1
    b4 = -1
    sp = score[p]
    eps = 1e-12 * (1.0 + abs(floor))
    for e1 in range(ptr[p], ptr[p + 1]):
        if chosen[e1] == 0:
            continue
        r = col[e1]
        for e2 in range(ptr[p], ptr[p + 1]):
            if chosen[e2] != 0 or w[e2] <= w[e1]:
                continue
            r2 = col[e2]
            new_p = sp - w[e1] + w[e2]
            if strict and new_p <= floor + eps:
                continue
            if load[r2] < hi[r2] and load[r] > lo[r]:
                gain = w[e2] - w[e1]
                key = gain if need_gain else new_p
                if key > best_key or (key == best_key and gain > best_gain):
                    best_key, best_gain = key, gain
                    b1, b2, b3, b4 = e1, e2, -1, -1
            for s in range(slot_off[r2], slot_off[r2] + slot_n[r2]):
                e3 = slots[s]
                q = owner[e3]
                if q == p:
                    continue
                e4 = _find(col, ptr[q], ptr[q + 1], r)
                if e4 < 0 or chosen[e4] != 0:
                    continue
                new_q = score[q] - w[e3] + w[e4]
                if strict:
                    if new_q <= floor + eps:
                        continue
                elif new_q < floor - eps:
                    continue
                gain = w[e2] - w[e1] + w[e4] - w[e3]
                if need_gain and gain <= eps:
                    continue
                key = gain if need_gain else min(new_p, new_q)
                if key > best_key or (key == best_key and gain > best_gain):
                    best_key, best_gain = key, gain
                    b1, b2, b3, b4 = e1, e2, e3, e4
    return b1, b2, b3, b4


@njit(cache=True, nogil=True)
def _apply(e1, e2, e3, e4, col, w, chosen, state):
    owner, score, load, slot_off, slots, slot_n = state
    p = owner[e1]
    r = col[e1]
    r2 = col[e2]
    chosen[e1] = 0
    chosen[e2] = 1
    score[p] += w[e2] - w[e1]
    if e3 < 0:
        load[r] -= 1
        load[r2] += 1
        slot_move(slot_off, slots, slot_n, r, e1, -1)
        slot_add(slot_off, slots, slot_n, r2, e2)
    else:
        q = owner[e3]
        chosen[e3] = 0
        chosen[e4] = 1
        score[q] += w[e4] - w[e3]
        slot_move(slot_off, slots, slot_n, r, e1, e4)
        slot_move(slot_off, slots, slot_n, r2, e3, e2)


@njit(cache=True, nogil=True)
def _improve(p, ptr, col, w, chosen, lo, hi, state, floor, strict, need_gain):
    """Make the best move for proposal p (see ``_best_move``); False when
    there is none."""
    e1, e2, e3, e4 = _best_move(p, ptr, col, w, chosen, lo, hi, state, floor, strict, need_gain)
    if e1 < 0:
        return False
    _apply(e1, e2, e3, e4, col, w, chosen, state)
    return True


@njit(cache=True, nogil=True)
def fair_polish(ptr, col, w, chosen, k, lo, hi, max_moves):
    """Local search that raises the worst proposal's score, then the total.

    First raise the lowest proposal score while any move of a worst
    proposal lifts it (every score it changes ends above the old minimum),
    then raise the total by moves that keep every score at or above that
    minimum. Moves: replace a reviewer by a better one with free capacity,
    or swap with another proposal (see ``_best_move``).

    Parameters
    ----------
    ptr : ndarray of int64, shape (P + 1,)
        Proposal p's pairs are ``ptr[p]:ptr[p + 1]``.
    col : ndarray of int32, shape (E,)
        The reviewer of each pair, increasing within a proposal.
    w : ndarray of float64, shape (E,)
        The affinity of each pair.
    chosen : ndarray of int8, shape (E,)
        A feasible 0/1 assignment, changed in place and returned.
    k : ndarray of int64, shape (P,)
        The reviewers each proposal needs.
    lo, hi : ndarray of int64, shape (R,)
        Each reviewer's minimum and maximum load (kept).
    max_moves : int
        The most moves made.

    Returns
    -------
    ndarray of int8, shape (E,)
        *chosen*, improved.

    Notes
    -----
    O(max_moves · E) in the worst case. A heuristic for the max-min
    (NP-hard) objective, in the spirit of FairFlow (Kobren, Saha &
    McCallum, KDD 2019, doi:10.1145/3292500.3330899).

    Examples
    --------
    >>> import numpy as np
    >>> ptr, col = np.array([0, 2, 4]), np.array([0, 1, 0, 1], dtype=np.int32)
    >>> w = np.array([0.9, 0.8, 0.7, 0.1])
    >>> one = np.ones(2, dtype=np.int64)
    >>> chosen = np.array([1, 0, 0, 1], dtype=np.int8)  # scores 0.9 and 0.1
    >>> fair_polish(ptr, col, w, chosen, one, 0 * one, one, 10).tolist()  # 0.8 and 0.7
    [0, 1, 1, 0]
    """
    P = len(ptr) - 1
    state = _search_state(ptr, col, w, chosen, hi)
    score = state[1]
    moves = 0
    floor = 0.0
    # phase 1: lift the worst proposal while possible
    while moves < max_moves and P > 0:
        p = -1
        for i in range(P):
            if k[i] > 0 and (p < 0 or score[i] < score[p]):
                p = i
        if p < 0:
            break
        floor = score[p]
        if not _improve(p, ptr, col, w, chosen, lo, hi, state, floor, True, False):
            break
        moves += 1
    if P > 0:
        floor = np.inf
        for i in range(P):
            if k[i] > 0 and score[i] < floor:
                floor = score[i]
    # phase 2: raise the total, keeping every score >= floor
    improved = True
    while improved and moves < max_moves:
        improved = False
        for p in range(P):
            if _improve(p, ptr, col, w, chosen, lo, hi, state, floor, False, True):
                moves += 1
                improved = True
                if moves >= max_moves:
                    break
    return chosen
