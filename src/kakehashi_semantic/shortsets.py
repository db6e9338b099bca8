"""Evaluation sets for short texts across languages: terms, organisation names, titles.

Each set is a list of :class:`Concept`: one thing named in several languages (a term,
an organisation with its aliases, a paper title). Every concept falls in the ``dev`` or
the ``heldout`` split by a hash of its key, so the split never changes; tuning reads
``dev`` only and the figures quoted in docs/semantic are ``heldout``.

Sources and licences:

* ``terms``: ``data/eval_terms.tsv``, 209 science terms in ja/en/fr written by the
  Kakehashi project (the topics of the demo texts and neighbouring fields); terms whose
  Japanese, English or French form is a CRDC field title (the lexicon the engine ships,
  :mod:`kakehashi_semantic.lexicon`) are left out, so the lexicon cannot answer them
  by exact look-up.
* ``crdc``: CRDC 2020 field titles, English and French (Statistics Canada Open
  Licence), read from the data folder; the Japanese titles are the project's own
  and are never evaluated on.
* ``ror``: ROR organisation records of Japan (CC0), read from the data folder: the
  Japanese name against the English name, acronyms and aliases.
* ``anlp``: titles of the journal 自然言語処理 (evaluation use only: read from the data
  folder, never copied).
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

__all__ = [
    "Concept",
    "anlp_titles",
    "crdc_titles",
    "eval_terms",
    "lexicon_concepts",
    "ror_orgs",
    "split_of",
]


@dataclass(frozen=True)
class Concept:
    """One thing named in several languages: ``names[lang]`` = its names, main first."""

    key: str
    names: dict[str, tuple[str, ...]]


_CJK = re.compile("[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]")


def split_of(key: str) -> str:
    """``"dev"`` or ``"heldout"``, by the parity of the first byte of sha256(key)."""
    return "heldout" if hashlib.sha256(key.encode("utf-8")).digest()[0] % 2 else "dev"


def _pick(concepts: Sequence[Concept], split: str | None) -> list[Concept]:
    if split not in (None, "dev", "heldout"):
        raise ValueError(f"split must be 'dev', 'heldout' or None, got {split!r}")
    return [c for c in concepts if split is None or split_of(c.key) == split]


def eval_terms(split: str | None = None, *, exclude: set[str] | None = None) -> list[Concept]:
    """The project's ja/en/fr term set (``exclude``: forms to leave out, folded)."""
    from .lexicon import lexicon_forms  # lazily: the lexicon loads a data file

    banned = lexicon_forms() if exclude is None else exclude
    text = resources.files("kakehashi_semantic").joinpath("data/eval_terms.tsv").read_text("utf-8")
    out = []
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        ja, en, fr = (x.strip() for x in line.split("\t"))
        if any(_norm(x) in banned for x in (ja, en, fr)):
            continue
        out.append(Concept(f"term:{en}", {"ja": (ja,), "en": (en,), "fr": (fr,)}))
    return _pick(out, split)


def lexicon_concepts() -> list[Concept]:
    """The CRDC titles of the lexicon in ja/en/fr: distractors in the term pools."""
    from .lexicon import lexicon_entries  # lazily: the lexicon loads a data file

    return [
        Concept(f"crdc:{code}", {"ja": (ja,), "en": (en,), "fr": (fr,)})
        for code, ja, en, fr in lexicon_entries()
    ]


def _norm(s: str) -> str:
    return " ".join(s.casefold().split())


def crdc_titles(data: Path, split: str | None = None) -> list[Concept]:
    """CRDC 2020 field titles in English and French, aligned by code."""
    titles = []
    for lang in ("eng", "fra"):
        path = data / "crdc2020_en_fr" / f"crdc-ccrd-2020-for-ddr-structure-{lang}.csv"
        with path.open(encoding="utf-8-sig") as fh:
            rows = list(csv.reader(fh))
        head = rows[0]
        code = next(i for i, c in enumerate(head) if c.lower() == "code")
        title = next(i for i, c in enumerate(head) if "tit" in c.lower())
        titles.append({r[code]: r[title].strip() for r in rows[1:] if len(r) > title})
    en, fr = titles
    out = [
        Concept(f"crdc:{c}", {"en": (en[c],), "fr": (fr[c],)})
        for c in en
        if c in fr and en[c] and fr[c] and en[c] != fr[c]
    ]
    return _pick(out, split)


def ror_orgs(data: Path, split: str | None = None, *, limit: int = 1000) -> list[Concept]:
    """Active Japanese ROR organisations with a Japanese and an English name.

    English side: the English name, then the acronyms and aliases ROR lists in Latin
    script (some are romanised Japanese names, e.g. "Meiji daigaku").
    ``limit`` concepts per split, in ROR id order after a seeded shuffle.
    """
    import random  # lazily: only this loader samples

    with (data / "ror_ca_jp" / "ror_ca_jp.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    out = []
    seen: set[str] = set()
    for r in rows:
        if r["status"] != "active" or r["country"] != "JP":
            continue
        ja = [x.strip() for x in r["name_ja"].split("; ") if x.strip()]
        en = [x.strip() for x in (r["name_en"] or r["name"]).split("; ") if x.strip()]
        extra = []
        for col in ("acronyms", "aliases"):
            extra += [x.strip() for x in r[col].split("; ") if x.strip()]
        if not ja or not en or ja[0] == en[0] or ja[0] in seen or en[0] in seen:
            continue
        seen.update((ja[0], en[0]))
        latin = [x for x in extra if not _CJK.search(x)]
        en_names = tuple(dict.fromkeys(en + latin))
        out.append(Concept(f"ror:{r['ror_id']}", {"ja": (ja[0],), "en": en_names}))
    picked = _pick(out, split)
    random.Random(0).shuffle(picked)
    return picked[:limit]


def anlp_titles(data: Path, split: str | None = None) -> list[Concept]:
    """Paper titles of the journal 自然言語処理 in Japanese and English (evaluation only)."""
    path = data / "anlp_journal_ja_en" / "pairs.jsonl"
    out = []
    for line in path.read_text("utf-8").splitlines():
        if not line.strip():
            continue
        r = json.loads(line)
        ja, en = r.get("title_ja", "").strip(), r.get("title_en", "").strip()
        if ja and en:
            out.append(Concept(f"anlp:{r['id']}", {"ja": (ja,), "en": (en,)}))
    return _pick(out, split)
