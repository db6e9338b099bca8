import time

import numpy as np
import pytest

from kakehashi_semantic import (
    Hit,
    Item,
    LexicalIndex,
    SemanticIndex,
    hybrid_search,
    make_snippet,
    match_spans,
    reciprocal_rank_fusion,
)
from kakehashi_semantic.search import fold, query_terms, term_coverage

ORGS = [
    Item(
        "01pe1d703",
        "Advanced Telecommunications Research Institute International | ATR | "
        "国際電気通信基礎技術研究所",
        metadata={"type": "research institute", "country": "JP"},
    ),
    Item(
        "ubc",
        "University of British Columbia | UBC | Université de la Colombie-Britannique",
        metadata={"type": "university", "country": "CA"},
    ),
    Item(
        "kyoto",
        "Kyoto University | 京都大学 | Université de Kyoto",
        metadata={"type": "university", "country": "JP"},
    ),
    Item("mitacs", "Mitacs | Mitacs Inc.", metadata={"type": "non-profit", "country": "CA"}),
]


def test_fold_is_case_accent_and_width_insensitive():
    assert fold("Décodage ＥＥＧ Ça") == "decodage eeg ca"
    assert len(fold("Ééé")) == 3


def test_snippet_japanese_without_spaces():
    s = make_snippet("本研究では脳波デコーディングを行う。", "脳波デコード")
    assert s.render() == "本研究では<mark>脳波デコー</mark>ディングを行う。"  # longest shared run


def test_snippet_french_accent_insensitive_prefix():
    s = make_snippet("Nous étudions le décodage des signaux EEG.", "decodage eeg")
    assert s.render() == "Nous étudions le <mark>décodage</mark> des signaux <mark>EEG</mark>."


def test_snippet_english_window_and_escaping():
    text = "<intro> " + "filler words here. " * 30 + "EEG decoding & interfaces. " + "more. " * 30
    s = make_snippet(text, "EEG decoding", max_chars=60)
    r = s.render()
    assert r.startswith("…") and r.endswith("…")
    assert "<mark>EEG</mark> <mark>decoding</mark> &amp; interfaces" in r
    assert len(s.text) <= 60


def test_snippet_without_match_returns_opening():
    s = make_snippet("Stable matching under capacities.", "脳波")
    assert s.spans == ()
    assert s.render() == "Stable matching under capacities."


def test_snippet_one_megabyte_is_fast():
    text = "無関係な文章です。" * 110000 + "脳波デコーディング"
    t0 = time.perf_counter()
    s = make_snippet(text, "脳波")
    assert time.perf_counter() - t0 < 5
    assert "<mark>脳波</mark>" in s.render()


def test_match_spans_merge_overlaps():
    assert match_spans("EEG decoding", "EEG EE decoding") == ((0, 3), (4, 12))


def test_snippet_bad_arguments():
    with pytest.raises(ValueError, match="max_chars"):
        make_snippet("x", "x", max_chars=3)


def test_reciprocal_rank_fusion_exact_scores():
    fused = reciprocal_rank_fusion([[Hit(1, "a", 0.9), Hit(2, "b", 0.5)], [Hit(1, "b", 3.0)]], c=60)
    assert [h.id for h in fused] == ["b", "a"]
    assert fused[0].score == pytest.approx(1 / 62 + 1 / 61)
    assert fused[1].score == pytest.approx(1 / 61)


def test_lexical_index_finds_japanese_and_alias_names():
    lex = LexicalIndex(ORGS)
    assert lex.search("国際電気通信", 1)[0].id == "01pe1d703"
    assert lex.search("colombie britannique", 1)[0].id == "ubc"
    assert lex.search("京都", 1)[0].id == "kyoto"
    assert lex.search("Mitacs", 1)[0].id == "mitacs"
    assert all(
        h.id in {"01pe1d703", "kyoto"} for h in lex.search("Mitacs", 4, where={"country": "JP"})
    )


