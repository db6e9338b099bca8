import pytest

from kakehashi_semantic import (
    Profile,
    Weights,
    field_overlap,
    language_fit,
    recommend,
    skill_overlap,
)
from kakehashi_semantic.recommend import FieldMatch, normalise_skill


def _projects():
    return [
        Profile(
            "p-eeg",
            "project",
            "脳波デコーディングによる意図推定を行う。ブレイン・マシン・インタフェースの研究室です。",
            "ja",
            fields=frozenset({"320903"}),
            skills=frozenset({"Python", "機械学習"}),
            languages={"ja": 0.5, "en": 0.7},
            attributes={"call": "2026", "direction": "CA→JP"},
        ),
        Profile(
            "p-sake",
            "project",
            "日本酒の醸造工程における酵母の発酵管理を研究する。",
            "ja",
            fields=frozenset({"300602"}),
            skills=frozenset({"microbiology"}),
            languages={"ja": 1.0},
            attributes={"call": "2026", "direction": "CA→JP"},
        ),
        Profile(
            "p-closed",
            "project",
            "Décodage EEG pour interfaces cerveau-machine.",
            "fr",
            fields=frozenset({"320903"}),
            skills=frozenset({"python"}),
            languages={"fr": 0.5},
            attributes={"call": "2025", "direction": "JP→CA"},
        ),
    ]


@pytest.fixture
def student():
    return Profile(
        "s1",
        "candidate",
        "I work on EEG decoding for brain-computer interfaces. I also enjoy hiking.",
        "en",
        fields=frozenset({"320903", "4611"}),
        skills=frozenset({"python", "Machine Learning"}),
        languages={"en": 1.0, "ja": 0.3},
    )


def test_field_overlap_credits():
    assert field_overlap(frozenset({"460203"}), frozenset({"460203"}))[0] == 1.0
    score, matches = field_overlap(frozenset({"460203"}), frozenset({"460299"}))
    assert score == 0.5
    assert matches == (FieldMatch("460203", "460299", 0.5),)
    assert field_overlap(frozenset({"46"}), frozenset({"4602"}))[0] == 0.5
    # CRDC 2020: RDF10 division > RDF101 group > RDF10101 class > RDF1010101 subclass
    assert field_overlap(frozenset({"RDF1010101"}), frozenset({"RDF1010102"}))[0] == 0.5
    assert field_overlap(frozenset({"RDF1010101"}), frozenset({"RDF1010201"}))[0] == 0.25
    assert field_overlap(frozenset({"RDF10101"}), frozenset({"RDF20101"}))[0] == 0.0
    assert field_overlap(frozenset(), frozenset({"46"})) == (0.0, ())


def test_skill_overlap_normalises_and_uses_aliases():
    assert normalise_skill(" Python-3 ") == "python 3"
    score, matched = skill_overlap(
        frozenset({"PYTHON", "machine learning"}),
        frozenset({"python", "機械学習", "R"}),
        aliases={"機械学習": "machine learning"},
    )
    assert score == pytest.approx(2 / 3)
    assert matched == ("machine learning", "python")


def test_language_fit_project_against_person(student):
    p = _projects()
    assert language_fit(p[0], student) == 1.0  # en 1.0 >= required 0.7
    assert language_fit(student, p[1]) == pytest.approx(0.3)  # ja 0.3 of required 1.0
    assert language_fit(p[2], student) == 0.0


def test_recommend_projects_for_candidate_with_explanation(student, e5, cache):
    recs = recommend(
        student,
        _projects(),
        k=5,
        encoder=e5,
        cache=cache,
        skill_aliases={"機械学習": "machine learning"},
        where={"call": "2026"},
    )
    assert [r.id for r in recs] == ["p-eeg", "p-sake"]
    top = recs[0]
    assert top.matched_skills == ("machine learning", "python")
    assert top.matched_fields[0] == FieldMatch("320903", "320903", 1.0)
    assert top.language == 1.0
    assert "EEG decoding" in top.sentence_pair.source
    assert "脳波デコーディング" in top.sentence_pair.target
    assert top.score == pytest.approx(
        0.55 * top.semantic + 0.2 * top.fields + 0.15 * top.skills + 0.1 * top.language, abs=1e-5
    )


def test_recommend_candidates_for_project_hard_filter_first(student, e5, cache):
    other = Profile(
        "s2",
        "candidate",
        "Yeast fermentation in sake brewing.",
        "en",
        attributes={"eligible": False},
    )
    project = _projects()[0]
    recs = recommend(
        project,
        [student, other],
        encoder=e5,
        cache=cache,
        eligible=lambda src, t: t.attributes.get("eligible", True),
    )
    assert [r.id for r in recs] == ["s1"]


def test_recommend_does_not_mutate_inputs(student, e5, cache):
    projects = _projects()
    before = list(projects)
    recommend(student, projects, encoder=e5, cache=cache, explain=False)
    assert projects == before


def test_recommend_bad_input(student, e5):
    with pytest.raises(ValueError, match="k must"):
        recommend(student, _projects(), k=0, encoder=e5)
    with pytest.raises(ValueError, match=r"targets\[0\] must be a Profile"):
        recommend(student, ["x"], encoder=e5)  # type: ignore[list-item]
    empty = Profile("s0", "candidate", "  ")
    with pytest.raises(ValueError, match=r"source\.text is empty"):
        recommend(empty, _projects(), encoder=e5)
    with pytest.raises(ValueError, match="kind"):
        Profile("x", "robot", "t")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="languages"):
        Profile("x", "candidate", "t", languages={"ja": 3})
    with pytest.raises(ValueError, match=r"weights\.fields"):
        Weights(fields=-1)


def test_recommend_empty_target_text_scores_zero_semantic(student, e5, cache):
    blank = Profile("p-blank", "project", "", fields=frozenset({"320903"}))
    recs = recommend(student, [blank], encoder=e5, cache=cache)
    assert recs[0].semantic == 0.0
    assert recs[0].sentence_pair is None
