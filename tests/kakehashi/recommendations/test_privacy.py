"""A deleted account's research interests leave the embedding cache, once the deletion
commits; everyone else's vectors stay."""

import pytest

from kakehashi.people.services import candidate_profile_set, person_delete
from kakehashi.recommendations.embedding import embedding_cache, encoder
from kakehashi.recommendations.privacy import person_text_keys
from kakehashi_semantic import content_key
from tests import factories

pytestmark = pytest.mark.django_db


def test_deletion_removes_the_embeddings_of_the_persons_texts(
    refreshed, django_capture_on_commit_callbacks
):
    leaving = factories.candidate(user__username="leaving")
    staying = factories.candidate(user__username="staying")
    text = "Soft robotic grippers. Tactile sensing for fruit picking."
    candidate_profile_set(user=leaving.candidate_profile.user, research_interests=text)
    candidate_profile_set(
        user=staying.candidate_profile.user, research_interests="Coastal ocean acoustics."
    )
    leaving.set_password("a long enough password 42")
    leaving.save()
    refreshed()
    cache = embedding_cache()
    mine = person_text_keys(leaving)
    whole = content_key(encoder().model_id, "passage", text)
    # The whole text and each of its two sentences.
    assert whole in mine and len(mine) == 3
    assert set(cache.get_many(mine)) == set(mine)
    others = person_text_keys(staying)
    assert set(cache.get_many(others)) == set(others)

    with django_capture_on_commit_callbacks(execute=True):
        person_delete(person=leaving, password="a long enough password 42")

    assert cache.get_many(mine) == {}
    assert set(cache.get_many(others)) == set(others)
