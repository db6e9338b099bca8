"""One search box: lexical (character n-grams) + semantic fusion, with highlighted snippets.

Lexical matching uses character 2–4-grams (works for Japanese, which has no spaces, and
for names in kanji, kana or Latin script, e.g. organisations and their ROR aliases);
semantic matching uses the cross-language :class:`~kakehashi_semantic.semantic_index.SemanticIndex`.
The two rankings are fused by reciprocal rank fusion (Cormack, Clarke & Büttcher 2009,
"Reciprocal Rank Fusion outperforms Condorcet and individual rank learning methods",
SIGIR, doi:10.1145/1571941.1572114).
"""

from __future__ import annotations

import bisect
import functools
import html
import math
import unicodedata
from collections.abc import Hashable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from .encoders import char_ngrams
from .index import Hit, Where, check_k, filter_mask, top_k
from .lang import _EN_WORDS_TEXT, _FR_WORDS_TEXT
from .semantic_index import Item, SemanticIndex

__all__ = [
    "LexicalIndex",
    "SearchResult",
    "Snippet",
    "fold",
    "hybrid_search",
    "make_snippet",
    "match_spans",
    "query_terms",
    "reciprocal_rank_fusion",
    "term_coverage",
]


@functools.lru_cache(maxsize=65536)
def _fold_char(ch: str) -> str:
    n = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", ch))
    base = "".join(c for c in n if not unicodedata.combining(c)).casefold()
    return base[0] if len(base) == 1 else (base[:1] or ch)


def fold(text: str) -> str:
    """Case- and accent-insensitive, width-normalised form of ``text``, same length.

    "Décodage" → "decodage", full-width "ＥＥＧ" → "eeg"; one output character per
    input character so offsets carry over. O(len(text)).
    """
    return "".join(map(_fold_char, text))


_STOP_WORDS = frozenset(fold(w) for w in (_FR_WORDS_TEXT + " " + _EN_WORDS_TEXT).split())


def query_terms(query: str) -> tuple[tuple[str, str], ...]:
    """Content terms of a query: ``("lat", word)`` and ``("cjk", run)``, folded.

    Latin-script words (letters and digits) of at least two characters, or numbers,
    that are not English or French function words; runs of CJK characters (kanji and
    kana: Japanese has no spaces). O(len(query)).

    >>> query_terms("Traduction automatique de la parole")
    (('lat', 'traduction'), ('lat', 'automatique'), ('lat', 'parole'))
    >>> query_terms("脳波 EEG")
    (('cjk', '脳波'), ('lat', 'eeg'))
    """
    fq = fold(query)
    out: list[tuple[str, str]] = []
    run: list[str] = []
    word: list[str] = []
    for ch in fq + " ":
        cjk = _is_cjk(ch)
        if word and (cjk or not ch.isalnum()):
            w = "".join(word)
            if (len(w) >= 2 or w.isdigit()) and w not in _STOP_WORDS:
                out.append(("lat", w))
            word = []
        if run and not cjk:
            out.append(("cjk", "".join(run)))
            run = []
        if cjk:
            run.append(ch)
        elif ch.isalnum():
            word.append(ch)
    return tuple(dict.fromkeys(out))


def _term_found(folded_text: str, kind: str, term: str) -> float:
    """Share of ``term`` found in the folded text (word start for Latin terms; CJK
    characters covered by substrings of at least two characters, or the one character)."""
    if kind == "lat":
        start = 0
        while (i := folded_text.find(term, start)) >= 0:
            if i == 0 or not folded_text[i - 1].isalnum() or _is_cjk(folded_text[i - 1]):
                return 1.0
            start = i + 1
        return 0.0
    if len(term) == 1:
        return float(term in folded_text)
    covered = [False] * len(term)
    for i in range(len(term) - 1):
        if term[i : i + 2] in folded_text:
            covered[i] = covered[i + 1] = True
    return sum(covered) / len(term)


def term_coverage(text: str, query: str) -> float:
    """Share of the query's content terms (:func:`query_terms`) found in ``text``.

    1.0 for a query without content terms. O(len(text) * terms).

    >>> term_coverage("Speech recognition for non-native English", "speech translation")
    0.5
    """
    terms = query_terms(query)
    if not terms:
        return 1.0
    ft = fold(text)
    return sum(_term_found(ft, kind, t) for kind, t in terms) / len(terms)


