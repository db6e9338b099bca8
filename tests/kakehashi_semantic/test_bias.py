import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kakehashi_semantic import (
    CharNgramEncoder,
    Item,
    LanguageCentering,
    SemanticIndex,
    calibrate_by_language,
)


def test_centering_removes_language_offset():
    v = np.array([[1.0, 0.1], [1.0, -0.1], [-1.0, 0.1], [-1.0, -0.1]], np.float32)
    c = LanguageCentering.fit(v, ["ja", "ja", "en", "en"])
    out = c.transform(v, ["ja", "ja", "en", "en"])
    np.testing.assert_allclose(out, [[0, 1], [0, -1], [0, 1], [0, -1]], atol=1e-6)
    assert v[0, 0] == 1.0  # input untouched


def test_centering_unknown_language_uses_average_mean():
    v = np.array([[1.0, 0.0], [0.0, 1.0]], np.float32)
    c = LanguageCentering.fit(v, ["ja", "en"])
    out = c.transform(np.array([[1.0, 1.0]], np.float32), ["ko"])
    np.testing.assert_allclose(out, [[np.sqrt(0.5), np.sqrt(0.5)]], atol=1e-6)


def test_centering_project_out_removes_language_direction():
    rng = np.random.default_rng(0)
    base = rng.normal(size=(20, 5)).astype(np.float32)
    shift = np.array([3, 0, 0, 0, 0], np.float32)
    v = np.vstack([base + shift, base - shift])
    langs = ["ja"] * 20 + ["en"] * 20
    c = LanguageCentering.fit(v, langs, project_out=True)
    out = c.transform(v, langs)
    np.testing.assert_allclose(out[:, 0], 0.0, atol=1e-5)


def test_centering_bad_arguments():
    with pytest.raises(ValueError, match="langs has 1 items"):
        LanguageCentering.fit(np.ones((2, 2)), ["ja"])
    with pytest.raises(ValueError, match="enough texts"):
        LanguageCentering.fit(np.ones((2, 2)), ["ja", "en"], min_count=5)


def test_calibrate_by_language_z_scores_per_group():
    s = np.array([[1.0, 2.0, 3.0] * 4 + [10.0, 20.0, 30.0] * 4])
    langs = ["ja"] * 12 + ["en"] * 12
    z = calibrate_by_language(s, langs)
    np.testing.assert_allclose(z[0, :12], z[0, 12:], atol=1e-4)


def test_calibrate_by_language_ignores_minus_inf():
    s = np.array([[-np.inf] + [1.0, 2.0] * 6])
    z = calibrate_by_language(s, ["ja"] * 13)
    assert z[0, 0] == -np.inf
    assert np.isfinite(z[0, 1:]).all()


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), n_ja=st.integers(10, 30), n_en=st.integers(10, 30))
def test_index_analytic_calibration_equals_explicit_z_scores(seed, n_ja, n_en):
    rng = np.random.default_rng(seed)
    v = rng.normal(size=(n_ja + n_en, 6)).astype(np.float32)
    v /= np.linalg.norm(v, axis=1, keepdims=True)
    langs = ["ja"] * n_ja + ["en"] * n_en
    items = [Item(i, "x", lg) for i, lg in enumerate(langs)]
    enc = CharNgramEncoder(dim=16)
    enc.dim = 6  # precomputed 6-d vectors stand in for an encoder's output
    idx = SemanticIndex.build(items, encoder=enc, vectors=v, correction=False)
    q = rng.normal(size=(1, 6)).astype(np.float32)
    hits = idx.search_vectors(q, k=len(items))[0]
    z = calibrate_by_language(q @ v.T, langs)[0]
    expect = sorted(range(len(items)), key=lambda i: (-z[i], i))
    assert [h.id for h in hits] == expect
    np.testing.assert_allclose([h.score for h in hits], z[expect], atol=1e-3)


def test_rare_language_mean_is_shrunk_towards_the_average_mean():
    v = np.array([[1.0, 0.0]] * 10 + [[-1.0, 0.0]] * 10 + [[0.0, 1.0]] * 2, np.float32)
    langs = ["ja"] * 10 + ["en"] * 10 + ["fr"] * 2
    plain = LanguageCentering.fit(v, langs, min_count=10)
    shrunk = LanguageCentering.fit(v, langs, min_count=10, shrinkage=3.0)
    assert "fr" not in plain.means
    # (2 * [0, 1] + 3 * [0, 0]) / 5
    np.testing.assert_allclose(shrunk.means["fr"], [0.0, 0.4])
    np.testing.assert_allclose(shrunk.means["ja"], [1.0, 0.0])
    with pytest.raises(ValueError, match="shrinkage"):
        LanguageCentering.fit(v, langs, shrinkage=-1.0)
