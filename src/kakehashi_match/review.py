"""The reviewer-assignment instance: proposals that each need k distinct
reviewers, reviewers with a minimum and a maximum load, affinities (a pair
absent from them is not eligible) and conflicts.

A :class:`ReviewInstance` is the validated, indexed form of the JSON format
documented in ``docs/match/assign.md``. Ids are indexed in sorted order, so
the order of JSON lists and keys never changes a result. The eligible,
non-conflicted pairs are kept as compressed rows (one row per proposal,
reviewers in index order) of read-only NumPy arrays; the solvers in
:mod:`kakehashi_match.assign` never touch per-pair Python objects.

Parsing is O(E log E) for E affinity entries, vectorised after one pass of
C-level iteration over the JSON objects.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from itertools import chain, pairwise, repeat
from typing import Any

import numpy as np

from .arrays import all_str, argsort_int, readonly, row_owner
from .document import JsonDocument, check_top_level, document_fields

__all__ = ["ReviewInstance"]

_TOP_KEYS = {"proposals", "reviewers", "affinity", "conflicts", "meta"}
_PROPOSAL_KEYS = {"id", "reviewers", "meta"}
_REVIEWER_KEYS = {"id", "max_load", "min_load", "meta"}


@dataclass(frozen=True, eq=False)
class ReviewInstance(JsonDocument):
    """A validated reviewer-assignment instance (arrays read-only).

    >>> inst = ReviewInstance.from_dict({
    ...     "proposals": [{"id": "p1", "reviewers": 1}],
    ...     "reviewers": [{"id": "r1", "max_load": 1}, {"id": "r2", "max_load": 1}],
    ...     "affinity": {"p1": {"r1": 0.5, "r2": 0.9}},
    ...     "conflicts": [["p1", "r2"]],
    ... })
    >>> inst.n_proposals, inst.n_reviewers, inst.n_pairs, inst.n_conflicted
    (1, 2, 1, 1)
    """

    proposal_ids: tuple[str, ...]
    reviewer_ids: tuple[str, ...]
    k: np.ndarray  # (P,) int64 reviewers each proposal needs
    min_load: np.ndarray  # (R,) int64
    max_load: np.ndarray  # (R,) int64
    ptr: np.ndarray  # (P+1,) int64: proposal p's pairs are ptr[p]:ptr[p+1]
    col: np.ndarray  # (E,) int32 reviewer of each eligible, non-conflicted pair
    aff: np.ndarray  # (E,) float64 affinity of each pair
    n_eligible: np.ndarray  # (P,) int64 reviewers in the proposal's affinity row
    conflict_pairs: np.ndarray  # (C, 2) int64 (proposal, reviewer), sorted, unique
    conflict_eligible: np.ndarray  # (P,) int64 eligible pairs removed by a conflict

    @property
    def n_proposals(self) -> int:
        return len(self.proposal_ids)

    @property
    def n_reviewers(self) -> int:
        return len(self.reviewer_ids)

    @property
    def n_pairs(self) -> int:
        """Eligible, non-conflicted pairs (the edges a solver may use)."""
        return len(self.col)

    @property
    def n_conflicted(self) -> int:
        """Eligible pairs removed because of a conflict."""
        return int(self.conflict_eligible.sum())

    @property
    def row(self) -> np.ndarray:
        """The proposal of each pair (int64, cached)."""
        if "row" not in self._cache:
            self._cache["row"] = readonly(row_owner(self.ptr))
        return self._cache["row"]

    @property
    def input_hash(self) -> str:
        """``sha256:`` + SHA-256 of the validated content (ids, needs, loads,
        pairs with their affinities as IEEE doubles, conflicts, meta): equal
        for two inputs that differ only in the order of lists and keys. O(E)."""
        if "hash" not in self._cache:
            h = hashlib.sha256()
            head = [self.proposal_ids, self.reviewer_ids, self.meta]
            h.update(json.dumps(head, sort_keys=True, ensure_ascii=False).encode())
            for a in (self.k, self.min_load, self.max_load, self.ptr, self.col, self.aff):
                h.update(np.ascontiguousarray(a).astype(a.dtype.newbyteorder("<")).tobytes())
            h.update(self.conflict_pairs.astype("<i8").tobytes())
            self._cache["hash"] = "sha256:" + h.hexdigest()
        return self._cache["hash"]

    def pair_index(self, p: int, r: int) -> int:
        """The pair (edge) index of proposal *p* and reviewer *r*, -1 when
        the pair is not eligible or conflicted. O(log row length)."""
        lo, hi = int(self.ptr[p]), int(self.ptr[p + 1])
        i = lo + int(np.searchsorted(self.col[lo:hi], r))
        return i if i < hi and int(self.col[i]) == r else -1

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ReviewInstance:
        """Validate and index plain data (never mutated); an instance is
        returned as it is.

        Raises ``ValueError`` naming the field on: unknown keys, missing or
        duplicate ids, unknown ids in ``affinity`` or ``conflicts``, a
        negative or non-integer need or load, ``min_load`` above
        ``max_load``, a non-finite or non-numeric affinity, a proposal
        needing more reviewers than it has eligible ones.

        >>> ReviewInstance.from_dict({"proposals": [{"id": "p", "reviewers": 2}],
        ...     "reviewers": [{"id": "r", "max_load": 1}], "affinity": {"p": {"r": 1}}})
        ... # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ValueError: proposals[0] ('p').reviewers: needs 2 reviewers but only 1 is eligible ...
        """
        if isinstance(data, ReviewInstance):
            return data
        return cls(**_fields(data))


def _fields(data: Mapping[str, Any]) -> dict[str, Any]:
    check_top_level(data, _TOP_KEYS)
    for key in ("proposals", "reviewers", "affinity"):
        if key not in data:
            raise ValueError(f"instance: missing required key {key!r}")
    props = _entries(data["proposals"], "proposals", _PROPOSAL_KEYS)
    revs = _entries(data["reviewers"], "reviewers", _REVIEWER_KEYS)
    p_ids, p_order = _sorted_ids(props, "proposals")
    r_ids, r_order = _sorted_ids(revs, "reviewers")
    p_index = dict(zip(p_ids, range(len(p_ids)), strict=True))
    r_index = dict(zip(r_ids, range(len(r_ids)), strict=True))

    k = np.array([_int(props[i], "reviewers", f"proposals[{i}]", None) for i in p_order])
    k = k.astype(np.int64).reshape(-1)
    max_load = np.empty(len(r_ids), dtype=np.int64)
    min_load = np.empty(len(r_ids), dtype=np.int64)
    for j, i in enumerate(r_order):
        where = f"reviewers[{i}]"
        max_load[j] = _int(revs[i], "max_load", where, None)
        min_load[j] = _int(revs[i], "min_load", where, 0)
        if min_load[j] > max_load[j]:
            raise ValueError(
                f"{where} ({r_ids[j]!r}).min_load: {min_load[j]} is above max_load {max_load[j]}"
            )

    ptr, col, aff = _affinity(data["affinity"], p_ids, p_index, r_ids, r_index)
    n_eligible = np.diff(ptr)
    short = np.flatnonzero(k > n_eligible)
    if len(short):
        p = int(short[0])
        n = int(n_eligible[p])
        raise ValueError(
            f"proposals[{int(p_order[p])}] ({p_ids[p]!r}).reviewers: needs {int(k[p])} "
            f"reviewers but only {n} {'is' if n == 1 else 'are'} eligible (in affinity)"
            + (f"; {len(short) - 1} more proposals too" if len(short) > 1 else "")
        )
    pairs = _conflicts(data.get("conflicts"), p_index, r_index, len(r_ids))
    keep = np.ones(len(col), dtype=bool)
    conflict_eligible = np.zeros(len(p_ids), dtype=np.int64)
    if len(pairs) and len(col):
        code = row_owner(ptr) * len(r_ids) + col  # sorted: rows, then reviewers
        ccode = pairs[:, 0] * len(r_ids) + pairs[:, 1]
        at = np.searchsorted(code, ccode)
        hit = at < len(code)
        hit[hit] = code[at[hit]] == ccode[hit]
        keep[at[hit]] = False
        np.add.at(conflict_eligible, pairs[hit, 0], 1)
        ptr = np.zeros_like(ptr)
        np.cumsum(n_eligible - conflict_eligible, out=ptr[1:])
        col, aff = col[keep], aff[keep]
    arrays = {
        "k": k,
        "min_load": min_load,
        "max_load": max_load,
        "ptr": ptr,
        "col": col,
        "aff": aff,
        "n_eligible": n_eligible,
        "conflict_pairs": pairs,
        "conflict_eligible": conflict_eligible,
    }
    return document_fields(data, arrays, proposal_ids=p_ids, reviewer_ids=r_ids)


def _entries(v: Any, key: str, allowed: set[str]) -> list[Mapping]:
    if not isinstance(v, list):
        raise ValueError(f"{key}: expected a list of objects")
    for i, node in enumerate(v):
        if not isinstance(node, Mapping):
            raise ValueError(f"{key}[{i}]: expected an object, got {node!r:.60}")
        bad = sorted(set(node) - allowed)
        if bad:
            raise ValueError(f"{key}[{i}]: unknown keys {bad}")
        if "id" not in node:
            raise ValueError(f"{key}[{i}].id: missing")
        if not isinstance(node["id"], str) or not node["id"]:
            raise ValueError(f"{key}[{i}].id: expected a non-empty string, got {node['id']!r}")
    return v


def _sorted_ids(nodes: list[Mapping], key: str) -> tuple[tuple[str, ...], np.ndarray]:
    """Ids in sorted order and, for each, its position in the input list."""
    ids = [n["id"] for n in nodes]
    order = sorted(range(len(ids)), key=ids.__getitem__)
    out = tuple(ids[i] for i in order)
    for a, b in pairwise(order):
        if ids[a] == ids[b]:
            raise ValueError(
                f"{key}[{max(a, b)}].id: duplicate id {ids[a]!r} (also {key}[{min(a, b)}])"
            )
    return out, np.array(order, dtype=np.int64)


def _int(node: Mapping, name: str, where: str, default: int | None) -> int:
    if node.get(name) is None:
        if default is None:
            raise ValueError(f"{where} ({node['id']!r}).{name}: missing")
        return default
    v = node[name]
    if isinstance(v, bool) or not isinstance(v, int):
        raise ValueError(f"{where} ({node['id']!r}).{name}: expected an integer, got {v!r}")
    if v < 0:
        raise ValueError(f"{where} ({node['id']!r}).{name}: negative value {v}")
    if v > 2**40:
        raise ValueError(f"{where} ({node['id']!r}).{name}: {v} is too large")
    return v


def _affinity(table: Any, p_ids, p_index, r_ids, r_index):
    """Compressed rows (ptr, col, aff) of the affinity table, reviewers in
    index order within each row."""
    if not isinstance(table, Mapping):
        raise ValueError("affinity: expected an object mapping proposal ids to objects")
    unknown = [pid for pid in table if pid not in p_index]
    if unknown:
        raise ValueError(f"affinity: unknown proposal ids {sorted(map(str, unknown))[:10]}")
    rows = [table.get(pid, {}) for pid in p_ids]
    if not set(map(type, rows)) <= {dict}:
        for pid, row in zip(p_ids, rows, strict=True):
            if not isinstance(row, Mapping):
                raise ValueError(
                    f"affinity[{pid!r}]: expected an object mapping reviewer ids to numbers"
                )
        rows = [dict(row) for row in rows]
    lengths = np.fromiter(map(len, rows), dtype=np.int64, count=len(rows))
    n = int(lengths.sum())
    keys = list(chain.from_iterable(rows))
    vals = list(chain.from_iterable(map(dict.values, rows)))
    ptr = np.zeros(len(rows) + 1, dtype=np.int64)
    np.cumsum(lengths, out=ptr[1:])
    col = np.fromiter(map(r_index.get, keys, repeat(-1, n)), dtype=np.int64, count=n)
    if n and col.min() < 0:
        bad = np.flatnonzero(col < 0)
        owner = np.searchsorted(ptr, bad, side="right") - 1
        names = sorted({(p_ids[o], keys[b]) for o, b in zip(owner[:10], bad[:10], strict=True)})
        raise ValueError(
            "affinity: unknown reviewer ids "
            + ", ".join(f"{r!r} (in affinity[{p!r}])" for p, r in names)
        )
    if not set(map(type, vals)) <= {float, int}:
        for i, v in enumerate(vals):
            if isinstance(v, bool) or not isinstance(v, (int, float)):
                p = int(np.searchsorted(ptr, i, side="right") - 1)
                raise ValueError(
                    f"affinity[{p_ids[p]!r}][{keys[i]!r}]: expected a number, got {v!r:.40}"
                )
    try:
        aff = np.array(vals, dtype=np.float64) if n else np.zeros(0)
    except OverflowError:
        aff = np.array([float("inf") if abs(v) > 1e308 else v for v in vals], dtype=np.float64)
    if not np.isfinite(aff).all():
        i = int(np.flatnonzero(~np.isfinite(aff))[0])
        p = int(np.searchsorted(ptr, i, side="right") - 1)
        raise ValueError(
            f"affinity[{p_ids[p]!r}][{keys[i]!r}]: expected a finite number, got {vals[i]!r}"
        )
    # reviewers in index order within each row (JSON objects cannot repeat a key)
    order = argsort_int(row_owner(ptr) * max(len(r_ids), 1) + col)
    return ptr, col[order].astype(np.int32), aff[order]


def _conflicts(v: Any, p_index, r_index, n_reviewers: int) -> np.ndarray:
    if v is None:
        return np.zeros((0, 2), dtype=np.int64)
    if not isinstance(v, list):
        raise ValueError("conflicts: expected a list of [proposal id, reviewer id] pairs")
    out = np.empty((len(v), 2), dtype=np.int64)
    for i, pair in enumerate(v):
        if not isinstance(pair, list) or len(pair) != 2 or not all_str(pair):
            raise ValueError(
                f"conflicts[{i}]: expected [proposal id, reviewer id], got {pair!r:.60}"
            )
        p, r = p_index.get(pair[0], -1), r_index.get(pair[1], -1)
        if p < 0:
            raise ValueError(f"conflicts[{i}]: unknown proposal id {pair[0]!r}")
        if r < 0:
            raise ValueError(f"conflicts[{i}]: unknown reviewer id {pair[1]!r}")
        out[i] = p, r
    code = np.unique(out[:, 0] * n_reviewers + out[:, 1]) if len(v) else np.zeros(0, np.int64)
    return np.stack([code // max(n_reviewers, 1), code % max(n_reviewers, 1)], axis=1)
