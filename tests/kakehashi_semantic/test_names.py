"""Organisation names looked up by a short form: another script, or a kanji abbreviation."""

from hypothesis import given
from hypothesis import strategies as st

from kakehashi_semantic import NameMatcher, is_kanji_abbreviation

KANJI = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)


def test_known_abbreviations():
    assert is_kanji_abbreviation("理研", "理化学研究所")
    assert is_kanji_abbreviation("東大", "東京大学")
    assert is_kanji_abbreviation("京大", "京都大学")
    assert is_kanji_abbreviation("産総研", "産業技術総合研究所")
    assert is_kanji_abbreviation("情通機構", "情報通信研究機構")


def test_what_is_not_an_abbreviation():
    assert not is_kanji_abbreviation("阪大", "大阪大学")  # first character not first
    assert not is_kanji_abbreviation("研理", "理化学研究所")  # order
    assert not is_kanji_abbreviation("理", "理化学研究所")  # one character
    assert not is_kanji_abbreviation("理化学研究所", "理化学研究所")  # the name itself
    assert not is_kanji_abbreviation("トロ大", "トロント大学")  # kana
    assert not is_kanji_abbreviation("RIKEN", "RIKEN Center")
    assert not is_kanji_abbreviation("東大", "")


@given(name=st.text(KANJI, min_size=3, max_size=12), data=st.data())
def test_characters_picked_in_order_from_the_first_abbreviate(name, data):
    rest = sorted(data.draw(st.sets(st.integers(1, len(name) - 1), min_size=1, max_size=5)))
    query = name[0] + "".join(name[i] for i in rest)
    assert is_kanji_abbreviation(query, name) == (query != name)


@given(name=st.text(KANJI, min_size=2, max_size=12), query=st.text(KANJI, min_size=2, max_size=6))
def test_an_abbreviation_is_an_ordered_subsequence_starting_at_the_first(name, query):
    if is_kanji_abbreviation(query, name):
        assert query[0] == name[0] and query != name
        it = iter(name[1:])
        assert all(ch in it for ch in query[1:])


def test_matcher_exact_names_first_then_abbreviations():
    m = NameMatcher(
        {
            "riken": ["理化学研究所", "RIKEN", "Institute of Physical and Chemical Research"],
            "tohoku": ["東北大学", "Tohoku University"],
            "utokyo": ["東京大学", "University of Tokyo", "東大"],
            "titech": ["東京工業大学"],
        }
    )
    assert m.match("理研") == ["riken"]
    assert m.match("RIKEN") == ["riken"]
    assert m.match(" riken ") == ["riken"]
    # 東大 is the University of Tokyo's recorded short name; Tohoku and Tokyo Tech
    # are read as abbreviations too (東…大…), after it.
    assert m.match("東大") == ["utokyo", "tohoku", "titech"]
    assert m.match("Tohoku University") == ["tohoku"]
    assert m.match("東北大学") == ["tohoku"]
    assert m.match("大学") == []
    assert m.match("") == []
    assert m.match("ロボット") == []
