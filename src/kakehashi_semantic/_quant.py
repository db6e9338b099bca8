"""Int8 scoring with a proven error bound, for exact top-k over large pools.

Each unit row ``v`` is stored as ``scale * c + e`` with ``c`` int8 (per-row symmetric
quantisation); ``||e||`` is kept per row. For a query ``q`` the int8 score
``a = scale * (q . c)`` is within ``||q|| * ||e|| + rounding`` of ``q . v``
(Cauchy–Schwarz), so one pass over the int8 codes (a quarter of the float32 bytes)
yields lower and upper bounds for every row. Rows whose upper bound reaches the k-th
largest lower bound are the only ones that can be in the top k; they are re-scored
exactly in float32. The result is the exact top-k, not an approximation (the
``tests/kakehashi_semantic/test_quant.py`` instances compare it with the full scan).

Calibration per language group (``SemanticIndex``) is an increasing affine map per
group, so the bounds are carried into calibrated scores by the same map.
"""

from __future__ import annotations

import numpy as np

__all__ = ["Int8Rows", "quantise_rows"]

# float32 accumulation error of a d-term dot product is at most d * 2**-24 * sum|terms|
# (Higham, Accuracy and Stability of Numerical Algorithms, 2nd ed., §3.1); doubled.
_U = 2.0**-24


def quantise_rows(v: np.ndarray, chunk: int = 8192) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Int8 codes ``(n, d)``, float32 scales ``(n,)`` and residual norms ``(n,)`` of ``v``.

    ``v[i] = scales[i] * codes[i] + e_i`` with ``||e_i|| <= norms[i]`` (rounded up).
    O(n * d), in chunks of ``chunk`` rows.

    >>> c, s, e = quantise_rows(np.array([[0.6, -0.8]], np.float32))
    >>> c.tolist(), bool(e[0] < 1e-2)
    ([[95, -127]], True)
    """
    v = np.asarray(v, dtype=np.float32)
    n, d = v.shape
    codes = np.empty((n, d), np.int8)
    scales = np.empty(n, np.float32)
    norms = np.empty(n, np.float32)
    for a in range(0, n, chunk):
        x = v[a : a + chunk].astype(np.float64)
        amax = np.abs(x).max(axis=1)
        s = np.where(amax > 0, amax / 127.0, 1.0).astype(np.float32)
        c = np.clip(np.rint(x / s.astype(np.float64)[:, None]), -127, 127)
        r = np.linalg.norm(x - c * s.astype(np.float64)[:, None], axis=1)
        codes[a : a + chunk] = c.astype(np.int8)
        scales[a : a + chunk] = s
        norms[a : a + chunk] = np.nextafter(r.astype(np.float32), np.float32(np.inf))
    return codes, scales, norms


def _get_kernel():
    """The compiled prefilter (numba is imported only when a large index needs it)."""
    # The numba kernel compiles on first use, not at import.
    from ._quant_kernel import prefilter

    return prefilter


class Int8Rows:
    """Int8 copy of unit rows with per-row bounds; :meth:`candidates` prefilters.

    >>> rng = np.random.default_rng(0)
    >>> v = rng.normal(size=(500, 16)).astype(np.float32)
    >>> v /= np.linalg.norm(v, axis=1, keepdims=True)
    >>> rows = Int8Rows(v)
    >>> q = v[7]
    >>> cand = rows.candidates(q, 3)
    >>> bool(set(np.argsort(-(v @ q))[:3]) <= set(cand.tolist()))
    True
    """

    def __init__(self, vectors: np.ndarray) -> None:
        self.codes, self.scales, self.norms = quantise_rows(vectors)
        for a in (self.codes, self.scales, self.norms):
            a.setflags(write=False)

    @property
    def nbytes(self) -> int:
        return self.codes.nbytes + self.scales.nbytes + self.norms.nbytes

    def candidates(
        self,
        q: np.ndarray,
        k: int,
        *,
        groups: np.ndarray | None = None,
        mu: np.ndarray | None = None,
        inv: np.ndarray | None = None,
        mask: np.ndarray | None = None,
        skip: int = -1,
    ) -> np.ndarray:
        """Ascending row indices that may be among the ``k`` best rows for ``q``.

        Scores are ``(q . v_i - mu[g_i]) * inv[g_i]`` (``inv > 0``; default: plain
        cosine). Every row of the exact top ``k`` (ties included) is returned; rows
        failing ``mask`` and row ``skip`` never are. O(n * d) over int8 codes.
        """
        q = np.ascontiguousarray(q, dtype=np.float32)
        n = self.codes.shape[0]
        if groups is None:
            groups = np.zeros(n, np.intp)
            mu = np.zeros(1)
            inv = np.ones(1)
        qnorm = float(np.linalg.norm(q.astype(np.float64)))
        acc_eps = 2.0 * q.shape[0] * _U * 127.0 * float(np.abs(q.astype(np.float64)).sum())
        m = np.zeros(0, bool) if mask is None else np.ascontiguousarray(mask, dtype=bool)
        return _get_kernel()(
            self.codes,
            self.scales,
            self.norms,
            q,
            qnorm,
            acc_eps,
            np.ascontiguousarray(groups, dtype=np.intp),
            np.ascontiguousarray(mu, dtype=np.float64),
            np.ascontiguousarray(inv, dtype=np.float64),
            m,
            int(skip),
            int(k),
        )
