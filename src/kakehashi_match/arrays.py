"""Small array helpers shared by the engine's modules (no solver logic).

Compressed rows: a *ptr* array of length ``n + 1`` splits flat entry arrays
into ``n`` rows, row ``i`` being ``entries[ptr[i]:ptr[i + 1]]``.
"""

from __future__ import annotations

import numpy as np

__all__ = ["all_str", "argsort_int", "readonly", "row_owner"]


def readonly(a: np.ndarray) -> np.ndarray:
    """*a* as a C-contiguous array that cannot be written (a view if possible).

    O(1), or O(n) when *a* must be copied to be contiguous.

    >>> readonly(np.arange(3)).flags.writeable
    False
    """
    a = np.ascontiguousarray(a)
    a.setflags(write=False)
    return a


def all_str(items: list) -> bool:
    """True when every item is a ``str`` (a C-level loop over the types). O(n).

    >>> all_str(["a", "b"]), all_str(["a", 1])
    (True, False)
    """
    return set(map(type, items)) <= {str}


def row_owner(ptr: np.ndarray) -> np.ndarray:
    """The row of each entry of compressed rows *ptr* (int64). O(entries).

    >>> row_owner(np.array([0, 2, 2, 3])).tolist()
    [0, 0, 2]
    """
    return np.repeat(np.arange(len(ptr) - 1, dtype=np.int64), np.diff(ptr))


def argsort_int(keys: np.ndarray) -> np.ndarray:
    """``np.argsort(keys, kind="stable")`` for integer keys, about twice as
    fast on large arrays: when key and position fit in 63 bits together it
    sorts ``key * 2**b + position`` (a plain sort, vectorised) and keeps the
    positions. O(n log n).

    >>> argsort_int(np.array([3, 1, 2, 1])).tolist()
    [1, 3, 2, 0]
    """
    n = len(keys)
    if n < 2:
        return np.arange(n, dtype=np.int64)
    b = (n - 1).bit_length()
    if int(keys.min()) < 0 or int(keys.max()) >= 1 << (63 - b):
        return np.argsort(keys, kind="stable")
    packed = keys.astype(np.int64) << b
    packed |= np.arange(n, dtype=np.int64)
    packed.sort()
    packed &= (1 << b) - 1
    return packed
