"""Cross-language semantic retrieval: embeddings + language correction + exact top-k.

:class:`SemanticIndex` is the engine's retrieval entry point. It embeds items (cached),
tags their language (given or detected), removes the per-language offset
(:class:`~kakehashi_semantic.bias.LanguageCentering`) and ranks with per-language score
calibration: for a query ``q`` and pool language ``L``, scores are standardised with
``mu_L(q) = q · m_L`` and ``sd_L(q)^2 = q^T C_L q`` (``m_L``, ``C_L``: mean and covariance
of the pool vectors of language ``L``), which equals z-scoring the query's scores over
the language's items but needs no pass over the pool, so a pgvector/FAISS backend can do
it with one filtered top-k per language.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np

from ._text import check_texts
from .bias import SMALL_LANGUAGE_SHRINKAGE, LanguageCentering
from .cache import EmbeddingCache
from .embed import embed
from .encoders import Encoder, Kind, default_encoder
from .index import Calibration, Hit, NumpyIndex, Where, check_k
from .lang import detect_language
from .romaji import JSCRIPT as _JSCRIPT
from .romaji import RomajiMatcher
from .windowing import Windowing

__all__ = ["ROMAJI_MAX_CHARS", "ROMAJI_MIN_COSINE", "ROMAJI_WEIGHT", "Item", "SemanticIndex"]

#: Items longer than this are not romanised (names, terms and titles are; romanising a
#: whole description costs time and its trigrams would match any query).
ROMAJI_MAX_CHARS = 300
#: The weight of the romanised trigram cosine the web uses for names and titles, tuned
#: on the dev split of the short-text sets (docs/semantic: "Short texts").
ROMAJI_WEIGHT = 6.0
#: Trigram cosines below this count as 0 (at weight 6, at most 0.6 of a standard
#: deviation): a short query shares a trigram or two with most of a large pool, and
#: this keeps the fused search within the latency target (docs/semantic).
ROMAJI_MIN_COSINE = 0.1


@dataclass(frozen=True)
class Item:
    """A text to index: ``id`` (hashable, unique), ``text``, optional ``lang`` and ``metadata``."""

    id: Hashable
    text: str
    lang: str | None = None
    metadata: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))

    def __post_init__(self) -> None:
        if not isinstance(self.text, str):
            raise ValueError(f"text must be a str, got {type(self.text).__name__}")
        object.__setattr__(self, "metadata", MappingProxyType(dict(self.metadata)))


def _langs_for(texts: Sequence[str], langs: Sequence[str | None] | None, name: str) -> list[str]:
    if langs is not None and len(langs) != len(texts):
        raise ValueError(f"{name} has {len(langs)} items but there are {len(texts)} texts")
    return [
        (langs[i] if langs is not None and langs[i] else detect_language(t))
        for i, t in enumerate(texts)
    ]


#: Languages with fewer pool items share one calibration group; below this pool size
#: calibration is off (too few scores to estimate a spread).
MIN_GROUP = 10


def _language_stats(
    vecs: np.ndarray, langs: Sequence[str]
) -> tuple[dict[str, tuple[np.ndarray, np.ndarray]], dict[str, int]]:
    """Mean and covariance per calibration group, and each language's group code."""
    if len(langs) < MIN_GROUP:
        return {}, dict.fromkeys(langs, 0)
    counts: dict[str, int] = {}
    for lg in langs:
        counts[lg] = counts.get(lg, 0) + 1
    name = {lg: (lg if c >= MIN_GROUP else "*") for lg, c in counts.items()}
    if sum(c for lg, c in counts.items() if name[lg] == "*") < MIN_GROUP:
        # too few stragglers for their own group: they use whole-pool statistics
        name = {lg: (n if n != "*" else "**") for lg, n in name.items()}
    groups = sorted(set(name.values()))
    la = np.asarray([name[lg] for lg in langs], dtype=object)
    stats = {}
    for g in groups:
        sub = (vecs if g == "**" else vecs[la == g]).astype(np.float64)
        stats[g] = (sub.mean(axis=0), np.atleast_2d(np.cov(sub, rowvar=False, bias=True)))
    code = {g: i for i, g in enumerate(groups)}
    return stats, {lg: code[n] for lg, n in name.items()}


#: Query vectors kept in memory per index (least recently used dropped first).
QUERY_CACHE_SIZE = 1024