def test_hybrid_search_any_language_with_snippets(e5, cache):
    sem = SemanticIndex.build(ORGS, encoder=e5, cache=cache)
    lex = LexicalIndex(ORGS)
    res = hybrid_search("京都大学", sem, lex, k=2)
    assert res[0].id == "kyoto"
    assert res[0].snippet.render().count("<mark>京都大学</mark>") == 1
    res = hybrid_search("Kyoto University", sem, lex, k=1, where={"country": "JP"})
    assert [r.id for r in res] == ["kyoto"]
    with pytest.raises(ValueError, match="query is empty"):
        hybrid_search("  ", sem, lex)


def test_reciprocal_rank_fusion_weights_let_one_list_count_more():
    lex = [Hit(1, "same-language", 0.0), Hit(2, "both", 0.0)]
    sem = [Hit(1, "other-language", 0.0), Hit(2, "both", 0.0)]
    plain = [h.id for h in reciprocal_rank_fusion([lex, sem])]
    weighted = [h.id for h in reciprocal_rank_fusion([lex, sem], weights=[1.0, 2.0])]
    assert plain == ["both", "same-language", "other-language"]
    assert weighted == ["both", "other-language", "same-language"]


@pytest.mark.parametrize(
    ("weights", "message"),
    [([1.0], "weights has 1 items but there are 2 lists"), ([1.0, -1.0], "non-negative")],
)
def test_reciprocal_rank_fusion_bad_weights_are_refused(weights, message):
    with pytest.raises(ValueError, match=message):
        reciprocal_rank_fusion([[Hit(1, "a", 0.0)], [Hit(1, "b", 0.0)]], weights=weights)


def test_query_terms_drop_function_words_and_keep_cjk_runs():
    assert query_terms("Robots d'assistance pour les personnes âgées") == (
        ("lat", "robots"),
        ("lat", "assistance"),
        ("lat", "personnes"),
        ("lat", "agees"),
    )
    assert query_terms("中小企業の生産ライン 6G") == (
        ("cjk", "中小企業の生産ライン"),
        ("lat", "6g"),
    )
    assert query_terms("EEG脳波 a 5") == (("lat", "eeg"), ("cjk", "脳波"), ("lat", "5"))
    assert query_terms("de la") == ()


def test_term_coverage_counts_words_and_cjk_characters():
    assert term_coverage("Décodage EEG en temps réel", "decodage eeg") == 1.0
    assert term_coverage("Speech recognition", "speech translation") == 0.5
    assert term_coverage("音声認識と翻訳", "音声翻訳") == 1.0  # 音声 and 翻訳 both found
    assert term_coverage("音声認識", "音声翻訳") == 0.5
    assert term_coverage("anything", "de la") == 1.0


def test_lexical_min_coverage_drops_function_word_matches():
    items = [
        Item(1, "Détection d'anomalies dans le réseau de la ville", "fr"),
        Item(2, "Traduction de la parole en temps réel", "fr"),
    ]
    lex = LexicalIndex(items)
    assert [h.id for h in lex.search("traduction de la parole", 5)] == [2, 1]
    assert [h.id for h in lex.search("traduction de la parole", 5, min_coverage=0.5)] == [2]
    with pytest.raises(ValueError, match="min_coverage"):
        lex.search("x", 5, min_coverage=2)


def test_hybrid_search_takes_snippets_from_lexical_texts(e5):
    full = [
        Item(i, f"{t}. A longer description mentioning MNE-Python {i}.", "en")
        for i, t in enumerate(["EEG decoding", "Speech translation", "Robot grasping"])
    ]
    titles = [Item(it.id, it.text.split(".")[0], "en") for it in full]
    res = hybrid_search("MNE-Python", SemanticIndex.build(titles, encoder=e5), LexicalIndex(full))
    assert all("description mentioning MNE-Python" in r.snippet.text for r in res)
    assert "<mark>MNE</mark>-<mark>Python</mark>" in res[0].snippet.render()


def test_hybrid_search_mask_filters_both_lists(e5):
    items = [
        Item(i, t, "en")
        for i, t in enumerate(["EEG decoding", "EEG recordings", "Robot grasping", "EEG data"])
    ]
    sem, lex = SemanticIndex.build(items, encoder=e5), LexicalIndex(items)
    mask = np.array([False, True, True, False])
    res = hybrid_search("EEG", sem, lex, k=4, mask=mask)
    assert [r.id for r in res] == [1, 2]
    assert res[0].lexical_rank == 1
    assert res[1].lexical_rank is None
