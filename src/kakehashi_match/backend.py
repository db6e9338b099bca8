"""Which implementation of the kernels runs: compiled (numba) or NumPy.

Both return identical results. The compiled kernels are faster once loaded,
but loading numba and the cached machine code costs about a second per
process; a one-shot process solving a market of ordinary size is faster
with the NumPy twins (``npkernel``). The choice is an argument: each
:class:`~kakehashi_match.market.Market` carries the name it was compiled
with (``compile_market(..., backend=...)``, ``solve(..., backend=...)``),
``"numba"`` by default; :func:`one_shot_backend` is the choice the
``kakehashi-match`` command makes from the instance.
"""

from __future__ import annotations

from types import ModuleType

__all__ = ["BACKENDS", "NUMPY_MAX_EDGES", "kernels", "one_shot_backend"]

NUMPY_MAX_EDGES = 2_000_000
BACKENDS = ("numba", "numpy")


def kernels(name: str = "numba") -> ModuleType:
    """The module holding ``da_kernel``, ``edge_lookup`` and
    ``tiebreak_positions`` for *name* (imported on first use). O(1).

    >>> kernels("numpy").__name__
    'kakehashi_match.npkernel'
    """
    if name == "numpy":
        # A kernel module loads only when chosen: numba's is slow to import.
        from . import npkernel

        return npkernel
    if name != "numba":
        raise ValueError(f"backend: expected one of {BACKENDS}, got {name!r}")
    # A kernel module loads only when chosen: numba's is slow to import.
    from . import kernel

    return kernel


def one_shot_backend(n_edges: int, mode: str = "student") -> str:
    """The kernels a one-shot process (the command) should load: the NumPy
    twins when they are cheaper than loading numba, that is for student
    mode (one deferred acceptance), exchange mode (one deferred acceptance
    for the comparison, the trading cycles being pure Python) or a check
    (one audit, pass ``"student"``) on a market of at most
    :data:`NUMPY_MAX_EDGES` rank-list entries. O(1).

    >>> one_shot_backend(1000), one_shot_backend(1000, "ties")
    ('numpy', 'numba')
    """
    cheap = mode in ("student", "exchange")
    return "numpy" if cheap and n_edges <= NUMPY_MAX_EDGES else "numba"
