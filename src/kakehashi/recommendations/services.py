"""Writes: keep the embedding cache current, seed it from the demo fixture.

`embeddings_refresh` encodes only texts that are new or changed (the cache is keyed by
content); `embeddings_refresh_enqueue` starts it as a background job once the
transaction that changed a text commits.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
from django.db import transaction
from django.dispatch import receiver

from kakehashi.jobs.enums import JobStatus
from kakehashi.jobs.models import Job
from kakehashi.jobs.services import job_enqueue
from kakehashi.people.signals import profile_text_changed
from kakehashi.projects.signals import project_text_changed
from kakehashi.recommendations.embedding import (
    embedding_cache,
    encoder,
    sentences,
)
from kakehashi.recommendations.selectors import embedding_texts, explanation_texts
from kakehashi_semantic import EmbeddingCache, Encoder, embed

REFRESH = "recommendations.refresh"
DEMO_FIXTURE = Path(__file__).resolve().parents[1] / "demo" / "data" / "embeddings.npz"
BATCH = 8


class _Uncached(Exception):
    pass


class _Probe:
    """Stands in for the encoder to learn whether a text is fully cached, encoding nothing."""

    def __init__(self, enc: Encoder) -> None:
        self.model_id = enc.model_id
        self.dim = enc.dim
        self.window_tokens = getattr(enc, "window_tokens", None)

    def encode(self, texts, *, kind="passage"):
        raise _Uncached


def texts_to_embed() -> list[str]:
    """Whole texts (projects, profiles, search items) and the sentences explanations compare."""
    texts = embedding_texts()
    for text in explanation_texts():
        texts.extend(sentences(text))
    return list(dict.fromkeys(texts))


def embeddings_missing(
    texts: list[str], *, enc: Encoder | None = None, cache: EmbeddingCache | None = None
) -> list[str]:
    """The texts with at least one window not in the cache (nothing is encoded)."""
    probe = _Probe(enc or encoder())
    cache = cache or embedding_cache()
    missing = []
    for text in texts:
        try:
            embed([text], encoder=probe, cache=cache)
        except _Uncached:
            missing.append(text)
    return missing


def embeddings_refresh(
    *,
    progress: Callable[[int, int, str], None] | None = None,
    enc: Encoder | None = None,
    cache: EmbeddingCache | None = None,
) -> dict:
    """Embed every new or changed text into the cache, reporting progress (done, total)."""
    enc = enc or encoder()
    cache = cache or embedding_cache()
    texts = texts_to_embed()
    missing = embeddings_missing(texts, enc=enc, cache=cache)
    total = len(missing)
    if progress is not None:
        progress(0, total, "")
    for start in range(0, total, BATCH):
        embed(missing[start : start + BATCH], encoder=enc, cache=cache)
        if progress is not None:
            progress(min(total, start + BATCH), total, "")
    return {"texts": len(texts), "encoded": total}


def embeddings_refresh_enqueue(*, user=None) -> None:
    """Start a refresh job once the current transaction commits (one queued at a time)."""

    def start() -> None:
        if not Job.objects.filter(kind=REFRESH, status=JobStatus.QUEUED).exists():
            job_enqueue(kind=REFRESH, user=user)

    transaction.on_commit(start)


@receiver(project_text_changed, dispatch_uid="recs.project")
@receiver(profile_text_changed, dispatch_uid="recs.profile")
def embeddings_on_text_changed(*, sender, **kwargs) -> None:
    """Receiver of ``project_text_changed`` and ``profile_text_changed``: re-embed
    after commit (recommendations and search read the vectors)."""
    embeddings_refresh_enqueue()


def embeddings_seed(*, path: Path = DEMO_FIXTURE, cache: EmbeddingCache | None = None) -> int:
    """Copy the vectors of a fixture (content key → vector) missing from the cache.

    Returns how many were added. A missing fixture adds nothing."""
    if not path.exists():
        return 0
    cache = cache or embedding_cache()
    with np.load(path) as data:
        keys = [row.tobytes().hex() for row in data["keys"]]
        vectors = data["vectors"].astype(np.float32)
    present = cache.get_many(keys)
    new = {k: v for k, v in zip(keys, vectors, strict=True) if k not in present}
    if new:
        cache.put_many(new)
    return len(new)


def embeddings_export(*, keys: list[str], cache: EmbeddingCache, path: Path) -> int:
    """Write the cached vectors of `keys` as a fixture: 32-byte keys, float16 vectors."""
    found = cache.get_many(sorted(set(keys)))
    ordered = sorted(found)
    np.savez_compressed(
        path,
        keys=np.frombuffer(b"".join(bytes.fromhex(k) for k in ordered), np.uint8).reshape(-1, 32),
        vectors=np.stack([found[k] for k in ordered]).astype(np.float16),
    )
    return len(ordered)
