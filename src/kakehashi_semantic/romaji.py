"""Latin-script keys for short texts, so names and loanwords match across scripts.

Japanese is romanised with pykakasi (GPL-3.0-or-later, from PyPI; its dictionary ships
in the wheel, nothing is downloaded): 東京大学 → "toukyoudaigaku", ロボット → "robotto".
Every key, Japanese or not, is then folded the same way (accents and case removed,
doubled letters collapsed, "ou"/"uu" long vowels shortened, only letters and digits
kept), so "Tokyo" and "toukyou" both become "tokyo", "robotto" and "robot" share
"rob", "obo", "bot". The keys feed a character-trigram similarity between texts of
different languages (:class:`RomajiMatcher`).
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence

import numpy as np
from scipy import sparse

__all__ = ["JSCRIPT", "RomajiMatcher", "kakasi", "latin_key"]

#: Kana or kanji: a text in Japanese script.
JSCRIPT = re.compile("[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff\u3005]")
_KANA_KANJI = JSCRIPT
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")
_DOUBLE = re.compile(r"([a-z])\1+")


@functools.cache
def kakasi():
    """pykakasi's converter, built once, on first use (loading its dictionaries
    takes ~0.3 s, and only Japanese text needs it). Its ``convert(text)`` gives
    the parts of *text* with their ``hepburn`` reading. O(1) after the first call.

    >>> "".join(p["hepburn"] for p in kakasi().convert("東京"))
    'toukyou'
    """
    import pykakasi  # lazily: loading its dictionaries takes ~0.3 s, only for Japanese

    return pykakasi.kakasi()


def _fold(text: str) -> str:
    n = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", text))
    return "".join(c for c in n if not unicodedata.combining(c)).casefold()


@functools.lru_cache(maxsize=65536)
def latin_key(text: str) -> str:
    """Words of ``text`` in folded Latin script, joined by single spaces.

    >>> latin_key("東京大学")
    'tokyodaigaku'
    >>> latin_key("Université de Montréal")
    'universite de montreal'
    >>> latin_key("ロボット")
    'roboto'
    """
    if _KANA_KANJI.search(text):
        parts = [p["hepburn"] or p["orig"] for p in kakasi().convert(text)]
        text = " ".join(parts)
    t = _fold(text)
    t = t.replace("ou", "o").replace("uu", "u")
    t = _DOUBLE.sub(r"\1", t)
    return " ".join(w for w in _NOT_ALNUM.split(t) if w)


def _trigrams(key: str) -> Counter[str]:
    c: Counter[str] = Counter()
    for w in key.split():
        w = f" {w} "
        c.update(w[i : i + 3] for i in range(len(w) - 2))
    return c


class RomajiMatcher:
    """Cosine of TF-IDF character trigrams of :func:`latin_key` over a set of texts.

    Built once over the pool (O(total length)); :meth:`scores` of query texts against
    every pool text is one sparse product.
    """

    def __init__(self, texts: Sequence[str]) -> None:
        self.vocab: dict[str, int] = {}
        counts = [_trigrams(latin_key(t)) for t in texts]
        df: Counter[str] = Counter()
        for c in counts:
            df.update(c.keys())
        n = max(len(texts), 1)
        self.vocab = {g: i for i, g in enumerate(df)}
        self.idf = np.array([math.log((1 + n) / (1 + df[g])) + 1.0 for g in df])
        self.matrix = self._rows(counts)
        # (vocabulary x items), row-major: a query touches only its trigrams' rows
        self._by_gram = self.matrix.T.tocsr()

    def _rows(self, counts: Sequence[Counter[str]]) -> sparse.csr_matrix:
        rows, cols, vals = [], [], []
        for r, c in enumerate(counts):
            for g, k in c.items():
                j = self.vocab.get(g)
                if j is not None:
                    rows.append(r)
                    cols.append(j)
                    vals.append((1.0 + math.log(k)) * self.idf[j])
        m = sparse.csr_matrix((vals, (rows, cols)), shape=(len(counts), len(self.vocab)))
        norms = np.sqrt(np.asarray(m.multiply(m).sum(axis=1)).ravel())
        norms[norms == 0] = 1.0
        return sparse.diags(1.0 / norms) @ m

    def scores(self, texts: Sequence[str]) -> np.ndarray:
        """Dense ``(len(texts), pool size)`` cosines in [0, 1]."""
        return np.asarray(self.sparse_scores(texts).todense())

    def sparse_scores(self, texts: Sequence[str], min_cosine: float = 0.0) -> sparse.csr_matrix:
        """The same cosines, sparse: only items sharing a trigram with the query, and
        of those only cosines of at least ``min_cosine``; indices sorted."""
        q = self._rows([_trigrams(latin_key(t)) for t in texts])
        out = (q @ self._by_gram).tocsr()
        if min_cosine > 0:
            out.data[out.data < min_cosine] = 0.0
            out.eliminate_zeros()
        out.sort_indices()
        return out
