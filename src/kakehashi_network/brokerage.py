"""Brokerage of organisations in a weighted undirected graph (CSR, no self-loops).

- Burt's constraint and effective size, vectorised with sparse matrices: with
  ``p_ij = w_ij / Σ_k w_ik`` (the share of i's ties that go to j) and
  ``m_jq = w_jq / max_k w_jk``, constraint ``c_i = Σ_{j∈N(i)} (p_ij + Σ_q p_iq p_qj)²`` and
  effective size ``Σ_{j∈N(i)} (1 − Σ_q p_iq m_jq)`` (Burt 1992; the same definitions as
  networkx's ``constraint`` and ``effective_size``, which the tests compare against).
- Betweenness (Brandes 2001, unweighted shortest paths), normalised as networkx does
  for undirected graphs. With ``pivots`` < n it is Brandes and Pich's estimate (2007):
  paths from ``pivots`` sources drawn uniformly without replacement, scaled by n/k.
"""

from __future__ import annotations

import numba
import numpy as np
import scipy.sparse as sp


def csr(n: int, a: np.ndarray, b: np.ndarray, w: np.ndarray) -> sp.csr_matrix:
    """The symmetric weighted adjacency of the edges ``a–b`` (each given once)."""
    rows = np.concatenate([a, b])
    cols = np.concatenate([b, a])
    data = np.concatenate([w, w]).astype(np.float64)
    m = sp.csr_matrix((data, (rows, cols)), shape=(n, n))
    m.sum_duplicates()
    m.sort_indices()
    return m


@numba.njit(cache=True, parallel=True)
def _burt(indptr, indices, data, n):
    strength = np.zeros(n)
    biggest = np.zeros(n)
    for i in range(n):
        for k in range(indptr[i], indptr[i + 1]):
            strength[i] += data[k]
            biggest[i] = max(biggest[i], data[k])
    effective = np.full(n, np.nan)
    constraint = np.full(n, np.nan)
    for i in numba.prange(n):
        if strength[i] == 0:
            continue
        # p_iq of i's neighbours, looked up by q while walking each neighbour's ties.
        share = np.zeros(n)
        for k in range(indptr[i], indptr[i + 1]):
            share[indices[k]] = data[k] / strength[i]
        c = 0.0
        e = 0.0
        for k in range(indptr[i], indptr[i + 1]):
            j = indices[k]
            indirect = 0.0
            redundant = 0.0
            for kk in range(indptr[j], indptr[j + 1]):
                q = indices[kk]
                if share[q] != 0.0:
                    indirect += share[q] * data[kk] / strength[q]
                    redundant += share[q] * data[kk] / biggest[j]
            c += (share[j] + indirect) ** 2
            e += 1.0 - redundant
        constraint[i] = c
        effective[i] = e
    return effective, constraint


def burt(adj: sp.csr_matrix) -> tuple[np.ndarray, np.ndarray]:
    """(effective size, constraint) per node; NaN for isolated nodes (as networkx).

    Walks, for each tie i–j, j's ties: Σ_j deg(j)² steps and no fill-in matrix."""
    return _burt(adj.indptr.astype(np.int64), adj.indices.astype(np.int64), adj.data, adj.shape[0])


@numba.njit(cache=True, nogil=True)
def _brandes_chunk(indptr, indices, sources, n):
    bc = np.zeros(n)
    sigma = np.zeros(n)
    delta = np.zeros(n)
    dist = np.full(n, -1, np.int64)
    order = np.empty(n, np.int64)
    for s in sources:
        sigma[s] = 1.0
        dist[s] = 0
        head = 0
        tail = 1
        order[0] = s
        while head < tail:
            v = order[head]
            head += 1
            dv = dist[v]
            for k in range(indptr[v], indptr[v + 1]):
                w = indices[k]
                if dist[w] < 0:
                    dist[w] = dv + 1
                    order[tail] = w
                    tail += 1
                if dist[w] == dv + 1:
                    sigma[w] += sigma[v]
        for idx in range(tail - 1, 0, -1):
            w = order[idx]
            dw = dist[w]
            coeff = (1.0 + delta[w]) / sigma[w]
            for k in range(indptr[w], indptr[w + 1]):
                v = indices[k]
                if dist[v] == dw - 1:
                    delta[v] += sigma[v] * coeff
            bc[w] += delta[w]
        for idx in range(tail):
            w = order[idx]
            sigma[w] = 0.0
            delta[w] = 0.0
            dist[w] = -1
    return bc


@numba.njit(cache=True, parallel=True)
def _brandes(indptr, indices, sources, n, chunks):
    parts = np.zeros((chunks, n))
    size = (len(sources) + chunks - 1) // chunks
    for c in numba.prange(chunks):
        lo = c * size
        hi = min(len(sources), lo + size)
        if lo < hi:
            parts[c] = _brandes_chunk(indptr, indices, sources[lo:hi], n)
    return parts.sum(axis=0)


def betweenness(adj: sp.csr_matrix, *, pivots: int | None = None, seed: int = 0) -> np.ndarray:
    """Normalised betweenness per node; exact unless ``pivots`` < n (then estimated)."""
    n = adj.shape[0]
    if n <= 2:
        return np.zeros(n)
    if pivots is None or pivots >= n:
        sources = np.arange(n, dtype=np.int64)
    else:
        rng = np.random.default_rng(seed)
        sources = np.sort(rng.choice(n, size=int(pivots), replace=False)).astype(np.int64)
    indptr = adj.indptr.astype(np.int64)
    indices = adj.indices.astype(np.int64)
    chunks = max(1, min(numba.get_num_threads(), len(sources)))
    raw = _brandes(indptr, indices, sources, n, chunks)
    return raw * (n / len(sources)) / ((n - 1) * (n - 2))
