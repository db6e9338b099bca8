"""Splitting long texts into overlapping windows (never silently cutting them).

Token counts are estimated from the script: a CJK character is about one e5 token,
other text about four characters per token. Windows follow sentence boundaries
(``.!?`` and ``。！？`` and line breaks), overlap by roughly ``overlap_tokens``, and
a sentence longer than a window is split by characters.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Windowing", "estimate_tokens", "split_sentences", "split_windows"]

_SENT_RE = re.compile(r"[^.!?。！？\n]*(?:[.!?。！？]+|\n+|$)")


def _is_cjk(ch: str) -> bool:
    o = ord(ch)
    return 0x3040 <= o <= 0x30FF or 0x3400 <= o <= 0x9FFF or 0xAC00 <= o <= 0xD7AF or o >= 0x1F000


def estimate_tokens(text: str) -> int:
    """Estimated e5 token count of ``text``. O(len(text))."""
    cjk = sum(1 for ch in text if _is_cjk(ch))
    return cjk + (len(text) - cjk + 3) // 4


def split_sentences(text: str) -> list[str]:
    """Split ``text`` into sentences (with their end punctuation), dropping blank ones.

    Works for Japanese (``。``) as well as English and French. O(len(text)).
    """
    return [s for s in _SENT_RE.findall(text) if s.strip()]


@dataclass(frozen=True)
class Windowing:
    """How long texts are windowed and pooled.

    ``max_tokens``: window size in estimated tokens; ``overlap_tokens``: overlap between
    consecutive windows; ``max_windows``: cap on windows per text; above it, that many
    windows evenly spaced over the whole text are pooled (a 1 MB description costs a
    bounded time and is still represented from beginning to end); ``pooling``: ``"mean"``
    (renormalised mean of window vectors) or ``"max"`` (element-wise max).
    """

    max_tokens: int = 400
    overlap_tokens: int = 50
    max_windows: int = 8
    pooling: str = "mean"

    def __post_init__(self) -> None:
        if self.max_tokens < 8:
            raise ValueError(f"max_tokens must be >= 8, got {self.max_tokens}")
        if not 0 <= self.overlap_tokens < self.max_tokens:
            raise ValueError(
                f"overlap_tokens must be in [0, max_tokens), got {self.overlap_tokens}"
            )
        if self.max_windows < 1:
            raise ValueError(f"max_windows must be >= 1, got {self.max_windows}")
        if self.pooling not in ("mean", "max"):
            raise ValueError(f"pooling must be 'mean' or 'max', got {self.pooling!r}")


def _hard_split(sentence: str, max_tokens: int) -> list[str]:
    per_tok = max(1.0, len(sentence) / max(1, estimate_tokens(sentence)))
    step = max(1, int(max_tokens * per_tok))
    return [sentence[i : i + step] for i in range(0, len(sentence), step)]


def split_windows(text: str, windowing: Windowing | None = None) -> list[str]:
    """Windows covering ``text``; one window (the text itself) when it fits.

    When more than ``max_windows`` windows result, ``max_windows`` of them, evenly
    spaced from first to last, are returned. O(len(text)).

    >>> split_windows("short text")
    ['short text']
    >>> len(split_windows("A sentence here. " * 400, Windowing(max_tokens=100, overlap_tokens=0)))
    8
    """
    w = windowing or Windowing()
    if estimate_tokens(text) <= w.max_tokens:
        return [text]
    units: list[tuple[str, int]] = []
    for s in split_sentences(text):
        for piece in _hard_split(s, w.max_tokens) if estimate_tokens(s) > w.max_tokens else [s]:
            units.append((piece, estimate_tokens(piece)))
    windows: list[str] = []
    i = 0
    while i < len(units):
        j, tok = i, 0
        while j < len(units) and (j == i or tok + units[j][1] <= w.max_tokens):
            tok += units[j][1]
            j += 1
        windows.append("".join(u[0] for u in units[i:j]).strip())
        if j >= len(units):
            break
        # step back over trailing units to create the overlap, but always advance
        k, back = j, 0
        while k - 1 > i and back + units[k - 1][1] <= w.overlap_tokens:
            k -= 1
            back += units[k][1]
        i = k
    if len(windows) > w.max_windows:
        n = len(windows)
        picks = sorted({round(x * (n - 1) / (w.max_windows - 1)) for x in range(w.max_windows)})
        if w.max_windows == 1:
            picks = [0]
        windows = [windows[p] for p in picks]
    return windows
