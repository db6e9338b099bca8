"""Regenerate the demo's embeddings fixture (src/kakehashi/demo/data/embeddings.npz).

Loads the demo inside a transaction that is rolled back, embeds every text the pages
need with the real encoder (through the usual cache, so a warm cache makes it quick),
and writes exactly the vectors those texts used. Run it on a database that holds only
the demo (a fresh one), or other rows' texts are included too.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand
from django.db import transaction

from kakehashi.demo.services import demo_load
from kakehashi.recommendations.embedding import embedding_cache, encoder
from kakehashi.recommendations.services import (
    DEMO_FIXTURE,
    embeddings_export,
    texts_to_embed,
)
from kakehashi.review.selectors import review_texts
from kakehashi_semantic import EmbeddingCache, embed


class _Recording(EmbeddingCache):
    """The usual cache, remembering every key it was asked for."""

    def __init__(self, directory) -> None:
        super().__init__(directory)
        self.keys: list[str] = []

    def get_many(self, keys):
        self.keys.extend(keys)
        return super().get_many(keys)


class _Rollback(Exception):
    pass


class Command(BaseCommand):
    help = "Embed the demo's texts and write them as the demo's embeddings fixture."

    def add_arguments(self, parser):
        parser.add_argument("-o", "--output", default=str(DEMO_FIXTURE))

    def handle(self, *args, output: str, **options):
        cache = _Recording(embedding_cache().directory)
        enc = encoder()
        try:
            with transaction.atomic():
                demo_load()
                # Reviewers' expertise too: assignment runs on the demo encode nothing.
                texts = texts_to_embed() + review_texts()
                for start in range(0, len(texts), 16):
                    embed(texts[start : start + 16], encoder=enc, cache=cache)
                raise _Rollback
        except _Rollback:
            pass
        count = embeddings_export(keys=cache.keys, cache=cache, path=Path(output))
        self.stdout.write(f"{len(texts)} texts, {count} vectors written to {Path(output).name}")
