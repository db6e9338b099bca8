import time

import numpy as np
import pytest

from kakehashi_semantic import CharNgramEncoder, Windowing, embed, split_sentences, split_windows
from kakehashi_semantic.windowing import estimate_tokens


def test_split_windows_short_text_is_one_window():
    assert split_windows("Stable matching under capacity constraints") == [
        "Stable matching under capacity constraints"
    ]


def test_split_windows_covers_every_sentence_with_overlap():
    sents = [f"Sentence number {i} is about EEG decoding." for i in range(60)]
    text = " ".join(sents)
    w = Windowing(max_tokens=60, overlap_tokens=12, max_windows=100)
    windows = split_windows(text, w)
    assert len(windows) > 1
    for s in sents:
        assert any(s in win for win in windows)
    assert all(estimate_tokens(win) <= 60 for win in windows)
    # consecutive windows share at least one sentence
    assert any(s in windows[0] and s in windows[1] for s in sents)


def test_split_windows_japanese_without_spaces():
    text = "脳波デコーディングの研究を行う。" * 100
    windows = split_windows(text, Windowing(max_tokens=100, overlap_tokens=0, max_windows=100))
    assert len(windows) == 17  # 6 sentences of 16 characters per window
    assert all(len(w) <= 100 for w in windows)
    assert "".join(windows) == text


def test_split_windows_caps_windows_evenly_first_and_last_kept():
    sents = [f"Topic {i} sentence." for i in range(400)]
    windows = split_windows(
        " ".join(sents), Windowing(max_tokens=20, overlap_tokens=0, max_windows=5)
    )
    assert len(windows) == 5
    assert windows[0].startswith("Topic 0 ")
    assert windows[-1].endswith("Topic 399 sentence.")


def test_split_windows_sentence_longer_than_window_is_split_not_cut():
    text = "x" * 5000
    windows = split_windows(text, Windowing(max_tokens=100, overlap_tokens=0, max_windows=1000))
    assert "".join(windows) == text


def test_split_sentences_ja_en_fr():
    assert split_sentences("一文目。二文目！Third one? Le quatrième.") == [
        "一文目。",
        "二文目！",
        "Third one?",
        " Le quatrième.",
    ]


@pytest.mark.parametrize(
    "kwargs",
    [{"max_tokens": 2}, {"overlap_tokens": 400}, {"max_windows": 0}, {"pooling": "median"}],
)
def test_windowing_bad_arguments(kwargs):
    with pytest.raises(ValueError, match=next(iter(kwargs))):
        Windowing(**kwargs)


def test_embed_long_text_is_pooled_over_windows(e5, cache):
    long = " ".join(f"Part {i}: EEG decoding for brain-computer interfaces." for i in range(40))
    v = embed([long], encoder=e5, cache=cache)
    assert v.shape == (1, 384)
    assert float(np.linalg.norm(v[0])) == pytest.approx(1.0, abs=1e-5)
    w = embed([long], encoder=e5, cache=cache, windowing=Windowing(pooling="max"))
    assert float(v[0] @ w[0]) > 0.95


def test_embed_one_megabyte_description_is_bounded(e5, cache):
    text = ("本プロジェクトでは脳波デコーディングを研究する。" * 40000)[:1_000_000]
    t0 = time.perf_counter()
    v = embed([text], encoder=e5, cache=cache)
    assert time.perf_counter() - t0 < 60
    assert np.isfinite(v).all()
    assert float(np.linalg.norm(v[0])) == pytest.approx(1.0, abs=1e-5)


def test_embed_one_megabyte_with_char_encoder():
    v = embed(["a long description " * 55000], encoder=CharNgramEncoder(dim=64))
    assert v.shape == (1, 64)
