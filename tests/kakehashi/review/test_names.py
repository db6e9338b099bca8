"""Names across kanji, kana and romaji (review/names.py)."""

from types import SimpleNamespace

import pytest

from kakehashi.review.names import fold, name_keys, romanise


def person(**names):
    fields = ("family_name", "given_name", "family_name_kanji", "given_name_kanji")
    base = {f: "" for f in (*fields, "family_name_kana", "given_name_kana")}
    return SimpleNamespace(**{**base, **names})


@pytest.mark.parametrize(
    ("spelling", "key"),
    [
        ("Satō", "sato"),
        ("Satou", "sato"),
        ("Satoh", "sato"),
        ("Sato", "sato"),
        ("Ōno", "ono"),
        ("Ohno", "ono"),
        ("Oono", "ono"),
        ("Sampei", "sanpei"),
        ("Shouhei", "shohei"),
        ("Tutida", "tsuchida"),
        ("Huzita", "fujita"),
        ("Syuhei", "shuhei"),
        ("Shuhei", "shuhei"),
        ("Yuuki", "yuki"),
        ("Shin'ichi", "shinichi"),
    ],
)
def test_fold(spelling, key):
    assert fold(spelling) == key


def test_romanise_kanji_and_kana():
    assert romanise("森本") == "morimoto"
    assert romanise("もりもと") == "morimoto"
    assert romanise("モリモト") == "morimoto"
    assert romanise("Morimoto") == "Morimoto"


def test_same_person_in_three_scripts():
    latin = person(family_name="Morimoto", given_name="Takuya")
    kanji = person(family_name_kanji="森本", given_name_kanji="拓也")
    kana = person(family_name_kana="もりもと", given_name_kana="たくや")
    assert name_keys(latin) == name_keys(kanji) == name_keys(kana)
    assert name_keys(latin) == {"morimoto|takuya", "takuya|morimoto"}


def test_order_and_long_vowels():
    ito = person(family_name_kanji="伊藤", given_name_kanji="翔平")
    assert name_keys(ito) & name_keys(person(family_name="Ito", given_name="Shohei"))
    assert name_keys(ito) & name_keys(person(family_name="Shouhei", given_name="Itou"))


def test_different_people_differ():
    assert not name_keys(person(family_name="Morimoto", given_name="Takuya")) & name_keys(
        person(family_name="Morimoto", given_name="Takumi")
    )
    # One name part alone is never a key.
    assert name_keys(person(family_name="Morimoto")) == set()
