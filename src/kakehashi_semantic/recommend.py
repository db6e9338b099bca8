"""Hybrid recommendations both ways, with explanations.

Projects for a candidate and candidates for a project (and, later, reviewers for a
proposal) use one function, :func:`recommend`. Hard filters first (``eligible``
predicate and ``where`` conditions over the targets' attributes): an ineligible
target is never scored. Then a weighted sum of

* semantic similarity of the two texts (e5, language-centred, across languages),
* research-field overlap (CRDC 2020 codes, partial credit for a shared group or division),
* skill overlap (normalised labels, optional alias table for cross-language synonyms),
* working-language fit (the candidate's level against the project's requirement).

Every :class:`Recommendation` carries its explanation: matched fields and skills, and
the best-matching sentence pair across the two texts (and languages).
"""

from __future__ import annotations

import re
import string
import unicodedata
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Literal

import numpy as np

from .bias import SMALL_LANGUAGE_SHRINKAGE, LanguageCentering
from .cache import EmbeddingCache
from .embed import embed
from .encoders import Encoder, default_encoder
from .index import Where, check_k, filter_mask
from .lang import detect_language
from .windowing import split_sentences

__all__ = [
    "FieldMatch",
    "Profile",
    "Recommendation",
    "SentencePair",
    "Weights",
    "best_sentence_pair",
    "field_overlap",
    "language_fit",
    "normalise_skill",
    "recommend",
    "skill_overlap",
]


def _frozen(m: Mapping[str, Any] | None) -> Mapping[str, Any]:
    return MappingProxyType(dict(m or {}))


@dataclass(frozen=True)
class Profile:
    """A project, candidate or reviewer as the engine sees it.

    ``kind``: ``"project"``, ``"candidate"`` or ``"reviewer"``. ``fields``: CRDC 2020
    codes (e.g. ``"RDF10101"``). ``skills``: free labels. ``languages``: for a project,
    the working languages with the level required (0–1); for a person, their levels
    (0–1, 1 = fluent). ``attributes``: anything the hard filters look at.
    """

    id: Hashable
    kind: Literal["project", "candidate", "reviewer"]
    text: str
    lang: str | None = None
    fields: frozenset[str] = frozenset()
    skills: frozenset[str] = frozenset()
    languages: Mapping[str, float] = field(default_factory=lambda: MappingProxyType({}))
    attributes: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))

    def __post_init__(self) -> None:
        if self.kind not in ("project", "candidate", "reviewer"):
            raise ValueError(
                f"kind must be 'project', 'candidate' or 'reviewer', got {self.kind!r}"
            )
        if not isinstance(self.text, str):
            raise ValueError("text must be a str")
        object.__setattr__(self, "fields", frozenset(self.fields))
        object.__setattr__(self, "skills", frozenset(self.skills))
        for lg, lv in dict(self.languages).items():
            if not isinstance(lv, int | float) or not 0 <= lv <= 1:
                raise ValueError(f"languages[{lg!r}] must be a level in [0, 1], got {lv!r}")
        object.__setattr__(self, "languages", _frozen(self.languages))
        object.__setattr__(self, "attributes", _frozen(self.attributes))


@dataclass(frozen=True)
class Weights:
    """Weights of the hybrid score (they need not sum to 1; the score is their weighted sum)."""

    semantic: float = 0.55
    fields: float = 0.2
    skills: float = 0.15
    language: float = 0.1

    def __post_init__(self) -> None:
        for name in ("semantic", "fields", "skills", "language"):
            v = getattr(self, name)
            if not isinstance(v, int | float) or v < 0:
                raise ValueError(f"weights.{name} must be a non-negative number, got {v!r}")


@dataclass(frozen=True)
class FieldMatch:
    """A source field and its best target field, with the credit (1, 0.5, 0.25, …)."""

    source: str
    target: str
    credit: float

    @property
    def same(self) -> bool:
        """True only when both sides are the same field (an explanation may call it
        "matching"; any other match is "related", see :attr:`shared_ancestor`)."""
        return self.source == self.target

    @property
    def shared_ancestor(self) -> str | None:
        """The deepest field code both sides descend from (None when the same field).

        >>> FieldMatch("RDF1010101", "RDF1010102", 0.5).shared_ancestor
        'RDF10101'
        """
        if self.same:
            return None
        common = None
        for x, y in zip(_levels(self.source), _levels(self.target), strict=False):
            if x != y:
                break
            common = x
        return common


@dataclass(frozen=True)
class SentencePair:
    """The best-matching sentences of the two texts and their cosine similarity."""

    source: str
    target: str
    similarity: float


@dataclass(frozen=True)
class Recommendation:
    """One recommended target with its score, score parts and explanation."""

    rank: int
    id: Hashable
    score: float
    semantic: float
    fields: float
    skills: float
    language: float
    matched_fields: tuple[FieldMatch, ...]
    matched_skills: tuple[str, ...]
    sentence_pair: SentencePair | None


