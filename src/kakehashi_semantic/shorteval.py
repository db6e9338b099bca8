"""Mixed-pool retrieval of short texts across languages (``kakehashi-semantic eval --suite``).

A pool holds every name of every concept of a set in the set's languages; each
concept's main name in language A is a query whose gold answers are the concept's names
in language B; the query itself and the concept's names in other languages are left
out of its ranking (finding the French translation when asked for the Japanese one is
not a miss). Scores are computed exactly (the
pools are small), with the same corrections as :class:`SemanticIndex`: per-language
centring fitted on the pool, then per-query z-scores within each pool language.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .bias import SMALL_LANGUAGE_SHRINKAGE, LanguageCentering
from .evaluation import RetrievalMetrics, metrics_from_ranks
from .shortsets import (
    Concept,
    anlp_titles,
    crdc_titles,
    eval_terms,
    lexicon_concepts,
    ror_orgs,
)

__all__ = [
    "SUITE_DIRECTIONS",
    "Pool",
    "ScoreFn",
    "build_pool",
    "calibrated_scores",
    "evaluate_index",
    "evaluate_pool",
    "latency",
    "run_suite",
    "zscore_by_language",
]


@dataclass(frozen=True)
class Pool:
    texts: tuple[str, ...]
    langs: tuple[str, ...]
    concept: np.ndarray  # concept index of each text
    main: np.ndarray  # True for a concept's first name in its language (a query)


def build_pool(
    concepts: Sequence[Concept], langs: Sequence[str], distractors: Sequence[Concept] = ()
) -> Pool:
    """Every name of ``concepts`` in ``langs``; ``distractors``' names are in the pool
    but are never queries (nor answers: each has a concept of its own)."""
    texts, tl, conc, main = [], [], [], []
    seen = set()
    for ci, c in enumerate(list(concepts) + list(distractors)):
        for lg in langs:
            for j, name in enumerate(c.names.get(lg, ())):
                if (lg, name) in seen:
                    continue
                seen.add((lg, name))
                texts.append(name)
                tl.append(lg)
                conc.append(ci)
                main.append(j == 0 and ci < len(concepts))
    return Pool(tuple(texts), tuple(tl), np.array(conc), np.array(main, bool))


#: ``score(pool, raw_vectors, query_rows) -> (len(query_rows), len(pool))`` scores.
ScoreFn = Callable[[Pool, np.ndarray, np.ndarray], np.ndarray]


def calibrated_scores(pool: Pool, raw: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """The engine's default: centring fitted on the pool, z-scores per pool language."""
    cent = LanguageCentering.fit(
        raw, list(pool.langs), min_count=10, shrinkage=SMALL_LANGUAGE_SHRINKAGE
    )
    v = cent.transform(raw, list(pool.langs))
    return zscore_by_language(v[rows] @ v.T, pool.langs)


def zscore_by_language(s: np.ndarray, langs: Sequence[str]) -> np.ndarray:
    out = np.empty_like(s, dtype=np.float64)
    la = np.array(langs)
    for lg in set(langs):
        m = la == lg
        block = s[:, m].astype(np.float64)
        mu = block.mean(axis=1, keepdims=True)
        sd = block.std(axis=1, keepdims=True) + 1e-6
        out[:, m] = (block - mu) / sd
    return out


def evaluate_pool(
    pool: Pool, raw: np.ndarray, directions: Sequence[tuple[str, str]], score: ScoreFn
) -> dict[str, RetrievalMetrics]:
    """R@1, R@10, MRR@10 per direction ``"A→B"`` over the mixed pool."""
    la = np.array(pool.langs)
    out = {}
    for a, b in directions:
        rows = np.flatnonzero((la == a) & pool.main)
        rows = np.array([r for r in rows if np.any((pool.concept == pool.concept[r]) & (la == b))])
        s = score(pool, raw, rows)
        ranks: list[int | None] = []
        for qi, r in enumerate(rows):
            sc = s[qi].copy()
            sc[r] = -np.inf
            same = pool.concept == pool.concept[r]
            gold = same & (la == b)
            best = sc[gold].max()
            # ties count against the gold answer; the concept's names in a third
            # language are neither answers nor misses
            rank = int(np.sum(sc[~same] >= best)) + 1
            ranks.append(rank if rank <= 10 else None)
        out[f"{a}→{b}"] = metrics_from_ranks(ranks)
    return out


def evaluate_index(
    pool: Pool, index: Any, directions: Sequence[tuple[str, str]]
) -> dict[str, RetrievalMetrics]:
    """Like :func:`evaluate_pool`, ranking with ``index.search`` (a :class:`SemanticIndex`
    over ``pool.texts`` with ids 0..n-1), so the engine itself is measured."""
    la = np.array(pool.langs)
    out = {}
    for a, b in directions:
        rows = [
            int(r)
            for r in np.flatnonzero((la == a) & pool.main)
            if np.any((pool.concept == pool.concept[r]) & (la == b))
        ]
        extra = max(int(np.sum(pool.concept == pool.concept[r])) for r in rows)
        hits = index.search(
            [pool.texts[r] for r in rows],
            langs=[a] * len(rows),
            k=10 + extra,
            exclude=rows,
        )
        ranks: list[int | None] = []
        for r, hs in zip(rows, hits, strict=True):
            rank = 0
            found = None
            for h in hs:
                if pool.concept[h.id] == pool.concept[r]:
                    if la[h.id] == b:
                        found = rank + 1
                        break
                    continue  # the concept in a third language: neither answer nor miss
                rank += 1
            ranks.append(found if found is not None and found <= 10 else None)
        out[f"{a}→{b}"] = metrics_from_ranks(ranks)
    return out


