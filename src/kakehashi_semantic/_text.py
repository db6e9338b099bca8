"""Text hygiene shared by the engine: validation and cleaning before encoding."""

from __future__ import annotations

import re
from collections.abc import Sequence

__all__ = ["check_texts", "clean_text"]

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def clean_text(text: str) -> str:
    """Drop NUL/control characters and lone surrogates (they cannot be UTF-8 encoded).

    The encoder's C engine reads NUL-terminated bytes, so a NUL would silently cut
    the text; removing it keeps the whole text. O(len(text)).
    """
    return _SURROGATE.sub("\ufffd", _CONTROL.sub(" ", text))


def check_texts(
    texts: Sequence[str], name: str = "texts", *, allow_empty: bool = False
) -> list[str]:
    """Validate a sequence of strings and return cleaned copies.

    Raises ``ValueError`` naming ``name[i]`` for a non-string or (unless
    ``allow_empty``) an empty or whitespace-only text.
    """
    if isinstance(texts, str | bytes) or not isinstance(texts, Sequence):
        raise ValueError(f"{name} must be a sequence of str, got {type(texts).__name__}")
    out = []
    for i, t in enumerate(texts):
        if not isinstance(t, str):
            raise ValueError(f"{name}[{i}] must be a str, got {type(t).__name__}")
        c = clean_text(t)
        if not allow_empty and not c.strip():
            raise ValueError(f"{name}[{i}] is empty (no text to embed)")
        out.append(c)
    return out
