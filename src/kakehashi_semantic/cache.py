"""Content-addressed on-disk embedding cache (SQLite).

Keys are ``sha256(model_id \\0 kind \\0 text)``; values are float32 vectors. Only
new or changed texts are ever encoded. SQLite gives atomic writes and safe
concurrent readers across processes; no pickling, no fork needed.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np

__all__ = ["DEFAULT_CACHE_DIR", "EmbeddingCache", "content_key", "default_cache_dir"]

#: Default cache directory, relative to the working directory.
DEFAULT_CACHE_DIR = Path("var/cache/embeddings")


def default_cache_dir() -> Path:
    """``$KAKEHASHI_EMBEDDING_CACHE`` if set, else ``var/cache/embeddings`` (read at call time)."""
    env = os.environ.get("KAKEHASHI_EMBEDDING_CACHE")
    return Path(env) if env else DEFAULT_CACHE_DIR


def content_key(model_id: str, kind: str, text: str) -> str:
    """Hex sha256 of model id, prefix kind and text: the cache key. O(len(text))."""
    h = hashlib.sha256()
    for part in (model_id, kind, text):
        h.update(part.encode("utf-8", "surrogatepass"))
        h.update(b"\0")
    return h.hexdigest()


class EmbeddingCache:
    """A small SQLite store of embeddings keyed by :func:`content_key`.

    >>> import tempfile
    >>> c = EmbeddingCache(tempfile.mkdtemp())
    >>> c.put_many({"k": np.ones(3, np.float32)})
    >>> c.get_many(["k", "missing"])["k"].tolist()
    [1.0, 1.0, 1.0]
    """

    def __init__(self, directory: str | os.PathLike[str] | None = None) -> None:
        self._conn: sqlite3.Connection | None = None
        self._lock = threading.RLock()
        d = Path(directory) if directory is not None else default_cache_dir()
        try:
            d.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ValueError(f"directory {str(d)!r} cannot be created: {exc}") from exc
        self.directory = d
        self.path = d / "embeddings.sqlite3"

    def _db(self) -> sqlite3.Connection:
        if self._conn is None:
            # shared by threads (web workers); every use holds self._lock
            conn = sqlite3.connect(self.path, timeout=30.0, check_same_thread=False)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute(
                "CREATE TABLE IF NOT EXISTS emb (key TEXT PRIMARY KEY, dim INTEGER, vec BLOB)"
            )
            conn.commit()
            self._conn = conn
        return self._conn

    def get_many(self, keys: Sequence[str]) -> dict[str, np.ndarray]:
        """Return the stored vectors for those keys that are present. O(len(keys))."""
        out: dict[str, np.ndarray] = {}
        keys = list(dict.fromkeys(keys))
        with self._lock:
            db = self._db()
            self._fetch(db, keys, out)
        return out

    @staticmethod
    def _fetch(db: sqlite3.Connection, keys: list[str], out: dict[str, np.ndarray]) -> None:
        for i in range(0, len(keys), 500):
            chunk = keys[i : i + 500]
            marks = ",".join("?" * len(chunk))
            q = f"SELECT key, dim, vec FROM emb WHERE key IN ({marks})"
            for key, dim, blob in db.execute(q, chunk):
                v = np.frombuffer(blob, dtype=np.float32)
                if v.shape[0] == dim:
                    out[key] = v.copy()

    def put_many(self, items: dict[str, np.ndarray]) -> None:
        """Store vectors (float32) under their keys, replacing existing ones."""
        rows = []
        for k, v in items.items():
            a = np.ascontiguousarray(v, dtype=np.float32).ravel()
            rows.append((k, int(a.shape[0]), a.tobytes()))
        with self._lock:
            db = self._db()
            with db:
                db.executemany("INSERT OR REPLACE INTO emb (key, dim, vec) VALUES (?, ?, ?)", rows)

    def delete_many(self, keys: Sequence[str]) -> int:
        """Remove the vectors of those keys; the number removed. O(len(keys))."""
        keys = list(dict.fromkeys(keys))
        removed = 0
        with self._lock:
            db = self._db()
            with db:
                for i in range(0, len(keys), 500):
                    chunk = keys[i : i + 500]
                    marks = ",".join("?" * len(chunk))
                    cur = db.execute(f"DELETE FROM emb WHERE key IN ({marks})", chunk)
                    removed += cur.rowcount
        return removed

    def __len__(self) -> int:
        with self._lock:
            return int(self._db().execute("SELECT COUNT(*) FROM emb").fetchone()[0])

    def close(self) -> None:
        """Close the connection (it reopens on next use)."""
        conn = getattr(self, "_conn", None)
        if conn is not None:
            conn.close()
            self._conn = None

    def __del__(self) -> None:
        self.close()
