"""Per-reviewer lists of pairs in one flat array, for the compiled kernels
of the reviewer assignment (:mod:`~kakehashi_match.flow`,
:mod:`~kakehashi_match.polish`): reviewer r's pairs are
``slots[slot_off[r]:slot_off[r] + slot_n[r]]``, with room reserved for as
many as it can ever hold, so adding is O(1) and removing is O(list) by
moving the last pair into the hole (order is not kept).

>>> import numpy as np
>>> off, slots, n = np.array([0, 2, 3]), np.zeros(3, dtype=np.int64), np.zeros(2, dtype=np.int64)
>>> slot_add(off, slots, n, 0, 7); slot_add(off, slots, n, 0, 8); slot_add(off, slots, n, 1, 9)
>>> slot_move(off, slots, n, 0, 7, -1)
>>> slots[: n[0]].tolist(), n.tolist()
([8], [1, 1])
"""

from __future__ import annotations

from numba import njit

__all__ = ["slot_add", "slot_move"]


@njit(cache=True, nogil=True)
def slot_add(slot_off, slots, slot_n, r, e):
    """List pair *e* among reviewer *r*'s pairs (its slots have room).

    Parameters
    ----------
    slot_off : ndarray of int64, shape (R + 1,)
        Where each reviewer's slots start.
    slots : ndarray of int64
        The pairs listed, reviewer after reviewer.
    slot_n : ndarray of int64, shape (R,)
        How many pairs each reviewer lists (incremented).
    r, e : int
        The reviewer and the pair.

    Notes
    -----
    O(1).

    Examples
    --------
    >>> import numpy as np
    >>> off, slots, n = np.array([0, 2]), np.zeros(2, dtype=np.int64), np.zeros(1, dtype=np.int64)
    >>> slot_add(off, slots, n, 0, 5)
    >>> slots[: n[0]].tolist()
    [5]
    """
    slots[slot_off[r] + slot_n[r]] = e
    slot_n[r] += 1


@njit(cache=True, nogil=True)
def slot_move(slot_off, slots, slot_n, r, e_out, e_in):
    """Replace pair *e_out* of reviewer *r* by *e_in*, or remove it when
    *e_in* is -1 (the last pair takes its place).

    Parameters
    ----------
    slot_off, slots, slot_n : ndarray of int64
        The lists (see :func:`slot_add`); changed in place.
    r : int
        The reviewer.
    e_out : int
        A pair the reviewer lists.
    e_in : int
        The pair that replaces it, or -1.

    Notes
    -----
    O(pairs of r).

    Examples
    --------
    >>> import numpy as np
    >>> off, slots, n = np.array([0, 2]), np.array([4, 6]), np.array([2])
    >>> slot_move(off, slots, n, 0, 4, 9)
    >>> slots.tolist()
    [9, 6]
    """
    for s in range(slot_off[r], slot_off[r] + slot_n[r]):
        if slots[s] == e_out:
            if e_in >= 0:
                slots[s] = e_in
            else:
                slots[s] = slots[slot_off[r] + slot_n[r] - 1]
                slot_n[r] -= 1
            return
    if e_in >= 0:  # pragma: no cover - e_out is always listed
        slot_add(slot_off, slots, slot_n, r, e_in)