class LexicalIndex:
    """Character n-gram TF-IDF over item texts (sparse, exact). O(total text length) to build."""

    def __init__(self, items: Sequence[Item], *, n_min: int = 2, n_max: int = 3) -> None:
        if not items:
            raise ValueError("items must not be empty")
        self.ids = tuple(it.id for it in items)
        self.texts = tuple(it.text for it in items)
        if len(set(self.ids)) != len(self.ids):
            raise ValueError("items must have unique ids")
        self.metadata = tuple(dict(it.metadata) for it in items)
        self.n_min, self.n_max = n_min, n_max
        vocab: dict[str, int] = {}
        rows, cols, vals = [], [], []
        self._folded = tuple(fold(it.text) for it in items)
        for r, ft in enumerate(self._folded):
            for g, c in char_ngrams(ft, n_min, n_max).items():
                j = vocab.setdefault(g, len(vocab))
                rows.append(r)
                cols.append(j)
                vals.append(1.0 + math.log(c))
        n = len(items)
        m = sparse.csr_matrix((vals, (rows, cols)), shape=(n, max(1, len(vocab))), dtype=np.float32)
        df = np.bincount(cols, minlength=m.shape[1]).astype(np.float32)
        self.idf = (np.log((1 + n) / (1 + df)) + 1.0).astype(np.float32)
        m = m.multiply(self.idf).tocsr()
        norms = np.sqrt(np.asarray(m.multiply(m).sum(axis=1)).ravel())
        norms[norms == 0] = 1.0
        self.matrix = sparse.diags(1.0 / norms).dot(m).tocsr().astype(np.float32)
        self.vocab = vocab

    def _query_vector(self, text: str) -> np.ndarray:
        v = np.zeros(self.matrix.shape[1], np.float32)
        for g, c in char_ngrams(fold(text), self.n_min, self.n_max).items():
            j = self.vocab.get(g)
            if j is not None:
                v[j] = (1.0 + math.log(c)) * self.idf[j]
        n = float(np.linalg.norm(v))
        return v / n if n else v

    def search(
        self,
        text: str,
        k: int = 10,
        *,
        mask: np.ndarray | None = None,
        where: Where | None = None,
        min_coverage: float = 0.0,
    ) -> list[Hit]:
        """Items sharing character n-grams with ``text``, best first (score > 0 only).

        With ``min_coverage`` > 0, an item is kept only if it contains at least that
        share of the query's content terms (:func:`term_coverage`: whole words, not
        function words): n-grams alone match "de la" or "-tion" in any French text.
        The coverage is checked on the ``20 * k`` best n-gram matches.
        """
        check_k(k)
        if not 0.0 <= min_coverage <= 1.0:
            raise ValueError(f"min_coverage must be between 0 and 1, got {min_coverage!r}")
        s = self.matrix @ self._query_vector(text)
        if where is not None:
            s = np.where(filter_mask(self.metadata, where), s, 0.0)
        if mask is not None:
            s = np.where(mask, s, 0.0)
        if min_coverage <= 0.0:
            top = [i for i in top_k(s, k) if s[i] > 0]
        else:
            terms = query_terms(text)
            top = []
            for i in top_k(s, 20 * k):
                if s[i] <= 0 or len(top) == k:
                    break
                found = sum(_term_found(self._folded[i], kind, t) for kind, t in terms)
                if not terms or found / len(terms) >= min_coverage - 1e-9:
                    top.append(i)
        return [Hit(r + 1, self.ids[i], float(s[i])) for r, i in enumerate(top)]


