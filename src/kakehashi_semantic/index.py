"""Exact top-k vector search in NumPy, behind an index interface.

:class:`VectorIndex` is what the rest of the engine (and the web project) relies on; a
pgvector or FAISS backend implements the same ``search``. Filters are applied *before*
ranking: rows that fail the filter are never scored, so a filtered query still
returns ``k`` results when ``k`` rows pass.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

import numpy as np

from ._quant import Int8Rows

__all__ = [
    "QUANTISE_MIN",
    "Calibration",
    "Hit",
    "NumpyIndex",
    "VectorIndex",
    "filter_mask",
    "top_k",
]

#: Pools of at least this many rows get the int8 prefilter by default (below it the
#: float32 scan takes well under a millisecond and numba would only add load time).
QUANTISE_MIN = 20_000

Where = Mapping[str, Any] | Callable[[Mapping[str, Any]], bool]


@dataclass(frozen=True, order=True)
class Hit:
    """One search result: pool item ``id`` with its ``score`` (higher is better)."""

    rank: int
    id: Hashable
    score: float


@dataclass(frozen=True, eq=False)
class Calibration:
    """Per-group increasing affine map of scores: ``(s - mu[g]) * inv[g]``, ``inv > 0``.

    ``codes[i]`` is row ``i``'s group. :meth:`apply` computes it in float32 the same
    way for a whole score vector or for a subset of rows, so the int8 path and the
    full scan give identical scores.
    """

    codes: np.ndarray
    mu: np.ndarray
    inv: np.ndarray

    def apply(self, s: np.ndarray, rows: np.ndarray | None) -> np.ndarray:
        """Calibrated float32 scores ``s`` of ``rows`` (``None``: all rows, in order)."""
        if len(self.mu) == 1:
            return (s - np.float32(self.mu[0])) * np.float32(self.inv[0])
        codes = self.codes if rows is None else self.codes[rows]
        inv32 = self.inv.astype(np.float32)
        shift32 = (self.mu * self.inv).astype(np.float32)
        return s * inv32[codes] - shift32[codes]


@runtime_checkable
class VectorIndex(Protocol):
    """Interface of a vector index (exact NumPy here; pgvector / FAISS later)."""

    def __len__(self) -> int: ...

    def search(
        self,
        queries: np.ndarray,
        k: int = 10,
        *,
        mask: np.ndarray | None = None,
        where: Where | None = None,
    ) -> list[list[Hit]]: ...


def check_k(k: int) -> None:
    """Check *k*, a number of results to return: ``ValueError`` unless a positive int.

    >>> check_k(0)
    Traceback (most recent call last):
    ValueError: k must be a positive int, got 0
    """
    if not isinstance(k, int) or k < 1:
        raise ValueError(f"k must be a positive int, got {k!r}")


def top_k(scores: np.ndarray, k: int) -> np.ndarray:
    """Indices of the ``k`` largest ``scores``, best first; ties broken by lower index.

    O(n + k log k) with ``argpartition``.

    >>> top_k(np.array([0.1, 0.9, 0.5, 0.9]), 2).tolist()
    [1, 3]
    """
    n = scores.shape[0]
    k = min(k, n)
    if k <= 0:
        return np.zeros(0, np.int64)
    if k < n:
        part = np.argpartition(-scores, k - 1)[:k]
        # include every tie at the cut-off so the tie-break stays by index
        cut = scores[part].min()
        part = np.flatnonzero(scores >= cut)
    else:
        part = np.arange(n)
    order = np.lexsort((part, -scores[part]))
    return part[order][:k]


def _hits(ids: Sequence[Hashable], rows: np.ndarray, scores: np.ndarray) -> list[Hit]:
    return [Hit(r + 1, ids[i], float(scores[r])) for r, i in enumerate(rows)]


def filter_mask(metadata: Sequence[Mapping[str, Any]], where: Where) -> np.ndarray:
    """Boolean mask of the metadata rows that satisfy ``where``.

    ``where`` is a predicate ``f(row) -> bool`` or a mapping of field to condition: a
    scalar (equality), a set/list/tuple/frozenset (membership; for a row value that is
    itself a collection, any overlap), or a callable on the field value. A missing
    field fails the condition. O(n * conditions).

    >>> rows = [{"call": "A", "langs": ["en"]}, {"call": "B", "langs": ["ja", "en"]}]
    >>> filter_mask(rows, {"langs": {"ja"}}).tolist()
    [False, True]
    """
    n = len(metadata)
    if callable(where):
        return np.fromiter((bool(where(m)) for m in metadata), dtype=bool, count=n)
    if not isinstance(where, Mapping):
        raise ValueError(f"where must be a mapping or a callable, got {type(where).__name__}")
    mask = np.ones(n, dtype=bool)
    missing = object()
    for field, cond in where.items():
        for i, m in enumerate(metadata):
            if not mask[i]:
                continue
            v = m.get(field, missing)
            if v is missing:
                ok = False
            elif callable(cond):
                ok = bool(cond(v))
            elif isinstance(cond, set | frozenset | list | tuple):
                if isinstance(v, set | frozenset | list | tuple):
                    ok = any(x in cond for x in v)
                else:
                    ok = v in cond
            else:
                ok = v == cond
            mask[i] = ok
    return mask


class NumpyIndex:
    """Exact cosine top-k over unit vectors held in one float32 matrix.

    ``ids`` must be unique; ``vectors`` is ``(n, d)`` (copied, inputs never mutated);
    ``metadata`` is one mapping per row for filtering. Search costs O(n * d) per query
    (rows failing the filter are never returned). With ``quantise`` (default: pools of
    at least :data:`QUANTISE_MIN` rows) a pass over an int8 copy of the rows with a
    proven error bound picks the only rows that can be in the top k, which are then
    scored exactly in float32: the same top-k as the full float32 scan, about 3 ms
    instead of 7–10 ms for 100,000 × 384 on one core of this machine
    (``kakehashi_semantic._quant``; benchmarks/semantic/bench_latency.py).

    >>> idx = NumpyIndex(["a", "b"], np.eye(2, dtype=np.float32))
    >>> [h.id for h in idx.search(np.array([[0.0, 1.0]]), k=1)[0]]
    ['b']
    """

    def __init__(
        self,
        ids: Sequence[Hashable],
        vectors: np.ndarray,
        metadata: Sequence[Mapping[str, Any]] | None = None,
        *,
        quantise: bool | None = None,
    ) -> None:
        ids = list(ids)
        v = np.asarray(vectors)
        if v.ndim != 2:
            raise ValueError(f"vectors must be a 2-D array, got shape {v.shape}")
        if v.shape[0] != len(ids):
            raise ValueError(f"ids has {len(ids)} items but vectors has {v.shape[0]} rows")
        if len(set(ids)) != len(ids):
            raise ValueError("ids must be unique")
        if not np.all(np.isfinite(v)):
            raise ValueError("vectors must be finite")
        if metadata is not None and len(metadata) != len(ids):
            raise ValueError(f"metadata has {len(metadata)} rows, expected {len(ids)}")
        if quantise is not None and not isinstance(quantise, bool):
            raise ValueError(f"quantise must be a bool or None, got {quantise!r}")
        self.ids = tuple(ids)
        # Row-major, so the exact re-scoring of a shortlist reads whole rows.
        self.vectors = np.array(v, dtype=np.float32, order="C", copy=True)
        self.vectors.setflags(write=False)
        self.metadata = tuple(dict(m) for m in metadata) if metadata is not None else None
        self.dim = int(v.shape[1])
        if quantise is None:
            quantise = len(ids) >= QUANTISE_MIN
        self.quantised = Int8Rows(self.vectors) if quantise and len(ids) else None
        if self.quantised is not None:
            # load the compiled prefilter now (~1 s once per process), not at the first query
            self.quantised.candidates(self.vectors[0], 1)

    def __len__(self) -> int:
        return len(self.ids)

    def row_mask(self, mask: np.ndarray | None, where: Where | None) -> np.ndarray | None:
        """The rows a search may return: *mask* (a boolean array, one per row) and
        *where* (a filter on the metadata, see :func:`filter_mask`) combined; None
        when neither is given. ``ValueError`` on a mask of the wrong shape, or a
        *where* on an index without metadata. O(n).

        >>> idx = NumpyIndex([1, 2], np.eye(2), metadata=[{"lang": "en"}, {"lang": "ja"}])
        >>> idx.row_mask(np.array([True, True]), {"lang": "ja"}).tolist()
        [False, True]
        """
        out = None
        if mask is not None:
            m = np.asarray(mask)
            if m.dtype != bool or m.shape != (len(self),):
                raise ValueError(f"mask must be a boolean array of shape ({len(self)},)")
            out = m
        if where is not None:
            if self.metadata is None:
                raise ValueError("where needs an index built with metadata")
            wm = filter_mask(self.metadata, where)
            out = wm if out is None else (out & wm)
        return out

    def scores(self, queries: np.ndarray) -> np.ndarray:
        """Full ``(n_queries, n)`` cosine score matrix (no filtering)."""
        q = self.check_queries(queries)
        return q @ self.vectors.T

    def check_queries(self, queries: np.ndarray) -> np.ndarray:
        """*queries* as a float32 ``(m, dim)`` array (one vector becomes one row);
        ``ValueError`` on another shape. O(m * dim).

        >>> NumpyIndex([1], np.eye(2)[:1]).check_queries([1.0, 0.0]).shape
        (1, 2)
        """
        q = np.asarray(queries, dtype=np.float32)
        if q.ndim == 1:
            q = q[None, :]
        if q.ndim != 2 or q.shape[1] != self.dim:
            raise ValueError(f"queries must have shape (m, {self.dim}), got {np.shape(queries)}")
        return q

    def search(
        self,
        queries: np.ndarray,
        k: int = 10,
        *,
        mask: np.ndarray | None = None,
        where: Where | None = None,
    ) -> list[list[Hit]]:
        """Top-``k`` hits per query row, among rows passing ``mask`` and ``where``.

        Ties are broken by insertion order, so results are deterministic.
        """
        check_k(k)
        q = self.check_queries(queries)
        m = self.row_mask(mask, where)
        out: list[list[Hit]] = []
        for qv in q:
            top, s = self.top(qv, k, mask=m)
            out.append(_hits(self.ids, top, s))
        return out

    def top(
        self,
        q: np.ndarray,
        k: int,
        *,
        mask: np.ndarray | None = None,
        skip: int = -1,
        calibration: Calibration | None = None,
        exact: bool = False,
    ) -> tuple[np.ndarray, np.ndarray]:
        """Row indices and scores of the ``k`` best rows for one query vector ``q``.

        Scores are float32 cosines, or ``calibration.apply`` of them; rows failing
        ``mask`` and row ``skip`` are left out; ties go to the lower row. With the int8
        copy (and not ``exact``) only the rows its bounds cannot rule out are scored,
        each on its own (summed in float64, rounded to float32); ``exact`` forces the
        full float32 scan. The two agree to one float32 rounding; the BLAS scan may
        round two identical rows differently (blocking), the prefilter path never.
        """
        n = len(self.ids)
        if self.quantised is not None and not exact:
            if calibration is None:
                cand = self.quantised.candidates(q, k, mask=mask, skip=skip)
            else:
                cand = self.quantised.candidates(
                    q,
                    k,
                    groups=calibration.codes,
                    mu=calibration.mu,
                    inv=calibration.inv,
                    mask=mask,
                    skip=skip,
                )
            if cand.shape[0] < n // 4:
                # float64 sums rounded once: each row's score depends on that row alone
                s = (self.vectors[cand].astype(np.float64) @ q.astype(np.float64)).astype(
                    np.float32
                )
                if calibration is not None:
                    s = calibration.apply(s, cand)
                best = top_k(s, k)
                return cand[best], s[best]
        s = self.vectors @ q
        if calibration is not None:
            s = calibration.apply(s, None)
        if mask is not None:
            s = np.where(mask, s, -np.inf)
        if 0 <= skip < n:
            s[skip] = -np.inf
        best = top_k(s, k)
        best = best[np.isfinite(s[best])]
        return best, s[best]
