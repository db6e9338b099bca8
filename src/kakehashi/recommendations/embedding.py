"""What the web project embeds, and with which encoder and cache.

The texts are defined here once, so the refresh job, the recommendations, the search
and the demo fixture all compute the same content keys. Everything is looked up at
call time (never at import time): the encoder loads lazily on its first encode, in
the process that needs it (never fork after that: OpenMP).
"""

from __future__ import annotations

import threading
from pathlib import Path

from django.conf import settings
from django.dispatch import receiver
from django.utils.module_loading import import_string

from kakehashi.core.signals import backup_files
from kakehashi_semantic import (
    EmbeddingCache,
    Encoder,
    default_cache_dir,
    default_encoder,
    split_sentences,
)

# Levels of LanguageSkill on the engine's 0–1 scale (CEFR and JLPT side by side).
LANGUAGE_LEVELS = {
    "A1": 0.2,
    "A2": 0.35,
    "B1": 0.5,
    "B2": 0.7,
    "C1": 0.85,
    "C2": 1.0,
    "N5": 0.2,
    "N4": 0.35,
    "N3": 0.5,
    "N2": 0.7,
    "N1": 0.85,
    "native": 1.0,
}
# What a project's working language asks for: independent use (B2 / JLPT N2).
REQUIRED_LEVEL = 0.7
# best_sentence_pair compares the first 40 sentences of each text.
MAX_SENTENCES = 40

_caches: dict[Path, EmbeddingCache] = {}
_lock = threading.Lock()


def embedding_cache() -> EmbeddingCache:
    """The process's embedding cache: settings.RECOMMENDATIONS_EMBEDDING_CACHE, else
    $KAKEHASHI_EMBEDDING_CACHE, else var/cache/embeddings (one connection per directory)."""
    directory = getattr(settings, "RECOMMENDATIONS_EMBEDDING_CACHE", None) or default_cache_dir()
    path = Path(directory)
    with _lock:
        cache = _caches.get(path)
        if cache is None:
            cache = _caches[path] = EmbeddingCache(path)
        return cache


@receiver(backup_files, dispatch_uid="recommendations.backup")
def embedding_cache_file(**kwargs) -> dict[str, Path]:
    """Receiver of ``core.signals.backup_files``: the embedding cache's SQLite file."""
    return {"embeddings/embeddings.sqlite3": embedding_cache().path}


def encoder() -> Encoder:
    """settings.RECOMMENDATIONS_ENCODER (dotted path of a factory) or the lazy e5 encoder."""
    path = getattr(settings, "RECOMMENDATIONS_ENCODER", None)
    if path:
        return import_string(path)()
    return default_encoder()


def project_text(project) -> str:
    """Title, summary and description, one paragraph each (the original language)."""
    parts = (project.title, project.summary, project.description)
    return "\n\n".join(p.strip() for p in parts if p and p.strip())


def profile_text(profile) -> str:
    """A candidate's research interests."""
    return (profile.research_interests or "").strip()


def sentences(text: str) -> list[str]:
    """The sentences the explanation compares (as `best_sentence_pair` splits them)."""
    out = [s.strip() for s in split_sentences(text)][:MAX_SENTENCES]
    return [s for s in out if s]


def person_languages(person) -> dict[str, float]:
    """A person's language levels on the engine's scale (prefetch `languages`)."""
    out: dict[str, float] = {}
    for skill in person.languages.all():
        level = LANGUAGE_LEVELS.get(skill.level, 0.5)
        out[skill.language] = max(out.get(skill.language, 0.0), level)
    return out
