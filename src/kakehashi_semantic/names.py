"""Which items a query names: one name in another script, or a Japanese abbreviation.

Organisations are looked up by name, and the short forms people type share no word and
little meaning with the names on record: 理研 is RIKEN (理化学研究所), 東大 the
University of Tokyo (東京大学), 産総研 AIST (産業技術総合研究所). Embeddings place
these barely above unrelated names (理研 → RIKEN: calibrated 2.3, the best organisation
for a query naming none reaches 2.9), so a name is matched by its form instead:

- **the same name in Latin script**: :func:`~kakehashi_semantic.romaji.latin_key` of the
  query equals that of one of the item's names (理研 → "riken" = RIKEN);
- **a Japanese abbreviation** (略称): a query of 2 to 6 kanji whose characters appear in
  one of the item's kanji names in order, the first character first
  (理研 ⊂ 理化学研究所, 東大 ⊂ 東京大学).
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Iterable, Mapping

from .romaji import latin_key

__all__ = ["NameMatcher", "is_kanji_abbreviation"]

_KANJI = re.compile("^[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3005]{2,6}$")


def is_kanji_abbreviation(query: str, name: str) -> bool:
    """Whether ``query`` abbreviates ``name`` the Japanese way.

    ``query`` must be 2 to 6 kanji, none of them elsewhere than in ``name``, in the same
    order, the first one being the first character of ``name``; a query equal to the
    name is not an abbreviation of it. O(len(name)).

    >>> is_kanji_abbreviation("理研", "理化学研究所")
    True
    >>> is_kanji_abbreviation("産総研", "産業技術総合研究所")
    True
    >>> is_kanji_abbreviation("研理", "理化学研究所")
    False
    >>> is_kanji_abbreviation("ロボ", "ロボット工学研究所")
    False
    """
    query, name = query.strip(), name.strip()
    if not _KANJI.match(query) or query == name or not name.startswith(query[0]):
        return False
    at = 1
    for ch in query[1:]:
        at = name.find(ch, at)
        if at < 0:
            return False
        at += 1
    return True


class NameMatcher:
    """Items known by several names, and which of them a query names.

    Built once over the items' names (O(total length)); :meth:`match` looks the query's
    Latin key up in a dictionary (O(1)) and tries it as an abbreviation of each kanji
    name that starts with its first character (O(those names' length)).

    >>> m = NameMatcher({1: ["理化学研究所", "RIKEN"], 2: ["東京大学", "University of Tokyo"]})
    >>> m.match("理研"), m.match("riken"), m.match("東大"), m.match("Tokyo")
    ([1], [1], [2], [])
    """

    def __init__(self, names: Mapping[Hashable, Iterable[str]]) -> None:
        self._by_key: dict[str, list[Hashable]] = {}
        self._by_first: dict[str, list[tuple[Hashable, str]]] = {}
        for item, item_names in names.items():
            for name in dict.fromkeys(n.strip() for n in item_names if n and n.strip()):
                key = latin_key(name)
                if key and item not in self._by_key.setdefault(key, []):
                    self._by_key[key].append(item)
                self._by_first.setdefault(name[0], []).append((item, name))

    def match(self, query: str) -> list[Hashable]:
        """The items ``query`` names, whole names (in any script) first, then the items
        it abbreviates, each once, in the order the items were given."""
        query = query.strip()
        if not query:
            return []
        found = list(self._by_key.get(latin_key(query), []))
        if _KANJI.match(query):
            for item, name in self._by_first.get(query[0], []):
                if item not in found and is_kanji_abbreviation(query, name):
                    found.append(item)
        return found
