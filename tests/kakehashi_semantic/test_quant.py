"""The int8 prefilter returns exactly the top-k of the full float32 scan."""

import numpy as np
import pytest

from kakehashi_semantic import CharNgramEncoder, Item, NumpyIndex, SemanticIndex
from kakehashi_semantic._quant import Int8Rows, quantise_rows


def _unit(rng, n, d):
    v = rng.normal(size=(n, d)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def _clustered(rng, n, d, centres=20, spread=0.15):
    """Rows near a few centres: many close scores, the hard case for a prefilter."""
    c = _unit(rng, centres, d)
    v = c[rng.integers(centres, size=n)] + spread * rng.normal(size=(n, d)).astype(np.float32)
    return (v / np.linalg.norm(v, axis=1, keepdims=True)).astype(np.float32)


def _ids(hits):
    return [[h.id for h in row] for row in hits]


def _scores(hits):
    return np.array([[h.score for h in row] for row in hits])


def test_quantise_rows_residual_bound_holds():
    rng = np.random.default_rng(1)
    v = _unit(rng, 2000, 384)
    codes, scales, norms = quantise_rows(v)
    resid = v.astype(np.float64) - codes * scales.astype(np.float64)[:, None]
    assert codes.dtype == np.int8
    assert np.all(np.linalg.norm(resid, axis=1) <= norms)
    assert np.all(np.abs(codes).max(axis=1) == 127)


def _reference_top(v, q, k, mask=None):
    """Float64 sums rounded to float32, ties to the lower row (no BLAS blocking: the
    float32 scan can round two identical rows differently when one sits in a tail)."""
    s = (v.astype(np.float64) @ q.astype(np.float64)).astype(np.float32)
    if mask is not None:
        s = np.where(mask, s, -np.inf)
    order = np.lexsort((np.arange(len(s)), -s))[:k]
    order = order[np.isfinite(s[order])]
    return order, s[order]


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("d", [16, 384])
def test_numpy_index_quantised_equals_reference_scan(seed, d):
    rng = np.random.default_rng(seed)
    v = _clustered(rng, 3003, d)  # not a multiple of 4: the kernel's tail loop runs
    v[10] = v[20]  # exact ties: the lower row wins
    v[3002] = v[20]
    idx = NumpyIndex(range(3003), v, quantise=True)
    mask = rng.random(3003) < 0.4
    mask[[10, 20, 3002]] = True
    queries = np.vstack([v[20], _clustered(rng, 30, d)])
    for q in queries:
        for k in (1, 10, 50):
            for m in (None, mask):
                fast = idx.top(q, k, mask=m)
                ref = _reference_top(idx.vectors, q, k, m)
                full = idx.top(q, k, mask=m, exact=True)
                assert fast[0].tolist() == ref[0].tolist()
                np.testing.assert_allclose(fast[1], ref[1], rtol=0, atol=1e-7)
                np.testing.assert_allclose(np.sort(fast[1]), np.sort(full[1]), rtol=0, atol=1e-6)
    assert [h.id for h in idx.search(v[20], k=3)[0]] == [10, 20, 3002]


def test_quantised_candidates_respect_mask_skip_and_small_pools():
    rng = np.random.default_rng(3)
    v = _unit(rng, 500, 32)
    rows = Int8Rows(v)
    mask = np.zeros(500, bool)
    mask[[3, 7, 9]] = True
    assert rows.candidates(v[7], 10, mask=mask).tolist() == [3, 7, 9]
    assert rows.candidates(v[7], 10, mask=mask, skip=7).tolist() == [3, 9]
    idx = NumpyIndex(range(500), v, quantise=True)
    assert idx.search(v[7], k=10, mask=np.zeros(500, bool)) == [[]]
    hits = idx.search(v[7], k=10, mask=mask)[0]
    assert len(hits) == 3
    assert hits[0].id == 7


def test_semantic_index_quantised_equals_full_scan_with_calibration():
    rng = np.random.default_rng(4)
    n, d = 4000, 64
    v = _clustered(rng, n, d)
    v[: n // 3] += 0.3 * _unit(rng, 1, d)  # a language offset, as e5 has
    langs = ["ja"] * (n // 3) + ["en"] * (n - n // 3 - 5) + ["fr"] * 5
    items = [Item(i, "-", lg) for i, lg in enumerate(langs)]
    enc = CharNgramEncoder(dim=d)
    fast = SemanticIndex.build(items, encoder=enc, vectors=v, quantise=True)
    slow = SemanticIndex.build(items, encoder=enc, vectors=v, quantise=False)
    assert fast.index.quantised is not None and slow.index.quantised is None
    qv = _clustered(rng, 25, d)
    mask = rng.random(n) < 0.5
    for kw in ({}, {"calibrate": False}, {"mask": mask}, {"exclude": list(range(25))}):
        a = fast.search_vectors(qv, k=10, **kw)
        b = slow.search_vectors(qv, k=10, **kw)
        c = fast.search_vectors(qv, k=10, exact=True, **kw)
        assert _ids(a) == _ids(b) == _ids(c)
        assert b == c
        np.testing.assert_allclose(_scores(a), _scores(b), rtol=0, atol=1e-5)


def test_numpy_index_quantises_large_pools_by_default():
    rng = np.random.default_rng(5)
    assert NumpyIndex(range(100), _unit(rng, 100, 8)).quantised is None
    assert NumpyIndex(range(20_000), _unit(rng, 20_000, 8)).quantised is not None
    with pytest.raises(ValueError, match="quantise"):
        NumpyIndex(range(3), _unit(rng, 3, 8), quantise="yes")


class _CountingEncoder(CharNgramEncoder):
    def __init__(self):
        super().__init__(dim=64)
        self.calls = 0

    def encode(self, texts, *, kind="passage"):
        self.calls += len(texts)
        return super().encode(texts, kind=kind)


def test_repeated_query_is_served_from_memory():
    enc = _CountingEncoder()
    items = [Item(i, t, "en") for i, t in enumerate(["eeg decoding", "speech", "robots"] * 4)]
    index = SemanticIndex.build(items, encoder=enc, query_cache_size=2)
    before = enc.calls
    first = index.search(["eeg"], k=3)
    assert enc.calls == before + 1
    assert index.search(["eeg"], k=3) == first
    assert enc.calls == before + 1
    index.search(["speech", "robot"], k=3)  # the two newer texts evict "eeg"
    assert enc.calls == before + 3
    index.search(["eeg"], k=3)
    assert enc.calls == before + 4
    with pytest.raises(ValueError, match=r"texts\[1\] is empty"):
        index.search(["eeg", " "], k=3)
    with pytest.raises(ValueError, match="query_cache_size"):
        SemanticIndex.build(items, encoder=enc, query_cache_size=-1)
