import numpy as np
import pytest

from kakehashi_semantic import (
    CharNgramEncoder,
    EmbeddingCache,
    content_key,
    default_cache_dir,
    embed,
)
from kakehashi_semantic.cache import DEFAULT_CACHE_DIR


class CountingEncoder(CharNgramEncoder):
    """The real char n-gram encoder, recording what it was asked to encode."""

    def __init__(self):
        super().__init__(dim=64)
        self.seen: list[str] = []

    def encode(self, texts, *, kind="passage"):
        self.seen.extend(texts)
        return super().encode(texts, kind=kind)


def test_content_key_depends_on_model_kind_and_text():
    k = content_key("m", "passage", "text")
    assert k == content_key("m", "passage", "text")
    assert (
        len(
            {
                k,
                content_key("m2", "passage", "text"),
                content_key("m", "query", "text"),
                content_key("m", "passage", "text2"),
            }
        )
        == 4
    )


def test_cache_roundtrip_and_missing_keys(tmp_path):
    c = EmbeddingCache(tmp_path)
    c.put_many({"a": np.array([1.0, 2.0], np.float32)})
    got = c.get_many(["a", "b"])
    assert list(got) == ["a"]
    assert got["a"].tolist() == [1.0, 2.0]
    assert len(c) == 1


def test_cache_survives_reopen(tmp_path):
    EmbeddingCache(tmp_path).put_many({"a": np.ones(3, np.float32)})
    assert EmbeddingCache(tmp_path).get_many(["a"])["a"].tolist() == [1.0, 1.0, 1.0]


def test_default_cache_dir_env_override(monkeypatch, tmp_path):
    monkeypatch.delenv("KAKEHASHI_EMBEDDING_CACHE", raising=False)
    assert default_cache_dir() == DEFAULT_CACHE_DIR
    monkeypatch.setenv("KAKEHASHI_EMBEDDING_CACHE", str(tmp_path))
    assert default_cache_dir() == tmp_path


def test_embed_encodes_only_new_or_changed_texts(tmp_path):
    enc = CountingEncoder()
    cache = EmbeddingCache(tmp_path)
    first = embed(["alpha", "beta", "alpha"], encoder=enc, cache=cache)
    assert enc.seen == ["alpha", "beta"]
    second = embed(["beta", "gamma", "alpha"], encoder=enc, cache=cache)
    assert enc.seen == ["alpha", "beta", "gamma"]
    np.testing.assert_array_equal(second[0], first[1])
    np.testing.assert_array_equal(second[2], first[0])


def test_cache_unwritable_directory_raises(tmp_path):
    f = tmp_path / "file"
    f.write_text("x")
    with pytest.raises(ValueError, match="directory"):
        EmbeddingCache(f / "sub")


def test_cache_shared_across_threads(tmp_path):
    import threading

    c = EmbeddingCache(tmp_path)
    c.put_many({"main": np.zeros(2, np.float32)})
    errors: list[BaseException] = []

    def work(i: int) -> None:
        try:
            c.put_many({f"k{i}": np.full(2, i, np.float32)})
            assert c.get_many([f"k{i}"])[f"k{i}"].tolist() == [i, i]
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(c) == 5


def test_cache_delete_many_removes_only_those_keys(tmp_path):
    c = EmbeddingCache(tmp_path)
    c.put_many({"a": np.ones(3, np.float32), "b": np.zeros(3, np.float32)})
    assert c.delete_many(["a", "a", "missing"]) == 1
    assert list(c.get_many(["a", "b"])) == ["b"]
    assert len(c) == 1
