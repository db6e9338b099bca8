import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from kakehashi_semantic import Hit, NumpyIndex, VectorIndex, filter_mask, top_k


def _unit(rows):
    a = np.asarray(rows, dtype=np.float32)
    return a / np.linalg.norm(a, axis=1, keepdims=True)


def test_top_k_ties_break_by_index():
    assert top_k(np.array([0.5, 0.9, 0.9, 0.1, 0.9]), 2).tolist() == [1, 2]
    assert top_k(np.array([0.5]), 3).tolist() == [0]


def test_numpy_index_is_a_vector_index():
    assert isinstance(NumpyIndex(["a"], np.ones((1, 2), np.float32)), VectorIndex)


def test_search_returns_exact_hits():
    idx = NumpyIndex(["a", "b", "c"], _unit([[1, 0], [0.8, 0.6], [0, 1]]))
    hits = idx.search(np.array([1.0, 0.0], np.float32), k=2)[0]
    assert hits == [Hit(1, "a", 1.0), Hit(2, "b", pytest.approx(0.8))]


def test_filter_applies_before_ranking_and_fills_k():
    vecs = _unit([[1, 0], [0.99, 0.1], [0.98, 0.2], [0, 1], [0.1, 1]])
    meta = [{"call": "A"}, {"call": "A"}, {"call": "A"}, {"call": "B"}, {"call": "B"}]
    idx = NumpyIndex(["a1", "a2", "a3", "b1", "b2"], vecs, meta)
    hits = idx.search(np.array([1.0, 0.0], np.float32), k=2, where={"call": "B"})[0]
    assert [h.id for h in hits] == ["b2", "b1"]


def test_where_membership_callable_and_mask_combine():
    meta = [
        {"langs": ["en"], "start": 2026},
        {"langs": ["ja", "en"], "start": 2027},
        {"langs": ["fr"], "start": 2027},
    ]
    assert filter_mask(meta, {"langs": {"ja", "fr"}}).tolist() == [False, True, True]
    assert filter_mask(meta, {"start": lambda y: y >= 2027}).tolist() == [False, True, True]
    assert filter_mask(meta, lambda m: "en" in m["langs"]).tolist() == [True, True, False]
    assert filter_mask(meta, {"missing": 1}).tolist() == [False, False, False]
    idx = NumpyIndex(["x", "y", "z"], np.eye(3, dtype=np.float32), meta)
    hits = idx.search(
        np.ones(3, np.float32), k=3, mask=np.array([True, True, False]), where={"start": 2027}
    )[0]
    assert [h.id for h in hits] == ["y"]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"ids": ["a", "a"], "vectors": np.ones((2, 2))}, "unique"),
        ({"ids": ["a"], "vectors": np.ones((2, 2))}, "rows"),
        ({"ids": ["a"], "vectors": np.ones(2)}, "2-D"),
        ({"ids": ["a"], "vectors": np.array([[np.nan, 1.0]])}, "finite"),
        ({"ids": ["a"], "vectors": np.ones((1, 2)), "metadata": []}, "metadata"),
    ],
)
def test_numpy_index_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        NumpyIndex(**kwargs)


def test_search_bad_arguments():
    idx = NumpyIndex(["a"], np.ones((1, 2), np.float32))
    with pytest.raises(ValueError, match="k must"):
        idx.search(np.ones(2), k=0)
    with pytest.raises(ValueError, match="queries"):
        idx.search(np.ones(3), k=1)
    with pytest.raises(ValueError, match="mask"):
        idx.search(np.ones(2), k=1, mask=np.array([1]))
    with pytest.raises(ValueError, match="metadata"):
        idx.search(np.ones(2), k=1, where={"a": 1})


def test_index_copies_its_input():
    v = np.eye(2, dtype=np.float32)
    idx = NumpyIndex(["a", "b"], v)
    v[0, 0] = 5.0
    assert idx.vectors[0, 0] == 1.0
    assert not idx.vectors.flags.writeable


@settings(max_examples=60, deadline=None)
@given(
    vecs=arrays(
        np.float32, st.tuples(st.integers(1, 30), st.just(4)), elements=st.floats(-1, 1, width=32)
    ),
    q=arrays(np.float32, 4, elements=st.floats(-1, 1, width=32)),
    k=st.integers(1, 10),
    seed=st.integers(0, 1000),
)
def test_search_matches_brute_force(vecs, q, k, seed):
    mask = np.random.default_rng(seed).random(len(vecs)) < 0.7
    idx = NumpyIndex(list(range(len(vecs))), vecs)
    got = [h.id for h in idx.search(q, k=k, mask=mask)[0]]
    s = idx.scores(q)[0]  # same float arithmetic as the search; ties then break by index
    np.testing.assert_allclose(s, vecs @ q, rtol=1e-4, atol=1e-5)
    allowed = [i for i in range(len(vecs)) if mask[i]]
    expect = sorted(allowed, key=lambda i: (-s[i], i))[:k]
    assert got == expect
