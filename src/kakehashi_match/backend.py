"""Which implementation of the kernels runs: compiled (numba) or NumPy.

Both return identical results. The compiled kernels are faster once loaded,
but loading numba and the cached machine code costs about a second per
process; a one-shot process solving a market of ordinary size is faster
with the NumPy twins (``npkernel``). The library default is ``"numba"``;
the ``kakehashi-match`` command switches to ``"numpy"`` on markets of up to
:data:`NUMPY_MAX_EDGES` rank-list entries for ``solve`` in student mode,
``round2`` (student mode) and ``check`` (one audit).
"""

from __future__ import annotations

from types import ModuleType

__all__ = ["NUMPY_MAX_EDGES", "kernels", "prefer", "preferred"]

NUMPY_MAX_EDGES = 2_000_000
_CHOICES = ("numba", "numpy")
_state = {"prefer": "numba"}


def prefer(name: str) -> str:
    """Select ``"numba"`` or ``"numpy"`` kernels; returns the previous choice."""
    if name not in _CHOICES:
        raise ValueError(f"backend: expected one of {_CHOICES}, got {name!r}")
    old, _state["prefer"] = _state["prefer"], name
    return old


def preferred() -> str:
    return _state["prefer"]


def kernels() -> ModuleType:
    """The module holding ``da_kernel``, ``edge_lookup`` and
    ``tiebreak_positions`` for the current choice (imported on first use)."""
    if _state["prefer"] == "numpy":
        from . import npkernel

        return npkernel
    from . import kernel

    return kernel
