"""Recommendations' answer to people's account deletion
(a receiver of ``people.signals.person_erase``): the embeddings computed
from a person's texts leave the cache once the deletion commits."""

from __future__ import annotations

import contextlib

from django.db import transaction
from django.dispatch import receiver
from django.utils.translation import gettext as _

from kakehashi.people.models import CandidateProfile
from kakehashi.people.privacy import DELETED, erase_item
from kakehashi.people.signals import person_erase
from kakehashi.recommendations.embedding import embedding_cache, encoder, profile_text, sentences
from kakehashi_semantic import EmbeddingCache, embed


class _Uncached(Exception):
    pass


class _KeyProbe:
    """Stands in for the encoder: knows its model and windows, encodes nothing (the
    model is never loaded)."""

    def __init__(self, enc) -> None:
        self.model_id = enc.model_id
        self.window_tokens = getattr(enc, "window_tokens", None)

    def encode(self, texts, *, kind="passage"):
        raise _Uncached


class _KeyRecorder(EmbeddingCache):
    """A cache that stores nothing and remembers every key it is asked for."""

    def __init__(self, directory) -> None:
        super().__init__(directory)
        self.keys: list[str] = []

    def get_many(self, keys):
        self.keys.extend(keys)
        return {}


def person_text_keys(person) -> list[str]:
    """The cache keys of the embeddings of `person`'s texts (their research interests
    and its sentences); nothing is encoded."""
    profile = CandidateProfile.objects.filter(user=person).only("research_interests").first()
    text = profile_text(profile) if profile else ""
    if not text:
        return []
    cache = embedding_cache()
    recorder = _KeyRecorder(cache.directory)
    probe = _KeyProbe(encoder())
    for piece in [text, *sentences(text)]:
        with contextlib.suppress(_Uncached):  # the probe encodes nothing: keys are all we need
            embed([piece], encoder=probe, cache=recorder)
    return list(dict.fromkeys(recorder.keys))


@receiver(person_erase, dispatch_uid="recommendations.privacy")
def recommendations_erase(*, sender, person, placeholder, dry_run, **kwargs) -> list[dict]:
    keys = person_text_keys(person)
    present = embedding_cache().get_many(keys) if keys else {}
    items = [
        erase_item(
            what=_("Embeddings of your research interests"),
            count=len(present),
            action=DELETED,
            why=_("Computed from your texts for recommendations and search."),
        )
    ]
    if not dry_run and present:
        # The cache lives outside the database: it changes only once the deletion commits.
        transaction.on_commit(lambda: embedding_cache().delete_many(list(present)))
    return items
