"""Off-topic queries: everyday topics beside the pool tell them from real ones."""

import numpy as np
import pytest

from kakehashi_semantic import CharNgramEncoder, Item, TopicGuard, everyday_topics
from kakehashi_semantic.offtopic import OFF_TOPIC_FLOOR, OFF_TOPIC_MARGIN

ENC = CharNgramEncoder(dim=256)
POOL = [
    Item(1, "soft robotic grippers for fruit picking", "en"),
    Item(2, "decoding brain activity from EEG signals", "en"),
    Item(3, "machine translation of spoken Japanese", "en"),
    Item(4, "solid-state battery materials", "en"),
    Item(5, "remote sensing of crop water stress", "en"),
]


@pytest.fixture(scope="module")
def guard():
    return TopicGuard.build(POOL, encoder=ENC)


def test_everyday_topics_are_three_languages_a_line():
    topics = everyday_topics()
    assert len(topics) == 14 * 3
    assert {t.lang for t in topics} == {"en", "fr", "ja"}
    assert topics[0].text == "cooking recipes and restaurants"
    assert len({t.id for t in topics}) == len(topics)


def test_pool_text_is_on_topic_and_a_topic_text_is_not(guard):
    assert not guard.off_topic("decoding brain activity from EEG signals", lang="en")
    assert guard.off_topic("weather forecast", lang="en")
    best, decoy = guard.margin("weather forecast", lang="en")
    assert decoy - best > OFF_TOPIC_MARGIN or best < OFF_TOPIC_FLOOR


def test_mask_limits_the_pool(guard):
    text = "decoding brain activity from EEG signals"
    everything, _ = guard.margin(text, lang="en")
    without, _ = guard.margin(text, lang="en", mask=np.array([1, 0, 1, 1, 1], dtype=bool))
    assert without < everything
    nothing, _ = guard.margin(text, lang="en", mask=np.zeros(5, dtype=bool))
    assert nothing == -np.inf
    assert guard.off_topic(text, lang="en", mask=np.zeros(5, dtype=bool))


def test_mask_of_the_wrong_length_is_refused(guard):
    with pytest.raises(ValueError, match=r"mask must have shape \(5,\)"):
        guard.margin("EEG", mask=np.ones(3, dtype=bool))