class _QueryLRU:
    """Thread-safe LRU of raw query vectors keyed by text (read-only arrays)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._d: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, text: str) -> np.ndarray | None:
        with self._lock:
            v = self._d.get(text)
            if v is not None:
                self._d.move_to_end(text)
            return v

    def put(self, text: str, v: np.ndarray) -> None:
        if self.size <= 0:
            return
        v = v.copy()
        v.setflags(write=False)
        with self._lock:
            self._d[text] = v
            self._d.move_to_end(text)
            while len(self._d) > self.size:
                self._d.popitem(last=False)

    def __len__(self) -> int:
        return len(self._d)


@dataclass(frozen=True, eq=False)
class SemanticIndex:
    """An immutable cross-language index; build it with :meth:`build`."""

    items: tuple[Item, ...]
    langs: tuple[str, ...]
    index: NumpyIndex
    encoder: Any
    kind: str
    query_kind: str
    centering: LanguageCentering | None
    query_centering: LanguageCentering | None
    lang_stats: Mapping[str, tuple[np.ndarray, np.ndarray]]
    group_codes: np.ndarray
    windowing: Windowing | None = None
    cache: EmbeddingCache | None = None
    query_cache: _QueryLRU = field(default_factory=lambda: _QueryLRU(QUERY_CACHE_SIZE))
    romaji: RomajiMatcher | None = None
    romaji_weight: float = 0.0

    @classmethod
    def build(
        cls,
        items: Sequence[Item],
        *,
        encoder: Encoder | None = None,
        cache: EmbeddingCache | None = None,
        correction: bool = True,
        centering: LanguageCentering | None = None,
        query_centering: LanguageCentering | None = None,
        kind: Kind = "passage",
        query_kind: Kind = "passage",
        windowing: Windowing | None = None,
        vectors: np.ndarray | None = None,
        quantise: bool | None = None,
        query_cache_size: int = QUERY_CACHE_SIZE,
        shrinkage: float = SMALL_LANGUAGE_SHRINKAGE,
        romaji_weight: float = 0.0,
    ) -> SemanticIndex:
        """Embed ``items`` (or use precomputed raw ``vectors``) and index them.

        With ``correction`` (the default), ``centering`` defaults to per-language means
        fitted on the items themselves (unsupervised: no labels are used; a language
        with fewer than 10 items gets a mean shrunk towards the average one with
        pseudo-count ``shrinkage``, see :meth:`LanguageCentering.fit`); pass one
        fitted on held-apart texts to keep evaluation strict. Both e5 prefixes were
        measured: ``passage``/``passage`` ranks best across languages (docs/semantic).
        ``quantise`` is passed to :class:`NumpyIndex` (default: int8 prefilter from
        20,000 items; results are the same either way). ``query_cache_size`` query
        vectors are kept in memory (0: none). ``romaji_weight`` > 0 adds, for a query
        and an item in different scripts (Japanese against Latin), that weight times
        the cosine of the character trigrams of their romanised forms
        (:class:`~kakehashi_semantic.romaji.RomajiMatcher`; cosines below
        :data:`ROMAJI_MIN_COSINE` count as 0) to the calibrated score of
        :meth:`search`: names and loanwords then match across scripts (measured in
        docs/semantic: organisation names ja→en R@10 0.76 → 0.95 at weight 6); only
        items of at most :data:`ROMAJI_MAX_CHARS` characters are romanised. O(n * d)
        plus the encoding of uncached texts.
        """
        items = tuple(items)
        if not items:
            raise ValueError("items must not be empty")
        if not isinstance(romaji_weight, (int, float)) or not 0 <= romaji_weight < 1e6:
            raise ValueError(f"romaji_weight must be a number >= 0, got {romaji_weight!r}")
        if not isinstance(query_cache_size, int) or query_cache_size < 0:
            raise ValueError(f"query_cache_size must be an int >= 0, got {query_cache_size!r}")
        for i, it in enumerate(items):
            if not isinstance(it, Item):
                raise ValueError(f"items[{i}] must be an Item, got {type(it).__name__}")
        ids = [it.id for it in items]
        if len(set(ids)) != len(ids):
            raise ValueError("items must have unique ids")
        enc = encoder if encoder is not None else default_encoder()
        texts = [it.text for it in items]
        langs = _langs_for(texts, [it.lang for it in items], "items")
        if vectors is None:
            raw = embed(texts, kind=kind, encoder=enc, cache=cache, windowing=windowing)
        else:
            raw = np.asarray(vectors, dtype=np.float32)
            if raw.shape != (len(items), enc.dim):
                raise ValueError(f"vectors must have shape ({len(items)}, {enc.dim})")
        qcent = None
        if correction:
            if centering is None and len(items) >= MIN_GROUP:
                # languages with fewer than MIN_GROUP texts get the average mean
                counts = {lg: langs.count(lg) for lg in set(langs)}
                if max(counts.values()) >= MIN_GROUP:
                    centering = LanguageCentering.fit(
                        raw, langs, min_count=MIN_GROUP, shrinkage=shrinkage
                    )
            vecs = centering.transform(raw, langs) if centering is not None else raw
            if query_centering is None and (query_kind == kind or centering is None):
                qcent = centering
            elif query_centering is None:
                qraw = embed(texts, kind=query_kind, encoder=enc, cache=cache, windowing=windowing)
                qcent = LanguageCentering.fit(qraw, langs, min_count=MIN_GROUP, shrinkage=shrinkage)
            else:
                qcent = query_centering
        else:
            centering = None
            vecs = raw
        stats, group_of = _language_stats(vecs, langs)
        idx = NumpyIndex(
            ids,
            vecs,
            [dict(it.metadata, lang=lg) for it, lg in zip(items, langs, strict=True)],
            quantise=quantise,
        )
        return cls(
            items=items,
            langs=tuple(langs),
            index=idx,
            encoder=enc,
            kind=kind,
            query_kind=query_kind,
            centering=centering,
            query_centering=qcent,
            lang_stats=MappingProxyType(stats),
            group_codes=np.array([group_of[lg] for lg in langs], dtype=np.intp),
            windowing=windowing,
            cache=cache,
            query_cache=_QueryLRU(query_cache_size),
            romaji=(
                RomajiMatcher([t if len(t) <= ROMAJI_MAX_CHARS else "" for t in texts])
                if romaji_weight
                else None
            ),
            romaji_weight=float(romaji_weight),
        )

    def __len__(self) -> int:
        return len(self.items)

    def embed_queries(
        self, texts: Sequence[str], langs: Sequence[str | None] | None = None
    ) -> tuple[np.ndarray, list[str]]:
        """Corrected query vectors and their languages (given or detected).

        The last :data:`QUERY_CACHE_SIZE` distinct query texts are kept in memory, so
        a repeated query (paging, a refreshed page) is neither encoded nor looked up in
        the on-disk cache.
        """
        check_texts(texts, "texts")
        texts = list(texts)
        ql = _langs_for(texts, langs, "langs")
        raw = np.zeros((len(texts), self.encoder.dim), np.float32)
        missing = []
        for i, t in enumerate(texts):
            v = self.query_cache.get(t)
            if v is None:
                missing.append(i)
            else:
                raw[i] = v
        if missing:
            new = embed(
                [texts[i] for i in missing],
                kind=self.query_kind,
                encoder=self.encoder,
                cache=self.cache,
                windowing=self.windowing,
            )
            for j, i in enumerate(missing):
                raw[i] = new[j]
                self.query_cache.put(texts[i], new[j])
        if self.query_centering is not None:
            return self.query_centering.transform(raw, ql), ql
        return raw, ql

    def search(
        self,
        texts: Sequence[str],
        *,
        langs: Sequence[str | None] | None = None,
        k: int = 10,
        mask: np.ndarray | None = None,
        where: Where | None = None,
        calibrate: bool = True,
        exclude: Sequence[Hashable | None] | None = None,
        exact: bool = False,
    ) -> list[list[Hit]]:
        """Top-``k`` items for each query text, filters applied before ranking.

        ``calibrate`` standardises scores per pool language (see module doc); hit scores
        are then z-scores. ``exclude[i]`` is an item id to leave out for query ``i``
        (e.g. the query's own item). O(m * n * d) for m queries over n items. Large
        pools score through the index's int8 prefilter, which returns the same top-k as
        the full float32 scan; ``exact`` forces that scan (the reference).
        """
        qv, _ = self.embed_queries(texts, langs)
        hits = self.search_vectors(
            qv, k=k, mask=mask, where=where, calibrate=calibrate, exclude=exclude, exact=exact
        )
        if self.romaji is None:
            return hits
        return self._add_romaji(list(texts), qv, hits, k, mask, where, calibrate, exclude)

    def _add_romaji(self, texts, qv, hits, k, mask, where, calibrate, exclude):
        """Fuse the romanised trigram cosine into the top ``k`` (exact).

        The added term is >= 0 and nonzero only for items sharing a trigram with the
        query, so the fused top k lies among the semantic top k and those items: their
        calibrated semantic scores are computed directly and the union re-ranked.
        """
        m = self.index.row_mask(mask, where)
        jscript = self._jscript()
        rom = self.romaji.sparse_scores(texts, ROMAJI_MIN_COSINE)
        codes = self.group_codes
        groups = sorted(self.lang_stats)
        pos_of = self._positions()
        out = []
        for qi, text in enumerate(texts):
            lo, hi = rom.indptr[qi], rom.indptr[qi + 1]
            extra, extra_val = rom.indices[lo:hi], rom.data[lo:hi]
            qscript = bool(_JSCRIPT.search(text))
            sem = np.array([pos_of[h.id] for h in hits[qi]], dtype=np.intp)
            if len(hits[qi]) >= k and len(extra):
                # An item outside the semantic top k scores at most the k-th semantic
                # score z_k plus its own trigram term: it can enter the fused top k only
                # if that term beats the k-th fused score of the semantic hits, t.
                z = np.array([h.score for h in hits[qi]])
                at = np.minimum(np.searchsorted(extra, sem), len(extra) - 1)
                add = np.where((extra[at] == sem) & (jscript[sem] != qscript), extra_val[at], 0.0)
                t = np.sort(z + self.romaji_weight * add)[-k]
                need = (extra_val > (t - z.min()) / self.romaji_weight) | np.isin(extra, sem)
                extra, extra_val = extra[need], extra_val[need]
            keep = jscript[extra] != qscript
            if m is not None:
                keep &= m[extra]
            if exclude is not None and exclude[qi] in pos_of:
                keep &= extra != pos_of[exclude[qi]]
            extra, extra_val = extra[keep], extra_val[keep]
            if not len(extra):
                out.append(hits[qi])
                continue
            cand = np.union1d(extra, sem).astype(np.intp)
            lexical = np.zeros(len(cand))
            lexical[np.searchsorted(cand, extra)] = extra_val
            s = (self.index.vectors[cand] @ qv[qi]).astype(np.float64)
            if calibrate and groups:
                mu, inv = self._language_scales(qv[qi], groups)
                c = codes[cand]
                s = (s - mu[c]) * inv[c]
            s = s + self.romaji_weight * lexical
            order = np.lexsort((cand, -s))[:k]
            out.append(
                [Hit(j + 1, self.index.ids[cand[o]], float(s[o])) for j, o in enumerate(order)]
            )
        return out

    def _language_scales(self, q: np.ndarray, groups: list) -> tuple[np.ndarray, np.ndarray]:
        """The calibration of query vector *q* per pool language (in *groups* order): the
        mean and the inverse standard deviation of its cosines with that language's
        items, from their first two moments (see the module doc). O(len(groups) * d^2)."""
        q64 = q.astype(np.float64)
        mu = np.array([q64 @ self.lang_stats[g][0] for g in groups])
        var = np.array([q64 @ self.lang_stats[g][1] @ q64 for g in groups])
        return mu, 1.0 / (np.sqrt(np.maximum(var, 0.0)) + 1e-6)

    def _positions(self) -> dict:
        p = getattr(self, "_positions_cache", None)
        if p is None:
            p = {iid: i for i, iid in enumerate(self.index.ids)}
            object.__setattr__(self, "_positions_cache", p)
        return p

    def _jscript(self) -> np.ndarray:
        js = getattr(self, "_jscript_cache", None)
        if js is None:
            js = np.array([bool(_JSCRIPT.search(it.text)) for it in self.items])
            object.__setattr__(self, "_jscript_cache", js)
        return js

    def search_vectors(
        self,
        query_vectors: np.ndarray,
        *,
        k: int = 10,
        mask: np.ndarray | None = None,
        where: Where | None = None,
        calibrate: bool = True,
        exclude: Sequence[Hashable | None] | None = None,
        exact: bool = False,
    ) -> list[list[Hit]]:
        """Like :meth:`search` for already corrected query vectors."""
        check_k(k)
        q = self.index.check_queries(query_vectors)
        if exclude is not None and len(exclude) != len(q):
            raise ValueError(f"exclude has {len(exclude)} items but there are {len(q)} queries")
        m = self.index.row_mask(mask, where)
        codes = self.group_codes
        groups = sorted(self.lang_stats)
        calibrate = calibrate and bool(groups)
        pos = self._positions() if exclude is not None else {}
        out: list[list[Hit]] = []
        for qi, qvec in enumerate(q):
            cal = None
            if calibrate:
                cal = Calibration(codes, *self._language_scales(qvec, groups))
            skip = pos.get(exclude[qi], -1) if exclude is not None else -1
            top, s = self.index.top(qvec, k, mask=m, skip=skip, calibration=cal, exact=exact)
            out.append([Hit(r + 1, self.index.ids[i], float(s[r])) for r, i in enumerate(top)])
        return out
