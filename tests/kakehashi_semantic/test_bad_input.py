import numpy as np
import pytest

from kakehashi_semantic import CharNgramEncoder, embed


@pytest.mark.parametrize("bad", ["", "   ", "\n\t"])
def test_embed_empty_text_raises_naming_index(bad):
    with pytest.raises(ValueError, match=r"texts\[1\] is empty"):
        embed(["ok", bad], encoder=CharNgramEncoder(dim=32))


def test_embed_non_string_raises():
    with pytest.raises(ValueError, match=r"texts\[0\] must be a str"):
        embed([3], encoder=CharNgramEncoder(dim=32))  # type: ignore[list-item]


def test_embed_single_string_instead_of_list_raises():
    with pytest.raises(ValueError, match="texts must be a sequence of str"):
        embed("text", encoder=CharNgramEncoder(dim=32))  # type: ignore[arg-type]


def test_embed_other_scripts_and_emoji_give_unit_vectors(e5, cache):
    texts = ["뇌파 디코딩 연구", "脑电解码研究", "😀🎉🚀", "Мозговые волны"]
    v = embed(texts, encoder=e5, cache=cache)
    assert np.isfinite(v).all()
    np.testing.assert_allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-5)


def test_embed_nul_and_lone_surrogate_do_not_cut_or_crash(e5, cache):
    a = embed(["EEG\x00 decoding\ud800 study"], encoder=e5, cache=cache)
    b = embed(["EEG decoding study"], encoder=e5, cache=cache)
    assert float(a[0] @ b[0]) > 0.9


def test_embed_does_not_mutate_input():
    texts = ["a b", "c d"]
    embed(texts, encoder=CharNgramEncoder(dim=32))
    assert texts == ["a b", "c d"]
