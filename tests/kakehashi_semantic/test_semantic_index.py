import numpy as np
import pytest

from kakehashi_semantic import Item, SemanticIndex


@pytest.fixture(scope="module")
def mixed(titles):
    items = [
        Item(f"ja{i}", t[0], "ja", {"call": "A" if i % 2 else "B"}) for i, t in enumerate(titles)
    ]
    items += [
        Item(f"en{i}", t[1], "en", {"call": "A" if i % 2 else "B"}) for i, t in enumerate(titles)
    ]
    return items


def _r1(index, src, dst, texts, lang, **kw):
    hits = index.search(
        list(texts),
        langs=[lang] * len(texts),
        k=5,
        exclude=[f"{src}{i}" for i in range(len(texts))],
        **kw,
    )
    return np.mean([h[0].id == f"{dst}{i}" for i, h in enumerate(hits)])


def test_mixed_pool_correction_finds_translations(mixed, e5, cache, titles):
    corrected = SemanticIndex.build(mixed, encoder=e5, cache=cache)
    raw = SemanticIndex.build(mixed, encoder=e5, cache=cache, correction=False)
    ja = [t[0] for t in titles]
    en = [t[1] for t in titles]
    assert _r1(corrected, "ja", "en", ja, "ja") == 1.0
    assert _r1(corrected, "en", "ja", en, "en") == 1.0
    assert _r1(raw, "en", "ja", en, "en", calibrate=False) <= 1.0  # raw still runs
    # correction never hurts on this set: the translation is first for every query
    assert _r1(corrected, "ja", "en", ja, "ja") >= _r1(raw, "ja", "en", ja, "ja", calibrate=False)


def test_filters_apply_before_ranking(mixed, e5, cache, titles):
    index = SemanticIndex.build(mixed, encoder=e5, cache=cache)
    hits = index.search([titles[0][0]], langs=["ja"], k=30, where={"call": "A"})[0]
    assert {h.id for h in hits} == {f"{p}{i}" for p in ("ja", "en") for i in range(1, 12, 2)}


def test_language_is_detected_when_not_given(e5, cache, titles):
    items = [Item(i, t[1]) for i, t in enumerate(titles)]
    index = SemanticIndex.build(items, encoder=e5, cache=cache)
    assert set(index.langs) == {"en"}
    hits = index.search(["ロボットアームの強化学習"], k=1)[0]
    assert hits[0].id == 9


def test_tiny_pool_without_correction_statistics(e5, cache):
    items = [
        Item("p1", "EEG decoding for brain-computer interfaces"),
        Item("p2", "Sake brewing history"),
    ]
    index = SemanticIndex.build(items, encoder=e5, cache=cache)
    assert index.centering is None
    assert index.search(["脳波デコーディング"], k=1)[0][0].id == "p1"


def test_build_bad_arguments(e5):
    with pytest.raises(ValueError, match="items must not be empty"):
        SemanticIndex.build([], encoder=e5)
    with pytest.raises(ValueError, match="unique ids"):
        SemanticIndex.build([Item(1, "a"), Item(1, "b")], encoder=e5)
    with pytest.raises(ValueError, match=r"items\[0\] must be an Item"):
        SemanticIndex.build(["text"], encoder=e5)  # type: ignore[list-item]


def test_item_copies_metadata():
    meta = {"call": "A"}
    item = Item("x", "text", metadata=meta)
    meta["call"] = "B"
    assert item.metadata["call"] == "A"
    with pytest.raises(ValueError, match="text must be a str"):
        Item("x", None)  # type: ignore[arg-type]
