"""Content in another language than the page's carries `lang` (WCAG 3.1.2), so that
screen readers pronounce it right: the key pages, rendered in Japanese and French, are
parsed and every text holding a known foreign title or name is checked for the `lang`
it is read in (the nearest `lang` of its elements, else the page's)."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.utils import translation

from kakehashi.offers.explanations import Choice
from tests.kakehashi.recommendations.conftest import CHAR_ENCODER

#: Elements whose text no screen reader reads in the page (the tab's title, a select's
#: options are announced by the browser) or that hold no content.
SKIPPED = {"title", "script", "style", "option"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


class _Texts(HTMLParser):
    """Each text node with the language it is read in."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[tuple[str, str | None, bool]] = []
        self.texts: list[tuple[str, str | None, bool]] = []

    def handle_starttag(self, tag, attrs):
        if tag not in VOID:
            attrs = dict(attrs)
            snippet = "snippet" in (attrs.get("class") or "").split()
            self.stack.append((tag, attrs.get("lang"), snippet))

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                break

    def handle_data(self, data):
        if not data.strip() or any(tag in SKIPPED for tag, _lang, _s in self.stack):
            return
        lang = next((lang for _tag, lang, _s in reversed(self.stack) if lang), None)
        self.texts.append((data.strip(), lang, any(s for _t, _l, s in self.stack)))


def _languages_of(html: str, needle: str, *, skip_snippets: bool = False) -> list[str | None]:
    parser = _Texts()
    parser.feed(html)
    return [
        lang
        for text, lang, snippet in parser.texts
        if needle in text and not (skip_snippets and snippet)
    ]


@pytest.fixture(autouse=True)
def _small_encoder(settings, tmp_path):
    # The search page's semantic half: the engine's character encoder, no model.
    settings.RECOMMENDATIONS_EMBEDDING_CACHE = str(tmp_path / "embeddings")
    settings.RECOMMENDATIONS_ENCODER = CHAR_ENCODER


def _pages(world) -> list[tuple[str, str]]:
    """(who, path): the pages that show the world's English project and call."""
    return [
        ("candidate", "/results/"),
        ("anonymous", "/projects/"),
        ("anonymous", "/search/?q=EEG"),
        ("anonymous", f"/projects/{world.project.key}/"),
        ("officer", "/calls/"),
        ("officer", f"/calls/{world.call.slug}/"),
        ("candidate", "/applications/"),
    ]


# The world: an English project ("Decoding EEG…") at a host named in English and in
# Japanese (京都テスト大学), in a call named only in English ("2027 Summer"), and a
# Japanese project (ロボット制御の研究).
#: Search snippets of people and organisations mix languages (an organisation's names in
#: every language, a supervisor's project titles): no one `lang` fits them, so they are
#: left out; what they quote is checked everywhere else.
FOREIGN_ON_JA = {"Decoding EEG for brain-computer interfaces": "en", "2027 Summer": "en"}
FOREIGN_ON_FR = {
    "Decoding EEG for brain-computer interfaces": "en",
    "2027 Summer": "en",
    "Kyoto Test University": "en",
    "ロボット制御の研究": "ja",
}


@pytest.mark.parametrize("language", ["ja", "fr"])
def test_foreign_content_on_key_pages_carries_its_language(client, world, published, language):
    foreign = FOREIGN_ON_JA if language == "ja" else FOREIGN_ON_FR
    seen: dict[str, int] = dict.fromkeys(foreign, 0)
    for who, path in _pages(world):
        client.logout()
        if who != "anonymous":
            client.force_login(getattr(world, who))
        response = client.get(path, headers={"accept-language": language})
        assert response.status_code == 200, path
        html = response.content.decode()
        assert f'<html lang="{language}">' in html
        for needle, expected in foreign.items():
            langs = _languages_of(html, needle, skip_snippets=True)
            seen[needle] += len(langs)
            assert all(lang == expected for lang in langs), (path, needle, langs)
    # Each foreign text was found somewhere (the check above is not vacuous).
    assert all(seen.values()), seen


def test_content_in_the_page_s_language_carries_no_extra_lang(client, world):
    # The Japanese host name on a Japanese page, the English call name on an English page.
    html = client.get(f"/projects/{world.project.key}/", headers={"accept-language": "ja"})
    html = html.content.decode()
    assert "<span>京都テスト大学</span>" in html
    assert 'lang="ja">京都テスト大学' not in html
    client.force_login(world.officer)
    html = client.get("/calls/", headers={"accept-language": "en"}).content.decode()
    assert 'href="/calls/summer/">2027 Summer</a>' in html


def test_reason_sentence_for_a_page_escapes_and_tags_the_title(world):
    world.project.title = "EEG <b>decoding</b>"
    choice = Choice(key="eeg-decoding", rank=1, reason="not_ranked_by_host", project=world.project)
    with translation.override("fr"):
        html = choice.message_html
        text = choice.message
    assert '« <span lang="en">EEG &lt;b&gt;decoding&lt;/b&gt;</span> »' in html
    assert "« EEG <b>decoding</b> »" in text  # mail and plain text keep the title as it is
