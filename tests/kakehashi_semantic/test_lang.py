import pytest

from kakehashi_semantic import detect_language


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("脳波デコーディングによる意図推定", "ja"),
        ("自然言語処理", "ja"),
        ("ＥＥＧを用いた研究です", "ja"),
        ("Intention estimation by EEG decoding", "en"),
        ("Estimation de l'intention par décodage EEG", "fr"),
        ("Le chat est là", "fr"),
        ("안녕하세요, 연구 프로젝트입니다", "ko"),
        ("这是一个关于机器翻译的研究项目", "zh"),
        ("我们的研究", "zh"),
        ("😀🎉🚀", "und"),
        ("", "und"),
        ("   \n", "und"),
        ("12345 !!!", "und"),
    ],
)
def test_detect_language_examples(text, lang):
    assert detect_language(text) == lang


def test_detect_language_non_str_raises():
    with pytest.raises(ValueError, match="text must be a str"):
        detect_language(b"bytes")  # type: ignore[arg-type]


def test_detect_language_megabyte_text_is_bounded():
    assert detect_language("EEG decoding of the brain. " * 40000) == "en"
