"""The demo's cross-language recommendations, with the real encoder.

The demo ships its embeddings (src/kakehashi/demo/data/embeddings.npz): loading the
demo seeds the cache, so recommending encodes nothing and never loads the model.
"""

from io import StringIO

import pytest
from django.core.management import call_command

from kakehashi.people.models import User
from kakehashi.projects.models import Project
from kakehashi.recommendations.selectors import (
    recommended_candidates,
    recommended_projects,
    search,
)
from kakehashi_semantic import encoders


@pytest.fixture
def demo(db, real_encoder):
    call_command("load_demo", stdout=StringIO())


def _top(username: str, k: int = 3) -> list[str]:
    user = User.objects.get(username=username)
    return [r.project.key for r in recommended_projects(user=user, k=k)]


def test_demo_recommendations_cross_languages_without_encoding(demo, monkeypatch):
    # Any encode would go through E5Encoder.encode: make it fail loudly instead.
    def no_encoding(self, texts, *, kind="passage"):
        raise AssertionError(f"encoded {texts!r}: the demo fixture should cover it")

    monkeypatch.setattr(encoders.E5Encoder, "encode", no_encoding)

    # English EEG-decoding interests → the Japanese ATR posting (脳波デコーディング).
    assert _top("candidate") == [
        "atr-eeg-decoding",
        "atr-decoded-neurofeedback",
        "riken-cbs-decision-rnn",
    ]
    # Japanese interests → an English speech-translation project.
    assert _top("candidate-ja")[0] == "ubc-ja-en-speech-translation"
    # French interests → the French 6G posting.
    assert _top("candidate-fr")[0] == "ets-6g-reseaux-non-terrestres"

    project = Project.objects.get(key="atr-eeg-decoding")
    rows = recommended_candidates(project=project, k=10)
    others = [r.candidate.username for r in rows if not r.applied]
    assert others[0] == "candidate"


def test_demo_explanation_pairs_sentences_across_languages(demo):
    user = User.objects.get(username="candidate")
    top = recommended_projects(user=user, k=1)[0]
    e = top.explanation
    assert (e.source_lang, e.target_lang) == ("en", "ja")
    assert e.source_sentence.startswith("My doctoral research focuses on decoding movement")
    assert e.target_sentence.startswith("非侵襲脳波（EEG）から運動意図をリアルタイムに推定")
    assert e.skills == (
        "eeg",
        "mne python",
        "python",
        "pytorch",
        "signal processing",
        "transfer learning",
    )


def test_demo_search_across_languages(demo):
    officer = User.objects.get(username="officer")

    # A Japanese query: the Japanese posting first, then one written in English
    # (BRAMS, music and EEG) that shares no word with it.
    projects = search(user=officer, q="脳波")["projects"]
    assert [h.obj.key for h in projects[:2]] == ["atr-eeg-decoding", "brams-music-eeg"]
    assert projects[0].snippet_html.count("<mark>脳波</mark>") >= 1
    # Organisations by their Japanese name.
    orgs = search(user=officer, q="国際電気通信基礎技術研究所")["organisations"]
    assert orgs[0].obj.ror_id == "01pe1d703"


def test_demo_search_french_query_finds_speech_translation_in_other_languages(demo):
    officer = User.objects.get(username="officer")

    projects = search(user=officer, q="traduction automatique de la parole")["projects"]

    keys = [h.obj.key for h in projects]
    # the Japanese and the English speech-translation projects, then the English ASR
    # project that feeds speech translation; no unrelated (French) project above them
    assert set(keys[:2]) == {"nict-simultaneous-interpretation", "ubc-ja-en-speech-translation"}
    assert keys[2] == "nict-accented-asr"