def reciprocal_rank_fusion(
    rankings: Sequence[Sequence[Hit]], *, c: int = 60, weights: Sequence[float] | None = None
) -> list[Hit]:
    """Fuse ranked lists: score = sum of ``w / (c + rank)`` (Cormack et al. 2009).

    ``weights`` (one per list, default all 1) lets one list count more than another.
    Ties break by first appearance. O(total hits log total hits).

    >>> a, b = [Hit(1, "x", 0.0), Hit(2, "y", 0.0)], [Hit(1, "y", 0.0)]
    >>> [h.id for h in reciprocal_rank_fusion([a, b])]
    ['y', 'x']
    >>> [h.id for h in reciprocal_rank_fusion([a, [Hit(1, "z", 0.0)]], weights=[1, 3])]
    ['z', 'x', 'y']
    """
    if weights is None:
        weights = [1.0] * len(rankings)
    if len(weights) != len(rankings):
        raise ValueError(f"weights has {len(weights)} items but there are {len(rankings)} lists")
    if any(not w >= 0 for w in weights):
        raise ValueError("weights must be non-negative numbers")
    score: dict[Hashable, float] = {}
    first: dict[Hashable, int] = {}
    pos = 0
    for hits, weight in zip(rankings, weights, strict=True):
        for h in hits:
            score[h.id] = score.get(h.id, 0.0) + weight / (c + h.rank)
            first.setdefault(h.id, pos)
            pos += 1
    order = sorted(score, key=lambda i: (-score[i], first[i]))
    return [Hit(r + 1, i, score[i]) for r, i in enumerate(order)]


@dataclass(frozen=True)
class Snippet:
    """An excerpt of a text: ``text`` with highlight ``spans`` (start, end) into it.

    ``start``/``end`` locate the excerpt in the full text of ``total_length`` characters.
    """

    text: str
    spans: tuple[tuple[int, int], ...]
    start: int
    end: int
    total_length: int

    def render(self, open_tag: str = "<mark>", close_tag: str = "</mark>") -> str:
        """HTML-escaped excerpt with the spans wrapped in tags; "…" marks cut ends."""
        out, last = [], 0
        for a, b in self.spans:
            out.append(html.escape(self.text[last:a]))
            out.append(open_tag + html.escape(self.text[a:b]) + close_tag)
            last = b
        out.append(html.escape(self.text[last:]))
        pre = "…" if self.start > 0 else ""
        post = "…" if self.end < self.total_length else ""
        return pre + "".join(out) + post


def _is_cjk(ch: str) -> bool:
    o = ord(ch)
    return 0x3040 <= o <= 0x30FF or 0x3400 <= o <= 0x9FFF or 0xAC00 <= o <= 0xD7AF


def match_spans(text: str, query: str, *, min_cjk: int = 2) -> tuple[tuple[int, int], ...]:
    """Spans of ``text`` that match the query, case/accent/width-insensitively.

    Latin-script query words (≥ 2 letters) match where a word of the text starts with
    them (so "decod" finds "Décodage"); CJK query runs match by their longest
    substrings of at least ``min_cjk`` characters (Japanese has no spaces). Overlapping
    spans are merged. O(len(text) * len(query)).
    """
    ft, fq = fold(text), fold(query)
    spans: list[tuple[int, int]] = []
    terms, run = [], []
    word = []
    for ch in fq + " ":
        if _is_cjk(ch):
            run.append(ch)
        elif run:
            terms.append(("cjk", "".join(run)))
            run = []
        if ch.isalnum() and not _is_cjk(ch):
            word.append(ch)
        elif word:
            terms.append(("lat", "".join(word)))
            word = []
    for kind, term in terms:
        if kind == "lat":
            if len(term) < 2:
                continue
            start = 0
            while (i := ft.find(term, start)) >= 0:
                if i == 0 or not ft[i - 1].isalnum() or _is_cjk(ft[i - 1]):
                    spans.append((i, i + len(term)))
                start = i + 1
        else:
            i = 0
            while i < len(term):
                best = 0
                for j in range(len(term), i + min_cjk - 1, -1):
                    if term[i:j] in ft:
                        best = j - i
                        break
                if best >= min_cjk:
                    sub = term[i : i + best]
                    start = 0
                    while (p := ft.find(sub, start)) >= 0:
                        spans.append((p, p + best))
                        start = p + 1
                    i += best
                else:
                    i += 1
    spans.sort()
    merged: list[tuple[int, int]] = []
    for a, b in spans:
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
        else:
            merged.append((a, b))
    return tuple(merged)


