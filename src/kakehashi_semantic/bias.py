"""Correcting the same-language bias of multilingual embeddings in mixed-language pools.

Multilingual encoders place texts of one language in a shared offset region, so in a
pool that mixes languages a mediocre same-language text outranks the true
translation. Two unsupervised corrections, both estimated without labels:

* :class:`LanguageCentering` — subtract a per-language (and per e5 prefix) mean
  embedding estimated on held-apart platform texts, then renormalise (Libovický,
  Rosa & Fraser 2020, "On the Language Neutrality of Pre-trained Multilingual
  Representations", Findings of EMNLP, doi:10.18653/v1/2020.findings-emnlp.150).
  Optionally also project out the subspace spanned by the language means
  (Xie et al. 2022, "Discovering Low-rank Subspaces for Language-agnostic
  Multilingual Representations", EMNLP, doi:10.18653/v1/2022.emnlp-main.379).
* :func:`calibrate_by_language` — per query, standardise the scores within each
  pool language (z-scores), so each language's candidates compete on how unusual
  their similarity is rather than on its raw level.

Their measured effect is in docs/semantic/README.md.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

__all__ = ["SMALL_LANGUAGE_SHRINKAGE", "LanguageCentering", "calibrate_by_language"]

#: Pseudo-count of the shrinkage of a rare language's mean towards the average mean
#: (see :meth:`LanguageCentering.fit`); measured on the demo projects (docs/semantic).
SMALL_LANGUAGE_SHRINKAGE = 3.0


def _unit_rows(a: np.ndarray) -> np.ndarray:
    n = np.linalg.norm(a, axis=1, keepdims=True)
    n[n == 0] = 1.0
    return (a / n).astype(np.float32)


def _check(vectors: np.ndarray, langs: Sequence[str]) -> np.ndarray:
    v = np.asarray(vectors, dtype=np.float32)
    if v.ndim != 2:
        raise ValueError(f"vectors must be 2-D, got shape {v.shape}")
    if len(langs) != v.shape[0]:
        raise ValueError(f"langs has {len(langs)} items but vectors has {v.shape[0]} rows")
    return v


@dataclass(frozen=True, eq=False)
class LanguageCentering:
    """Per-language mean vectors to subtract (keys are language codes).

    ``fallback`` is subtracted for a language without its own mean (e.g. ``"ko"``):
    the average of the fitted means, so such texts are not favoured over centred ones.
    ``project_out`` additionally removes the span of the centred language means.

    >>> v = np.array([[1.0, 0.1], [1.0, -0.1], [-1.0, 0.1], [-1.0, -0.1]], np.float32)
    >>> c = LanguageCentering.fit(v, ["ja", "ja", "en", "en"])
    >>> np.round(c.transform(v, ["ja", "ja", "en", "en"]), 3).tolist()
    [[0.0, 1.0], [0.0, -1.0], [0.0, 1.0], [0.0, -1.0]]
    """

    means: Mapping[str, np.ndarray]
    fallback: np.ndarray | None = None
    project_out: bool = False
    _basis: np.ndarray | None = field(default=None, repr=False, compare=False)

    @classmethod
    def fit(
        cls,
        vectors: np.ndarray,
        langs: Sequence[str],
        *,
        min_count: int = 1,
        project_out: bool = False,
        shrinkage: float = 0.0,
    ) -> LanguageCentering:
        """Estimate one mean per language among ``langs`` with at least ``min_count`` texts.

        The average of those means is the ``fallback``. With ``shrinkage`` τ > 0, a
        language with ``n < min_count`` texts also gets a mean, shrunk towards the
        fallback: ``(n * own_mean + τ * fallback) / (n + τ)``. Without it such a
        language keeps its whole offset: seven French projects among Japanese and
        English ones were ranked above the relevant ones for French queries.
        O(n * d). Use texts that are *not* the ones being evaluated (held apart).
        """
        v = _check(vectors, langs)
        if min_count < 1:
            raise ValueError(f"min_count must be >= 1, got {min_count}")
        if not shrinkage >= 0:
            raise ValueError(f"shrinkage must be >= 0, got {shrinkage!r}")
        la = np.asarray(list(langs), dtype=object)
        means = {}
        small = {}
        for lang in sorted(set(langs)):
            sel = la == lang
            if sel.sum() >= min_count:
                means[lang] = v[sel].mean(axis=0).astype(np.float32)
            else:
                small[lang] = (int(sel.sum()), v[sel].astype(np.float64).mean(axis=0))
        if not means:
            raise ValueError("langs has no language with enough texts to fit")
        fallback = np.mean(np.stack(list(means.values())), axis=0).astype(np.float32)
        if shrinkage > 0:
            for lang, (n, m) in small.items():
                shrunk = (n * m + shrinkage * fallback.astype(np.float64)) / (n + shrinkage)
                means[lang] = shrunk.astype(np.float32)
        basis = None
        if project_out and len(means) >= 2:
            m = np.stack([x - fallback for x in means.values()])
            _, s, vt = np.linalg.svd(m, full_matrices=False)
            basis = vt[s > 1e-6 * max(1e-12, s.max())].astype(np.float32)
        return cls(means=means, fallback=fallback, project_out=project_out, _basis=basis)

    def transform(self, vectors: np.ndarray, langs: Sequence[str]) -> np.ndarray:
        """Centred, unit-length copies of ``vectors`` (input untouched). O(n * d)."""
        v = _check(vectors, langs).copy()
        la = np.asarray(list(langs), dtype=object)
        for lang in set(langs):
            mu = self.means.get(lang, self.fallback)
            if mu is not None:
                v[la == lang] -= mu
        if self._basis is not None:
            v -= (v @ self._basis.T) @ self._basis
        return _unit_rows(v)


def calibrate_by_language(
    scores: np.ndarray, pool_langs: Sequence[str], *, min_group: int = 10
) -> np.ndarray:
    """Per-row z-scores of ``scores`` computed separately within each pool language.

    ``scores`` is ``(m, n)`` (queries × pool); languages with fewer than ``min_group``
    pool items are pooled into one group. Non-finite scores (e.g. ``-inf`` for excluded
    items) are ignored in the statistics and stay ``-inf``. Returns a new array. O(m * n).
    """
    s = np.asarray(scores, dtype=np.float32)
    if s.ndim != 2 or s.shape[1] != len(pool_langs):
        raise ValueError(f"scores must have shape (m, {len(pool_langs)}), got {s.shape}")
    finite = np.isfinite(s)
    x = np.where(finite, s, np.nan)
    out = np.full_like(s, -np.inf)
    la = np.asarray(list(pool_langs), dtype=object)
    groups = [la == lang for lang in sorted(set(pool_langs))]
    small = np.zeros(len(la), dtype=bool)
    for sel in groups:
        if sel.sum() < min_group:
            small |= sel
    if small.all():
        groups = [np.ones(len(la), dtype=bool)]
    elif small.any():
        groups = [g for g in groups if not (g & small).any()] + [small]
    for sel in groups:
        g = x[:, sel]
        cnt = np.isfinite(g).sum(axis=1, keepdims=True)
        safe = np.where(np.isfinite(g), g, 0.0)
        mu = safe.sum(axis=1, keepdims=True) / np.maximum(cnt, 1)
        var = (np.where(np.isfinite(g), g - mu, 0.0) ** 2).sum(axis=1, keepdims=True)
        sd = np.sqrt(var / np.maximum(cnt, 1)) + 1e-6
        z = (safe - mu) / sd
        out[:, sel] = np.where(np.isfinite(g), z, -np.inf)
    return out
