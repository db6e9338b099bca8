"""Embedding texts with windowing and the content-hash cache."""

from __future__ import annotations

import os
from collections.abc import Sequence

import numpy as np

from ._text import check_texts
from .cache import EmbeddingCache, content_key
from .encoders import Encoder, Kind, default_encoder
from .windowing import Windowing, split_windows

__all__ = ["embed"]


def _as_cache(cache: EmbeddingCache | str | os.PathLike[str] | None) -> EmbeddingCache | None:
    if cache is None or isinstance(cache, EmbeddingCache):
        return cache
    if isinstance(cache, str | os.PathLike):
        return EmbeddingCache(cache)
    raise ValueError(f"cache must be an EmbeddingCache, a directory or None, got {cache!r}")


def embed(
    texts: Sequence[str],
    *,
    kind: Kind = "passage",
    encoder: Encoder | None = None,
    cache: EmbeddingCache | str | os.PathLike[str] | None = None,
    windowing: Windowing | None = None,
    batch_size: int = 32,
) -> np.ndarray:
    """Embed ``texts`` into an ``(n, dim)`` float32 array of unit rows.

    Long texts are split into overlapping windows (:func:`split_windows`) whose
    vectors are pooled (mean by default); each window is looked up in ``cache`` by
    ``sha256(model_id, kind, window)`` and only missing windows are encoded, each
    distinct window once. ``encoder`` defaults to the lazily loaded e5 model.
    Deterministic; O(total tokens of uncached windows) model work.

    Raises ``ValueError`` naming ``texts[i]`` for an empty or non-string text.

    >>> from kakehashi_semantic.encoders import CharNgramEncoder
    >>> embed(["EEG decoding", "脳波デコーディング"], encoder=CharNgramEncoder(dim=64)).shape
    (2, 64)
    """
    clean = check_texts(texts, "texts")
    if kind not in ("query", "passage"):
        raise ValueError(f"kind must be 'query' or 'passage', got {kind!r}")
    if not isinstance(batch_size, int) or batch_size < 1:
        raise ValueError(f"batch_size must be a positive int, got {batch_size!r}")
    enc = encoder if encoder is not None else default_encoder()
    store = _as_cache(cache)
    w = windowing or Windowing()
    if getattr(enc, "window_tokens", None):
        w = Windowing(
            max_tokens=min(w.max_tokens, enc.window_tokens),
            overlap_tokens=min(w.overlap_tokens, enc.window_tokens // 4),
            max_windows=w.max_windows,
            pooling=w.pooling,
        )
        per_text = [split_windows(t, w) for t in clean]
    else:
        per_text = [[t] for t in clean]

    keys = {win: content_key(enc.model_id, kind, win) for ws in per_text for win in ws}
    found = store.get_many(list(keys.values())) if store is not None else {}
    missing = [win for win, k in keys.items() if k not in found]
    vectors: dict[str, np.ndarray] = {}
    for i in range(0, len(missing), batch_size):
        chunk = missing[i : i + batch_size]
        out = enc.encode(chunk, kind=kind)
        new = {keys[win]: out[j] for j, win in enumerate(chunk)}
        if store is not None:
            store.put_many(new)
        found.update(new)
    for win, k in keys.items():
        vectors[win] = found[k]

    dim = enc.dim
    result = np.zeros((len(clean), dim), np.float32)
    for r, ws in enumerate(per_text):
        m = np.stack([vectors[x] for x in ws])
        v = m.max(axis=0) if w.pooling == "max" else m.mean(axis=0)
        n = float(np.linalg.norm(v))
        result[r] = v / n if n > 0 else v
    return result
