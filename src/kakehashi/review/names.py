"""The same person under another name: names compared across kanji, kana and romaji.

Every form a person's name is recorded in (Latin script, kanji, kana) is brought to
one romanised key: kanji and kana are read with pykakasi (its Hepburn output), and
the key folds the spellings romaji allows for the same sounds (long vowels written
ou, oo, oh, ō or dropped; n or m before b, m, p; Kunrei-shiki si, ti, tu, hu, zi).
Two people share a name when any key of one, family and given name in either order,
equals a key of the other.

Limits, said plainly: a kanji name has several readings and pykakasi gives its
dictionary's usual one (伊藤 → itou, 大野 → oono); where the person also recorded
kana, the kana are read too and both keys count. Names that share a key are
homonyms as often as they are the same person: the conflict is shown to officers
with its reason, and an officer who has checked can mark it "not the same person"
(`services.conflict_override`, with the reason), which frees the pair.

>>> from types import SimpleNamespace as P
>>> a = P(family_name="", given_name="", family_name_kanji="伊藤", given_name_kanji="翔平",
...       family_name_kana="", given_name_kana="")
>>> b = P(family_name="Ito", given_name="Shohei", family_name_kanji="", given_name_kanji="",
...       family_name_kana="", given_name_kana="")
>>> sorted(name_keys(a)) == sorted(name_keys(b))
True
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from kakehashi_semantic.romaji import kakasi

# Kunrei-shiki and Nihon-shiki spellings to Hepburn (Hepburn itself never writes these
# sequences, except "hu" inside "shu" and "chu", which the look-behind keeps).
_KUNREI = (
    (r"sy", "sh"),
    (r"ty", "ch"),
    (r"zy", "j"),
    (r"si", "shi"),
    (r"ti", "chi"),
    (r"tu", "tsu"),
    (r"(?<![sc])hu", "fu"),
    (r"zi", "ji"),
    (r"di", "ji"),
    (r"du", "zu"),
)


@lru_cache(maxsize=4096)
def romanise(text: str) -> str:
    """Hepburn romaji of a kanji or kana text (Latin text is returned as it is)."""
    text = (text or "").strip()
    if not text or text.isascii():
        return text
    return "".join(part["hepburn"] for part in kakasi().convert(text))


def fold(text: str) -> str:
    """One key for the romaji spellings of the same sounds ("Satō", "Satou", "Sato",
    "Satoh" → "sato"; "Sanpei", "Sampei" → "sanpei"; "Itou" → "ito")."""
    # Macrons and circumflexes are long vowels: drop the mark (NFKD), keep the vowel.
    text = unicodedata.normalize("NFKD", (text or "").lower())
    text = "".join(c for c in text if c.isascii() and c.isalpha())
    for pattern, new in _KUNREI:
        text = re.sub(pattern, new, text)
    text = re.sub(r"oh(?![aeiouy])", "o", text)
    text = re.sub(r"m(?=[bmp])", "n", text)
    for long, short in (("ou", "o"), ("oo", "o"), ("uu", "u"), ("aa", "a"), ("ii", "i")):
        text = text.replace(long, short)
    return text.replace("ee", "e")


def _pair_keys(family: str, given: str) -> set[str]:
    family, given = fold(romanise(family)), fold(romanise(given))
    if not family and not given:
        return set()
    return {family + "|" + given, given + "|" + family}


def name_keys(person) -> set[str]:
    """Every key of a person's recorded names (Latin, kanji, kana; both orders)."""
    keys: set[str] = set()
    for family, given in (
        ("family_name", "given_name"),
        ("family_name_kanji", "given_name_kanji"),
        ("family_name_kana", "given_name_kana"),
    ):
        f = (getattr(person, family, "") or "").strip()
        g = (getattr(person, given, "") or "").strip()
        if f and g:
            keys |= _pair_keys(f, g)
    return keys


def text_name_keys(name: str) -> set[str]:
    """The keys of a name written as one text, as publication records give authors
    ("Takuya Morimoto", "Morimoto, Takuya", "森本 拓也"): the first and last words taken
    as family and given name, in either order. A name of one word (or none) gives no
    key: a bare family name would match too many people.

    >>> sorted(text_name_keys("Morimoto, Takuya")) == sorted(text_name_keys("森本 拓也"))
    True
    """
    words = [w for w in re.split(r"[\s,]+", unicodedata.normalize("NFKC", name or "")) if w]
    if len(words) < 2:
        return set()
    return _pair_keys(words[0], words[-1])