SUITE_DIRECTIONS = {
    "terms": (("ja", "en"), ("en", "ja"), ("fr", "en"), ("en", "fr"), ("fr", "ja"), ("ja", "fr")),
    "organisations": (("ja", "en"), ("en", "ja")),
    "anlp_titles": (("ja", "en"), ("en", "ja")),
    "crdc_titles": (("fr", "en"), ("en", "fr")),
}


def run_suite(
    data: Path,
    *,
    split: str = "heldout",
    romaji_weight: float,
    cache: Any,
    encoder: Any = None,
    sets: Sequence[str] = tuple(SUITE_DIRECTIONS),
) -> dict[str, dict[str, RetrievalMetrics]]:
    """Every set of :mod:`kakehashi_semantic.shortsets` on ``split``, through
    :class:`SemanticIndex` (centring fitted on the pool, calibration, and the romanised
    channel at ``romaji_weight``; 0 turns it off). Terms are pooled with the lexicon's
    CRDC titles in ja/en/fr (5,640 distractors)."""
    from .embed import embed  # lazily: keeps this module importable without an encoder
    from .encoders import default_encoder  # lazily: as above
    from .semantic_index import Item, SemanticIndex  # lazily: semantic_index imports romaji

    enc = encoder if encoder is not None else default_encoder()
    loaders = {
        "terms": lambda: build_pool(eval_terms(split), ("ja", "en", "fr"), lexicon_concepts()),
        "organisations": lambda: build_pool(ror_orgs(data, split), ("ja", "en")),
        "anlp_titles": lambda: build_pool(anlp_titles(data, split), ("ja", "en")),
        "crdc_titles": lambda: build_pool(crdc_titles(data, split), ("fr", "en")),
    }
    out = {}
    for name in sets:
        pool = loaders[name]()
        raw = embed(list(pool.texts), encoder=enc, cache=cache)
        items = [
            Item(i, t, lg) for i, (t, lg) in enumerate(zip(pool.texts, pool.langs, strict=True))
        ]
        index = SemanticIndex.build(
            items, encoder=enc, cache=cache, vectors=raw, romaji_weight=romaji_weight
        )
        out[name] = evaluate_index(pool, index, SUITE_DIRECTIONS[name])
    return out


def latency(
    *,
    n: int = 100_000,
    n_queries: int = 100,
    romaji_weight: float,
    encoder: Any = None,
    seed: int = 0,
) -> dict[str, float]:
    """p50/p95/max ms of one top-10 query over ``n`` items, query encoding included
    (no cache of any kind), on random unit vectors whose texts cycle through the
    lexicon's titles in ja/en/fr (so the romanised channel has real names to match).
    Queries: the project's evaluation terms in all three languages."""
    import time  # lazily: only the latency measure times anything

    from .encoders import default_encoder  # lazily: keeps this module importable
    from .lexicon import lexicon_entries  # lazily: loads a data file
    from .semantic_index import Item, SemanticIndex  # lazily: as above

    enc = encoder if encoder is not None else default_encoder()
    names = [
        (x, lg) for e in lexicon_entries() for x, lg in zip(e[1:], ("ja", "en", "fr"), strict=True)
    ]
    rng = np.random.default_rng(seed)
    v = rng.standard_normal((n, enc.dim)).astype(np.float32)
    v /= np.linalg.norm(v, axis=1, keepdims=True)
    items = [Item(i, names[i % len(names)][0], names[i % len(names)][1]) for i in range(n)]
    index = SemanticIndex.build(
        items, encoder=enc, cache=None, vectors=v, romaji_weight=romaji_weight, query_cache_size=0
    )
    terms = [(x, lg) for c in eval_terms() for lg, xs in c.names.items() for x in xs]
    picks = [terms[i] for i in rng.choice(len(terms), min(n_queries, len(terms)), replace=False)]
    index.search([picks[0][0]], k=10)  # warm-up: loads the model and the kernels
    times, cpu = [], []
    for text, lg in picks:
        t0, c0 = time.perf_counter(), time.process_time()
        index.search([text], langs=[lg], k=10)
        cpu.append((time.process_time() - c0) * 1000)
        times.append((time.perf_counter() - t0) * 1000)
    t, c = np.array(times), np.array(cpu)
    # Wall time waits for the CPU on a shared machine; the process's CPU time does not,
    # and is what one query costs on an idle core when everything runs in one thread
    # (OMP_NUM_THREADS=1, as in the servers; with more threads it over-counts).
    return {
        "n": n,
        "queries": len(t),
        "p50_ms": float(np.percentile(t, 50)),
        "p95_ms": float(np.percentile(t, 95)),
        "max_ms": float(t.max()),
        "cpu_p50_ms": float(np.percentile(c, 50)),
        "cpu_p95_ms": float(np.percentile(c, 95)),
        "load": os.getloadavg()[0],
    }
