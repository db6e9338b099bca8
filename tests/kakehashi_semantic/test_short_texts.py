"""Short texts across scripts: romanised keys, the fused channel, the evaluation sets."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kakehashi_semantic import (
    CharNgramEncoder,
    FieldMatch,
    Item,
    LexicalIndex,
    RomajiMatcher,
    SemanticIndex,
    hybrid_search,
    latin_key,
)
from kakehashi_semantic.lexicon import lexicon_entries, lexicon_forms
from kakehashi_semantic.romaji import JSCRIPT
from kakehashi_semantic.shorteval import build_pool, evaluate_pool, latency
from kakehashi_semantic.shortsets import Concept, eval_terms, split_of

ENC = CharNgramEncoder(dim=64)

NAMES = [
    ("Tohoku University", "en"),
    ("東北大学", "ja"),
    ("Kyoto University", "en"),
    ("京都大学", "ja"),
    ("University of Toronto", "en"),
    ("Omron", "en"),
    ("オムロン株式会社", "ja"),
    ("Université de Montréal", "fr"),
    ("ロボット", "ja"),
    ("robot", "en"),
    ("graphene", "en"),
    ("RIKEN", "en"),
]


def test_latin_key_romanises_japanese_and_folds_latin_the_same_way():
    assert latin_key("東北大学") == "tohokudaigaku"
    assert latin_key("Tōhoku daigaku") == "tohoku daigaku"
    assert latin_key("オムロン") == "omuron"
    assert latin_key("Université de Montréal") == "universite de montreal"
    assert latin_key("ロボット") == "roboto"
    assert latin_key("") == ""


def test_romaji_matcher_matches_names_across_scripts():
    m = RomajiMatcher(["Tohoku University", "Kyoto University", "Omuron Kabushiki-gaisha"])
    s = m.scores(["東北大学", "オムロン株式会社"])
    assert s.shape == (2, 3)
    assert s[0].argmax() == 0 and s[0, 0] > 0.3
    assert s[1].argmax() == 2 and s[1, 2] > 0.5
    assert ((s >= 0) & (s <= 1 + 1e-9)).all()


def _index(weight: float, names=NAMES) -> SemanticIndex:
    items = [Item(i, t, lg) for i, (t, lg) in enumerate(names)]
    return SemanticIndex.build(items, encoder=ENC, romaji_weight=weight, correction=False)


def test_romaji_weight_zero_changes_nothing():
    plain = SemanticIndex.build(
        [Item(i, t, lg) for i, (t, lg) in enumerate(NAMES)], encoder=ENC, correction=False
    )
    zero = _index(0.0)
    assert zero.romaji is None
    for q in ("東北大学", "robot", "Montréal"):
        assert plain.search([q], k=5) == zero.search([q], k=5)


def test_a_japanese_name_finds_its_latin_name_through_the_romanised_channel():
    # character n-grams of different scripts never overlap: without the channel the
    # Latin name cannot be found; with it, it comes first among Latin-script items
    plain = _index(0.0).search(["東北大学"], k=12, exclude=[1])[0]
    fused = _index(6.0).search(["東北大学"], k=12, exclude=[1])[0]
    assert fused[0].id == 0
    assert plain[0].id != 0


def test_same_script_pairs_get_no_romanised_credit():
    idx = _index(6.0)
    plain = _index(0.0)
    a = {h.id: h.score for h in idx.search(["robot"], k=12)[0]}
    b = {h.id: h.score for h in plain.search(["robot"], k=12)[0]}
    latin = [i for i, (t, _) in enumerate(NAMES) if not JSCRIPT.search(t)]
    for i in latin:
        assert a[i] == pytest.approx(b[i], abs=1e-5)
    assert a[8] > b[8]  # ロボット (other script) gains


def test_romaji_weight_must_be_a_non_negative_number():
    with pytest.raises(ValueError, match="romaji_weight"):
        _index(-1.0)
    with pytest.raises(ValueError, match="romaji_weight"):
        _index("6")  # type: ignore[arg-type]


@settings(max_examples=30, deadline=None)
@given(
    weight=st.floats(0.5, 12),
    k=st.integers(1, 12),
    q=st.sampled_from([t for t, _ in NAMES] + ["Tokyo", "とうほく", "Montreal robot"]),
    masked=st.lists(st.booleans(), min_size=len(NAMES), max_size=len(NAMES)),
)
def test_fused_top_k_equals_brute_force(weight, k, q, masked):
    """The pruned fusion returns exactly the top k of semantic + weight · trigram
    cosine (cosines under the floor counted as 0), filters applied first."""
    idx = _index(weight)
    mask = np.array(masked)
    got = idx.search([q], k=k, mask=mask)[0]
    qv, _ = idx.embed_queries([q])
    sem = {h.id: h.score for h in idx.search_vectors(qv, k=len(NAMES), mask=mask)[0]}
    rom = idx.romaji.scores([q])[0]
    rom[rom < 0.1] = 0
    qs = bool(JSCRIPT.search(q))
    fused = {
        i: s + (weight * rom[i] if bool(JSCRIPT.search(NAMES[i][0])) != qs else 0.0)
        for i, s in sem.items()
    }
    want = sorted(fused.values(), reverse=True)[:k]
    assert len(got) == min(k, int(mask.sum()))
    assert [h.score for h in got] == pytest.approx(want, abs=1e-4)
    assert all(mask[h.id] for h in got)


def test_hybrid_search_reports_the_semantic_score_and_closeness():
    items = [Item(i, t, lg) for i, (t, lg) in enumerate(NAMES)]
    idx = _index(6.0)
    res = hybrid_search("robot", idx, LexicalIndex(items), k=5)
    by_id = {r.id: r for r in res}
    assert by_id[9].lexical_rank is not None and by_id[9].is_close(99.0)
    for r in res:
        assert r.semantic_score is None or isinstance(r.semantic_score, float)
        if r.lexical_rank is None:
            assert r.is_close(-99.0) and not r.is_close(99.0)


def test_field_match_is_same_only_for_the_same_code_and_names_the_shared_field():
    assert FieldMatch("RDF1010101", "RDF1010101", 1.0).same
    related = FieldMatch("RDF1010101", "RDF1010203", 0.25)
    assert not related.same
    assert related.shared_ancestor == "RDF101"
    assert FieldMatch("RDF10", "RDF20", 0.0).shared_ancestor is None


def test_splits_are_stable_and_disjoint():
    dev, held = eval_terms("dev"), eval_terms("heldout")
    assert {c.key for c in dev}.isdisjoint({c.key for c in held})
    assert len(dev) + len(held) == len(eval_terms())
    assert all(split_of(c.key) == "heldout" for c in held)
    assert split_of("term:robot") == split_of("term:robot")
    with pytest.raises(ValueError, match="split"):
        eval_terms("test")


def test_evaluation_terms_leave_out_every_lexicon_title():
    forms = lexicon_forms()
    assert len(lexicon_entries()) == 1880
    for c in eval_terms():
        for names in c.names.values():
            assert " ".join(names[0].casefold().split()) not in forms
    # "machine learning" is a CRDC title: it is not an evaluation term
    assert "term:machine learning" not in {c.key for c in eval_terms()}


def test_mixed_pool_metrics_skip_the_query_and_third_language_names():
    concepts = [
        Concept("a", {"ja": ("あ",), "en": ("a",), "fr": ("à",)}),
        Concept("b", {"ja": ("い",), "en": ("b",), "fr": ("bé",)}),
    ]
    pool = build_pool(concepts, ("ja", "en", "fr"))
    raw = np.eye(6, dtype=np.float32)

    def score(pool, raw, rows):
        # the query's French name scores highest, then its English name
        s = np.zeros((len(rows), len(pool.texts)))
        for qi, r in enumerate(rows):
            c = pool.concept[r]
            for j in range(len(pool.texts)):
                if pool.concept[j] == c and pool.langs[j] == "fr":
                    s[qi, j] = 3
                elif pool.concept[j] == c and pool.langs[j] == "en":
                    s[qi, j] = 2
        return s

    res = evaluate_pool(pool, raw, [("ja", "en")], score)
    assert res["ja→en"].r1 == 1.0


@pytest.mark.skipif(
    not (Path(__file__).resolve().parents[3] / "shared" / "data" / "ror_ca_jp").is_dir(),
    reason="the shared data folder is not here",
)
def test_ror_set_keeps_latin_names_on_the_english_side():
    from kakehashi_semantic.shortsets import ror_orgs

    orgs = ror_orgs(Path(__file__).resolve().parents[3] / "shared" / "data", "dev", limit=50)
    assert len(orgs) == 50
    for c in orgs:
        assert all(not JSCRIPT.search(x) for x in c.names["en"])
        assert JSCRIPT.search(c.names["ja"][0])


def test_latency_reports_wall_and_cpu_time_per_query():
    out = latency(n=500, n_queries=7, romaji_weight=6.0, encoder=ENC)
    assert out["n"] == 500 and out["queries"] == 7
    assert 0 < out["p50_ms"] <= out["p95_ms"] <= out["max_ms"]
    assert 0 <= out["cpu_p50_ms"] <= out["cpu_p95_ms"]
    assert out["load"] >= 0