def _levels(code: str) -> tuple[str, ...]:
    """Hierarchy prefixes of a field code.

    CRDC 2020 codes ("RDF10" division, "RDF101" group, "RDF10101" class,
    "RDF1010101" subclass) split after the letters at 2, 3, 5 and 7 digits; purely
    numeric codes (ANZSRC style, "46", "4602", "460203") every 2 digits.
    """
    letters = len(code) - len(code.lstrip(string.ascii_letters))
    cuts = (2, 3, 5, 7, 9) if letters else (2, 4, 6, 8)
    body = len(code) - letters
    out = [code[: letters + c] for c in cuts if c < body]
    return (*out, code)


def _field_credit(a: str, b: str) -> float:
    if a == b:
        return 1.0
    la, lb = _levels(a), _levels(b)
    common = 0
    for x, y in zip(la, lb, strict=False):
        if x != y:
            break
        common += 1
    if common == 0:
        return 0.0
    return 0.5 ** (max(len(la), len(lb)) - common)


def field_overlap(
    source: frozenset[str], target: frozenset[str]
) -> tuple[float, tuple[FieldMatch, ...]]:
    """Symmetric best-match overlap of two sets of field codes, in [0, 1], and the matches.

    Each code is credited with its best counterpart: 1 for the same code, halved for
    every hierarchy level between it and the deepest shared ancestor (siblings 0.5,
    cousins 0.25, …; nothing shared 0); the score averages both directions.
    O(|source| * |target|).

    >>> field_overlap(frozenset({"460203"}), frozenset({"460203", "4611"}))[0]  # (1 + 0.625) / 2
    0.8125
    """
    if not source or not target:
        return 0.0, ()
    matches = []
    fwd = 0.0
    for a in sorted(source):
        b, c = max(((b, _field_credit(a, b)) for b in sorted(target)), key=lambda x: (x[1], x[0]))
        fwd += c
        if c > 0:
            matches.append(FieldMatch(a, b, c))
    back = sum(max(_field_credit(b, a) for a in source) for b in target)
    return (fwd / len(source) + back / len(target)) / 2, tuple(matches)


def normalise_skill(label: str) -> str:
    """NFKC, case-folded, punctuation collapsed: "Python 3", "python-3" → "python 3"."""
    s = unicodedata.normalize("NFKC", label).casefold()
    return " ".join(re.sub(r"[\W_]+", " ", s).split())


def skill_overlap(
    source: frozenset[str],
    target: frozenset[str],
    aliases: Mapping[str, str] | None = None,
) -> tuple[float, tuple[str, ...]]:
    """Share of the target's skills the source has (after normalisation and aliases).

    ``aliases`` maps a normalised label to a canonical one (e.g. ``"機械学習"`` →
    ``"machine learning"``). Returns the score in [0, 1] and the matched canonical
    labels, sorted. O(|source| + |target|).
    """
    if not source or not target:
        return 0.0, ()
    al = {normalise_skill(k): normalise_skill(v) for k, v in (aliases or {}).items()}

    def canon(x: str) -> str:
        n = normalise_skill(x)
        return al.get(n, n)

    s = {canon(x) for x in source}
    t = {canon(x) for x in target}
    t.discard("")
    if not t:
        return 0.0, ()
    common = s & t
    return len(common) / len(t), tuple(sorted(common))


def language_fit(a: Profile, b: Profile) -> float:
    """How well the person's languages meet the project's working languages, in [0, 1].

    For a project and a person: the best over the project's languages of
    ``min(1, person level / required level)``; no stated requirement gives 1. For two
    people: 1 if they share a language at level ≥ 0.5, else their best shared level.
    """
    proj, person = (a, b) if a.kind == "project" else (b, a)
    if proj.kind == "project" and person.kind != "project":
        if not proj.languages:
            return 1.0
        best = 0.0
        for lg, req in proj.languages.items():
            have = person.languages.get(lg, 0.0)
            best = max(best, 1.0 if req <= 0 else min(1.0, have / req))
        return best
    shared = set(a.languages) & set(b.languages)
    if not a.languages or not b.languages:
        return 1.0
    lv = max((min(a.languages[x], b.languages[x]) for x in shared), default=0.0)
    return 1.0 if lv >= 0.5 else lv


