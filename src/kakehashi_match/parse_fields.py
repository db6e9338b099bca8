"""The small checks the instance parser is built from: sections that map
ids to entries, their ids, the keys and capacity of an entry, and the
duplicates and unknown names of compressed rows. Each raises ``ValueError``
naming where the input is wrong.

>>> students = object_field({"students": {"b": [], "a": []}}, "students", required=True)
>>> ids = sorted_ids(students, "students")
>>> ids, id_index(ids)
(('a', 'b'), {'a': 0, 'b': 1})
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from .arrays import all_str, argsort_int, row_owner

__all__ = [
    "UNLIMITED",
    "capacity",
    "check_duplicates",
    "checked_node",
    "id_index",
    "object_field",
    "sorted_ids",
    "unknown_pairs",
]

UNLIMITED = -1  # capacity meaning "no cap" in the arrays


def id_index(ids: tuple[str, ...]) -> dict[str, int]:
    """Each id's position in *ids*.

    Parameters
    ----------
    ids : tuple of str
        Distinct ids, in index order.

    Returns
    -------
    dict of str to int

    Notes
    -----
    O(n).

    Examples
    --------
    >>> id_index(("a", "b"))
    {'a': 0, 'b': 1}
    """
    return dict(zip(ids, range(len(ids)), strict=True))


def object_field(data: Mapping, key: str, required: bool = False) -> Mapping:
    """The section *key* of *data*: an object mapping ids to entries.

    Parameters
    ----------
    data : mapping
        The instance.
    key : str
        The section's name.
    required : bool, default False
        Whether a missing section is an error (else it is empty).

    Returns
    -------
    mapping

    Raises
    ------
    ValueError
        When the section is missing but required, or not an object.

    Notes
    -----
    O(1).

    Examples
    --------
    >>> object_field({}, "groups")
    {}
    >>> object_field({"groups": []}, "groups")
    Traceback (most recent call last):
    ValueError: groups: expected an object mapping ids to entries
    """
    v = data.get(key)
    if v is None:
        if required:
            raise ValueError(f"instance: missing required key {key!r}")
        return {}
    if not isinstance(v, Mapping):
        raise ValueError(f"{key}: expected an object mapping ids to entries")
    return v


def sorted_ids(obj: Mapping, where: str) -> tuple[str, ...]:
    """The ids of a section, sorted (the order of the input never matters).

    Parameters
    ----------
    obj : mapping
        The section (id -> entry).
    where : str
        The section's name, for the error message.

    Returns
    -------
    tuple of str

    Raises
    ------
    ValueError
        When an id is not a non-empty string.

    Notes
    -----
    O(n log n).

    Examples
    --------
    >>> sorted_ids({"b": 1, "a": 2}, "students")
    ('a', 'b')
    """
    ids = list(obj)
    if not all_str(ids) or "" in obj:  # common case checked in C
        for k in ids:
            if not isinstance(k, str) or not k:
                raise ValueError(f"{where}: ids must be non-empty strings, got {k!r}")
    return tuple(sorted(ids))


def checked_node(node: Any, where: str, allowed: set[str]) -> Mapping:
    """An entry checked to be an object whose keys are all *allowed*.

    Parameters
    ----------
    node : object
        The entry.
    where : str
        Where it is, for the error message.
    allowed : set of str
        The keys it may have.

    Returns
    -------
    mapping
        *node* itself.

    Raises
    ------
    ValueError
        When it is not an object or has an unknown key.

    Notes
    -----
    O(keys).

    Examples
    --------
    >>> checked_node({"capacity": 1, "size": 2}, "projects['p']", {"capacity"})
    Traceback (most recent call last):
    ValueError: projects['p']: unknown keys ['size']
    """
    if not isinstance(node, Mapping):
        raise ValueError(f"{where}: expected an object")
    if not node.keys() <= allowed:
        raise ValueError(f"{where}: unknown keys {sorted(set(node) - allowed)}")
    return node


def capacity(node: Mapping, where: str, required: bool) -> int:
    """The ``capacity`` of an entry.

    Parameters
    ----------
    node : mapping
        The entry.
    where : str
        Where it is, for the error message.
    required : bool
        Whether a missing capacity is an error (else :data:`UNLIMITED`).

    Returns
    -------
    int
        The capacity, or :data:`UNLIMITED` (-1).

    Raises
    ------
    ValueError
        When it is missing but required, or not a non-negative integer.

    Notes
    -----
    O(1).

    Examples
    --------
    >>> capacity({"capacity": 2}, "projects['p']", True), capacity({}, "organisations['o']", False)
    (2, -1)
    """
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


def unknown_pairs(ptr, found, owner_ids, names) -> list[tuple[str, str]]:
    """The entries of compressed rows whose lookup failed.

    Parameters
    ----------
    ptr : ndarray of int64, shape (n + 1,)
        Owner i's entries are ``ptr[i]:ptr[i + 1]``.
    found : ndarray of int
        The index found for each entry, -1 when unknown.
    owner_ids : sequence of str
        The owners' ids.
    names : sequence of str
        The names looked up, one per entry.

    Returns
    -------
    list of (str, str)
        (owner id, name) of every failed entry, sorted.

    Notes
    -----
    O(E log n).

    Examples
    --------
    >>> unknown_pairs(np.array([0, 1, 3]), np.array([0, -1, 2]), ("a", "b"), ["x", "y", "z"])
    [('b', 'y')]
    """
    bad = np.flatnonzero(found < 0)
    owners = np.searchsorted(ptr, bad, side="right") - 1
    return sorted({(owner_ids[o], names[b]) for o, b in zip(owners, bad, strict=True)})


def check_duplicates(ptr, items, owner_ids, item_ids, where, what, base=None, order=True):
    """Raise if an owner lists the same item twice.

    Parameters
    ----------
    ptr : ndarray of int64, shape (n + 1,)
        Owner i's items are ``items[ptr[i]:ptr[i + 1]]``.
    items : ndarray of int
        The items' indices.
    owner_ids, item_ids : sequence of str
        The ids, for the error message.
    where, what : str
        Where the rows are and what they list, for the error message.
    base : int, optional
        The number of distinct items (by default the largest item + 1).
    order : bool, default True
        Whether to return the order of the codes too.

    Returns
    -------
    (ndarray, ndarray or None) or None
        The sorted codes ``owner * base + item`` and, when *order*, their
        order (reused to look entries up by owner and item); without it the
        codes are only sorted, which is several times cheaper than the
        argsort. None when there are no items.

    Raises
    ------
    ValueError
        Naming up to ten owners that list an item twice.

    Notes
    -----
    O(E log E).

    Examples
    --------
    >>> ptr, items = np.array([0, 2]), np.array([1, 1])
    >>> check_duplicates(ptr, items, ("a",), ("x", "y"), "students", "project")
    Traceback (most recent call last):
    ValueError: students: project listed twice: 'a' lists 'y' twice
    """
    if len(items) == 0:
        return None
    owner = row_owner(ptr)
    b = int(items.max()) + 1 if base is None else base
    code = owner * b + items
    if order:
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
