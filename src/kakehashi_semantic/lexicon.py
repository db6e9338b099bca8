"""A small trilingual lexicon shipped with the engine: CRDC 2020 field titles.

English and French titles: Statistics Canada (Open Licence); Japanese titles: the
Kakehashi project's own translations (``data/crdc_lexicon.tsv`` says which is which).
Distractors in the evaluation's term pools (:mod:`kakehashi_semantic.shortsets`); the
evaluation sets leave out every term the lexicon holds.
"""

from __future__ import annotations

import functools
from importlib import resources

__all__ = ["lexicon_entries", "lexicon_forms"]


@functools.cache
def lexicon_entries() -> tuple[tuple[str, str, str, str], ...]:
    """``(code, ja, en, fr)`` for every CRDC 2020 field. Read once."""
    text = (
        resources.files("kakehashi_semantic").joinpath("data/crdc_lexicon.tsv").read_text("utf-8")
    )
    out = []
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            code, ja, en, fr = line.split("\t")
            out.append((code, ja.strip(), en.strip(), fr.strip()))
    return tuple(out)


@functools.cache
def lexicon_forms() -> frozenset[str]:
    """Every title of the lexicon, case-folded with spaces normalised."""
    return frozenset(" ".join(x.casefold().split()) for e in lexicon_entries() for x in e[1:])