def make_snippet(text: str, query: str, *, max_chars: int = 160) -> Snippet:
    """The window of at most ``max_chars`` characters covering the most query matches.

    Windows start at a match (or the text start) and are nudged back to a word or
    sentence boundary; with no match the opening of the text is returned. Works for
    ja/en/fr. O(len(text) * len(query) + m log m) for m matches; about a second for 1 MB.

    >>> make_snippet("本研究では脳波デコーディングを行う。", "脳波").render()
    '本研究では<mark>脳波</mark>デコーディングを行う。'
    """
    if not isinstance(text, str) or not isinstance(query, str):
        raise ValueError("text and query must be str")
    if max_chars < 10:
        raise ValueError(f"max_chars must be >= 10, got {max_chars}")
    spans = match_spans(text, query) if query.strip() else ()
    if not spans:
        end = min(len(text), max_chars)
        return Snippet(text[:end], (), 0, end, len(text))
    # choose the window (starting a quarter-window before some match) holding most matches
    starts = [a for a, _ in spans]
    best, best_start = -1, 0
    for a in starts:
        w0 = max(0, a - max_chars // 4)
        cover = bisect.bisect_right(starts, w0 + max_chars - 1) - bisect.bisect_left(starts, w0)
        if cover > best:
            best, best_start = cover, w0
    start = best_start
    if start > 0:
        # move to just after a space or sentence end if one is close
        seg = text[max(0, start - 20) : start]
        cut = max(seg.rfind(" "), seg.rfind("。"), seg.rfind("."), seg.rfind("、"))
        if cut >= 0:
            start = max(0, start - 20) + cut + 1
    end = min(len(text), start + max_chars)
    local = tuple(
        (max(a, start) - start, min(b, end) - start) for a, b in spans if a < end and b > start
    )
    return Snippet(text[start:end], local, start, end, len(text))


@dataclass(frozen=True)
class SearchResult:
    """A fused hit with its snippet and the ranks it had lexically and semantically."""

    rank: int
    id: Hashable
    score: float
    lexical_rank: int | None
    semantic_rank: int | None
    snippet: Snippet
    #: the calibrated semantic score (a z-score; None when only the lexical list had it)
    semantic_score: float | None = None

    def is_close(self, floor: float) -> bool:
        """The query's words are in the text, or its meaning scores at least ``floor``."""
        return self.lexical_rank is not None or (
            self.semantic_score is not None and self.semantic_score >= floor
        )


def hybrid_search(
    query: str,
    semantic: SemanticIndex,
    lexical: LexicalIndex,
    *,
    k: int = 10,
    depth: int = 50,
    where: Where | None = None,
    mask: np.ndarray | None = None,
    lang: str | None = None,
    snippet_chars: int = 160,
    semantic_weight: float = 1.0,
    min_coverage: float = 2 / 3,
) -> list[SearchResult]:
    """Search ``query`` (any of ja/en/fr) lexically and semantically; fuse; add snippets.

    Both indexes must hold the same ids in the same order; their texts may differ
    (e.g. titles for the semantic index, where a short query meets a short text, and
    whole descriptions for the lexical one). Snippets come from the lexical texts.
    Filters (``where``, and a precomputed boolean ``mask``: the fast way for large
    pools) apply before ranking in both. A lexical hit must contain
    ``min_coverage`` of the query's content words (:meth:`LexicalIndex.search`; two
    thirds: both words of a two-word query, two of three; measured in docs/semantic). Each
    list is cut at ``depth`` before reciprocal rank fusion, in which the semantic list
    counts ``semantic_weight`` times the lexical one: words never match across
    languages, so a pool in several languages wants the semantic list to weigh more.
    O(n * d) for the semantic part plus O(nnz) for the lexical part.
    """
    if not isinstance(query, str) or not query.strip():
        raise ValueError("query is empty")
    if semantic.index.ids != lexical.ids:
        raise ValueError("semantic and lexical must index the same items in the same order")
    check_k(k)
    sem = semantic.search([query], langs=[lang], k=depth, where=where, mask=mask)[0]
    lex = lexical.search(query, depth, where=where, mask=mask, min_coverage=min_coverage)
    fused = reciprocal_rank_fusion([lex, sem], weights=[1.0, semantic_weight])[:k]
    lr = {h.id: h.rank for h in lex}
    sr = {h.id: h.rank for h in sem}
    ss = {h.id: h.score for h in sem}
    text_of = dict(zip(lexical.ids, lexical.texts, strict=True))
    return [
        SearchResult(
            h.rank,
            h.id,
            h.score,
            lr.get(h.id),
            sr.get(h.id),
            make_snippet(text_of[h.id], query, max_chars=snippet_chars),
            ss.get(h.id),
        )
        for h in fused
    ]
