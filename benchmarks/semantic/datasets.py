"""Loaders for the bilingual evaluation sets in ../shared/data (read-only, never copied).

Every loader returns a :class:`PairSet`: aligned source and target texts with their
languages. ``anlp_journal_ja_en`` is evaluation-only data: it is read from the shared
folder at run time and nothing of it is written into the repository.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path

DATA = Path(__file__).resolve().parents[3] / "shared" / "data"


@dataclass(frozen=True)
class PairSet:
    name: str
    lang_a: str
    lang_b: str
    a: tuple[str, ...]
    b: tuple[str, ...]


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").split("\n")


def anlp(field: str = "title", limit: int | None = None) -> PairSet:
    rows = [json.loads(x) for x in _lines(DATA / "anlp_journal_ja_en" / "pairs.jsonl") if x]
    pairs = [
        (r[f"{field}_ja"].strip(), r[f"{field}_en"].strip())
        for r in rows
        if r.get(f"{field}_ja", "").strip() and r.get(f"{field}_en", "").strip()
    ][:limit]
    return PairSet(
        f"anlp_{field}s", "ja", "en", tuple(p[0] for p in pairs), tuple(p[1] for p in pairs)
    )


def tatoeba(lang: str) -> PairSet:
    code = {"ja": "jpn", "fr": "fra"}[lang]
    d = DATA / "tatoeba_laser"
    a = _lines(d / f"tatoeba.{code}-eng.{code}")
    b = _lines(d / f"tatoeba.{code}-eng.eng")
    pairs = [(x.strip(), y.strip()) for x, y in zip(a, b, strict=False) if x.strip() and y.strip()]
    return PairSet(
        f"tatoeba_{lang}_en", lang, "en", tuple(p[0] for p in pairs), tuple(p[1] for p in pairs)
    )


def ntrex(lang_a: str, lang_b: str, limit: int | None = None) -> PairSet:
    files = {
        "en": "newstest2019-src.eng.txt",
        "ja": "newstest2019-ref.jpn.txt",
        "fr": "newstest2019-ref.fra-CA.txt",
    }
    d = DATA / "ntrex128"
    a = _lines(d / files[lang_a])
    b = _lines(d / files[lang_b])
    pairs = [(x.strip(), y.strip()) for x, y in zip(a, b, strict=False) if x.strip() and y.strip()]
    pairs = pairs[:limit]
    return PairSet(
        f"ntrex_{lang_a}_{lang_b}",
        lang_a,
        lang_b,
        tuple(p[0] for p in pairs),
        tuple(p[1] for p in pairs),
    )


def crdc_titles() -> PairSet:
    """CRDC 2020 field-of-research titles, English/French, aligned by code."""
    d = DATA / "crdc2020_en_fr"
    titles = []
    for lang in ("eng", "fra"):
        with (d / f"crdc-ccrd-2020-for-ddr-structure-{lang}.csv").open(encoding="utf-8-sig") as fh:
            rows = list(csv.reader(fh))
        head = rows[0]
        code = next(i for i, c in enumerate(head) if c.lower() == "code")
        title = next(i for i, c in enumerate(head) if "tit" in c.lower())
        titles.append({r[code]: r[title].strip() for r in rows[1:] if len(r) > title})
    en, fr = titles
    codes = [c for c in en if c in fr and en[c] and fr[c] and en[c] != fr[c]]
    return PairSet(
        "crdc_titles_fr_en", "fr", "en", tuple(fr[c] for c in codes), tuple(en[c] for c in codes)
    )


def ror_names(lang: str, limit: int = 1000) -> PairSet:
    """Organisation names from ROR: Japanese (JP records) or French (CA records) vs English."""
    with (DATA / "ror_ca_jp" / "ror_ca_jp.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    pairs = []
    seen_a: set[str] = set()
    seen_b: set[str] = set()
    for r in rows:
        if r["status"] != "active":
            continue
        # a column may hold several labels separated by "; ": take the first
        other = r[f"name_{lang}"].split("; ")[0].strip()
        en = (r["name_en"] or r["name"]).split("; ")[0].strip()
        if other and en and other != en and other not in seen_a and en not in seen_b:
            seen_a.add(other)
            seen_b.add(en)
            pairs.append((other, en))
    if len(pairs) > limit:
        import numpy as np

        keep = sorted(np.random.default_rng(0).choice(len(pairs), limit, replace=False))
        pairs = [pairs[i] for i in keep]
    return PairSet(
        f"ror_names_{lang}_en", lang, "en", tuple(p[0] for p in pairs), tuple(p[1] for p in pairs)
    )


def all_sets(ntrex_limit: int | None = None) -> list[PairSet]:
    return [
        anlp("title"),
        tatoeba("ja"),
        tatoeba("fr"),
        ntrex("ja", "en", ntrex_limit),
        ntrex("fr", "en", ntrex_limit),
        ntrex("fr", "ja", ntrex_limit),
        crdc_titles(),
        ror_names("ja"),
        ror_names("fr"),
    ]
