"""Off-topic queries: a search box asked about cake recipes should say it has no match.

Calibrated scores are z-scores against the pool, so the best item of any query looks
unusual, and a query about food lands near the agriculture projects. :class:`TopicGuard`
adds everyday topics (``data/everyday_topics.tsv``: cooking, sports, weather, travel, …
in English, French and Japanese) to the pool as decoys and calls a query off-topic when
its best pool item scores under :data:`OFF_TOPIC_FLOOR`, or when the best decoy beats
it by more than :data:`OFF_TOPIC_MARGIN`. The decoys never appear in results; they only
give the pool's statistics, and the query, something ordinary to be compared with.

Measured on the demo's 36 project titles (benchmarks/semantic/bench_off_topic.py,
docs/semantic/README.md "Off-topic queries"): none of the 37 judged real queries is
off-topic, all 7 judged nonsense queries are, and 10 of 12 held-out ones written before
any measurement (the relevance floor alone: 4 of 7 and 3 of 12).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np

from .cache import EmbeddingCache
from .encoders import Encoder
from .semantic_index import Item, SemanticIndex

__all__ = ["OFF_TOPIC_FLOOR", "OFF_TOPIC_MARGIN", "TopicGuard", "everyday_topics"]

#: Below this calibrated score (decoys in the pool) the best item is not about the
#: query: judged real queries' best item 1.51-4.75, nonsense ones' -0.45-1.00.
OFF_TOPIC_FLOOR = 1.25
#: A decoy beating the best item by more than this makes the query off-topic: real
#: queries' best decoy exceeds their best item by at most 1.02 (soybean; 1.18 in the
#: served demo, whose past round adds copies of three projects), nonsense queries' by
#: 1.57-4.30. 1.2 would catch one more held-out query (11 of 12) with too little room.
OFF_TOPIC_MARGIN = 1.5


@cache
def everyday_topics() -> tuple[Item, ...]:
    """The decoys: one item per topic and language (ids ``("everyday", line, lang)``)."""
    text = resources.files("kakehashi_semantic").joinpath("data/everyday_topics.tsv")
    out = []
    for n, line in enumerate(text.read_text("utf-8").splitlines()):
        if line.strip() and not line.startswith("#"):
            for lang, t in zip(("en", "fr", "ja"), line.split("\t"), strict=True):
                out.append(Item(("everyday", n, lang), t.strip(), lang))
    return tuple(out)


@dataclass(frozen=True)
class TopicGuard:
    """A pool with the everyday topics added, to tell off-topic queries.

    Build once per pool (the pool's texts are embedded through ``cache``: with a warm
    cache only the decoys' ~40 short texts are encoded, once); each :meth:`off_topic`
    is one top-k over the pool and one over the decoys, O(n * d).

    >>> from kakehashi_semantic import CharNgramEncoder
    >>> pool = [Item(1, "soft robotic grippers for fruit picking", "en")]
    >>> guard = TopicGuard.build(pool, encoder=CharNgramEncoder(dim=64))
    >>> len(guard.index) == 1 + len(everyday_topics())
    True
    """

    index: SemanticIndex
    pool_size: int

    @classmethod
    def build(
        cls,
        items: Sequence[Item],
        *,
        encoder: Encoder | None = None,
        cache: EmbeddingCache | None = None,
        romaji_weight: float = 0.0,
    ) -> TopicGuard:
        items = tuple(items)
        index = SemanticIndex.build(
            items + everyday_topics(), encoder=encoder, cache=cache, romaji_weight=romaji_weight
        )
        return cls(index=index, pool_size=len(items))

    def margin(
        self,
        query: str,
        *,
        lang: str | None = None,
        mask: np.ndarray | None = None,
    ) -> tuple[float, float]:
        """The best calibrated score of the pool's items (only those ``mask``, a boolean
        array over the pool in its order, keeps) and that of the decoys, for ``query``."""
        n = len(self.index)
        pool = np.zeros(n, dtype=bool)
        if mask is None:
            pool[: self.pool_size] = True
        else:
            mask = np.asarray(mask, dtype=bool)
            if mask.shape != (self.pool_size,):
                raise ValueError(f"mask must have shape ({self.pool_size},), got {mask.shape}")
            pool[: self.pool_size] = mask
        best = -np.inf
        if pool.any():
            hits = self.index.search([query], langs=[lang], k=1, mask=pool)[0]
            best = hits[0].score if hits else -np.inf
        decoys = np.zeros(n, dtype=bool)
        decoys[self.pool_size :] = True
        decoy = self.index.search([query], langs=[lang], k=1, mask=decoys)[0][0].score
        return float(best), float(decoy)

    def off_topic(
        self,
        query: str,
        *,
        lang: str | None = None,
        mask: np.ndarray | None = None,
    ) -> bool:
        """Whether no item of the pool (of those ``mask`` keeps) is about ``query``: its best
        scores under :data:`OFF_TOPIC_FLOOR` or an everyday topic beats it by more
        than :data:`OFF_TOPIC_MARGIN`. Words the query shares with an item are the
        caller's to weigh: a query naming a project's words is never off-topic there."""
        best, decoy = self.margin(query, lang=lang, mask=mask)
        return best < OFF_TOPIC_FLOOR or decoy - best > OFF_TOPIC_MARGIN
