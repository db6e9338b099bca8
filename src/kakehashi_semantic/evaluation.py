"""Retrieval metrics: recall@k and mean reciprocal rank for query → gold-item pairs."""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

__all__ = ["RetrievalMetrics", "gold_ranks", "metrics_from_rankings", "metrics_from_ranks"]


@dataclass(frozen=True)
class RetrievalMetrics:
    """R@1, R@10 and MRR (fractions in [0, 1]) over ``n`` queries.

    From ranked lists truncated at k, MRR is MRR@k (a gold item not listed counts 0).
    """

    n: int
    r1: float
    r10: float
    mrr: float

    def as_dict(self) -> dict[str, float | int]:
        return {"n": self.n, "R@1": self.r1, "R@10": self.r10, "MRR": self.mrr}


def metrics_from_ranks(ranks: Sequence[int | None] | np.ndarray) -> RetrievalMetrics:
    """Metrics from the 1-based rank of each query's gold item (``None``/0: not found).

    >>> m = metrics_from_ranks([1, 2, None, 11])
    >>> m.n, m.r1, m.r10, round(m.mrr, 4)
    (4, 0.25, 0.5, 0.3977)
    """
    r = np.array([0 if x is None else int(x) for x in ranks], dtype=np.int64)
    if r.size == 0:
        raise ValueError("ranks must not be empty")
    if (r < 0).any():
        raise ValueError("ranks must be positive (or None for not found)")
    found = r > 0
    rr = np.where(found, 1.0 / np.maximum(r, 1), 0.0)
    return RetrievalMetrics(
        n=int(r.size),
        r1=float(np.mean(found & (r <= 1))),
        r10=float(np.mean(found & (r <= 10))),
        mrr=float(rr.mean()),
    )


def gold_ranks(
    rankings: Mapping[Hashable, Sequence[Hashable]], gold: Mapping[Hashable, Hashable]
) -> list[int | None]:
    """1-based rank of ``gold[q]`` in ``rankings[q]`` for each gold query (``None`` if absent).

    A query in ``gold`` with no ranking counts as not found. O(total list length).
    """
    out: list[int | None] = []
    for q, g in gold.items():
        ids = list(rankings.get(q, ()))
        out.append(ids.index(g) + 1 if g in ids else None)
    return out


def metrics_from_rankings(
    rankings: Mapping[Hashable, Sequence[Hashable]], gold: Mapping[Hashable, Hashable]
) -> RetrievalMetrics:
    """Metrics of ranked id lists against one gold pool id per query."""
    if not gold:
        raise ValueError("gold must not be empty")
    return metrics_from_ranks(gold_ranks(rankings, gold))