def best_sentence_pair(
    source_text: str,
    target_text: str,
    *,
    encoder: Encoder | None = None,
    cache: EmbeddingCache | None = None,
    centering: LanguageCentering | None = None,
    max_sentences: int = 40,
) -> SentencePair | None:
    """The sentence pair (one from each text) with the highest cosine similarity.

    Sentences are split for ja/en/fr (:func:`split_sentences`); at most
    ``max_sentences`` from each text are compared (the first ones; documented bound
    for very long texts). O(s1 * s2 * d) plus encoding uncached sentences.
    """
    a = [s.strip() for s in split_sentences(source_text)][:max_sentences]
    b = [s.strip() for s in split_sentences(target_text)][:max_sentences]
    a = [s for s in a if s]
    b = [s for s in b if s]
    if not a or not b:
        return None
    enc = encoder if encoder is not None else default_encoder()
    va = embed(a, encoder=enc, cache=cache)
    vb = embed(b, encoder=enc, cache=cache)
    if centering is not None:
        va = centering.transform(va, [detect_language(s) for s in a])
        vb = centering.transform(vb, [detect_language(s) for s in b])
    sim = va @ vb.T
    i, j = np.unravel_index(int(np.argmax(sim)), sim.shape)
    return SentencePair(a[i], b[j], float(sim[i, j]))


def recommend(
    source: Profile,
    targets: Sequence[Profile],
    *,
    k: int = 10,
    weights: Weights | None = None,
    eligible: Callable[[Profile, Profile], bool] | None = None,
    where: Where | None = None,
    encoder: Encoder | None = None,
    cache: EmbeddingCache | None = None,
    centering: LanguageCentering | None = None,
    skill_aliases: Mapping[str, str] | None = None,
    explain: bool = True,
) -> list[Recommendation]:
    """The ``k`` best ``targets`` for ``source``, hard filters first, each explained.

    ``eligible(source, target)`` and ``where`` (conditions over ``target.attributes``,
    see :func:`~kakehashi_semantic.index.filter_mask`) drop targets before any
    scoring. The semantic part is the cosine of language-centred embeddings
    (``centering`` from the platform's texts; when omitted it is fitted on the
    targets if at least 10 share a language), clipped at 0. Ties break by input
    order. O(n * d) for n targets plus encoding; sentence pairs are computed for the
    ``k`` returned targets only.
    """
    if not isinstance(source, Profile):
        raise ValueError(f"source must be a Profile, got {type(source).__name__}")
    for i, t in enumerate(targets):
        if not isinstance(t, Profile):
            raise ValueError(f"targets[{i}] must be a Profile, got {type(t).__name__}")
    check_k(k)
    w = weights or Weights()
    keep = np.ones(len(targets), dtype=bool)
    if where is not None:
        keep &= filter_mask([t.attributes for t in targets], where)
    if eligible is not None:
        keep &= np.array([bool(eligible(source, t)) for t in targets], dtype=bool)
    pool = [t for t, ok in zip(targets, keep, strict=True) if ok and t.id != source.id]
    if not pool:
        return []
    enc = encoder if encoder is not None else default_encoder()
    sem = np.zeros(len(pool), np.float32)
    if w.semantic > 0:
        if not source.text.strip():
            raise ValueError("source.text is empty: nothing to compare semantically")
        # a target without text gets semantic 0 instead of failing the whole call
        has_text = [bool(t.text.strip()) for t in pool]
        texts = [source.text] + [t.text for t, h in zip(pool, has_text, strict=True) if h]
        langs = [p.lang or detect_language(p.text) for p in (source, *pool)]
        vecs = np.zeros((len(pool) + 1, enc.dim), np.float32)
        vecs[[0] + [i + 1 for i, h in enumerate(has_text) if h]] = embed(
            texts, encoder=enc, cache=cache
        )
        cent = centering
        if cent is None:
            counts = {lg: langs[1:].count(lg) for lg in set(langs[1:])}
            if counts and max(counts.values()) >= 10:
                cent = LanguageCentering.fit(
                    vecs[1:], langs[1:], min_count=10, shrinkage=SMALL_LANGUAGE_SHRINKAGE
                )
        if cent is not None:
            vecs = cent.transform(vecs, langs)
        sem = np.clip(vecs[1:] @ vecs[0], 0.0, 1.0)
        centering = cent
    rows = []
    for i, t in enumerate(pool):
        fs, fm = field_overlap(source.fields, t.fields)
        ss, sm = skill_overlap(source.skills, t.skills, skill_aliases)
        lf = language_fit(source, t)
        score = w.semantic * float(sem[i]) + w.fields * fs + w.skills * ss + w.language * lf
        rows.append((score, i, fs, fm, ss, sm, lf))
    rows.sort(key=lambda r: (-r[0], r[1]))
    out = []
    for rank, (score, i, fs, fm, ss, sm, lf) in enumerate(rows[:k], start=1):
        t = pool[i]
        pair = None
        if explain:
            pair = best_sentence_pair(
                source.text, t.text, encoder=enc, cache=cache, centering=centering
            )
        out.append(
            Recommendation(
                rank=rank,
                id=t.id,
                score=round(score, 6),
                semantic=round(float(sem[i]), 6),
                fields=round(fs, 6),
                skills=round(ss, 6),
                language=round(lf, 6),
                matched_fields=fm,
                matched_skills=sm,
                sentence_pair=pair,
            )
        )
    return out
