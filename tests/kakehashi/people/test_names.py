"""People's names in the reader's language: the helper, `str(user)`, the template
filters and the pages that show names."""

import pytest
from django.template import Context, Template
from django.utils import translation

from kakehashi.people.models import User
from kakehashi.people.names import person_name
from tests import factories


def _user(**names) -> User:
    fields = dict.fromkeys(
        ("family_name", "given_name", "family_name_kanji", "given_name_kanji", "name_order"), ""
    )
    return User(username="someone", **(fields | names))


MORIMOTO = dict(
    family_name="Morimoto",
    given_name="Takuya",
    family_name_kanji="森本",
    given_name_kanji="拓也",
)


@pytest.mark.parametrize(
    ("names", "language", "expected"),
    [
        (MORIMOTO, "ja", "森本拓也"),
        # A Japanese name is family name first in every language.
        (MORIMOTO, "en", "Morimoto Takuya"),
        (MORIMOTO, "fr", "Morimoto Takuya"),
        (
            {"family_name": "Morimoto", "given_name": "Takuya", "family_name_kana": "モリモト"},
            "en",
            "Morimoto Takuya",
        ),
        # Unless the person chose otherwise.
        (MORIMOTO | {"name_order": "given_first"}, "en", "Takuya Morimoto"),
        (
            MORIMOTO
            | {"name_order": "given_first", "family_name_kanji": "", "given_name_kanji": ""},
            "ja",
            "Takuya Morimoto",
        ),
        # A Latin-script name keeps its own order on Japanese pages.
        ({"family_name": "Tremblay", "given_name": "Élise"}, "ja", "Élise Tremblay"),
        ({"family_name": "Grant", "given_name": "Olivia"}, "ja", "Olivia Grant"),
        (
            {"family_name": "Nguyen", "given_name": "Van An", "name_order": "family_first"},
            "fr",
            "Nguyen Van An",
        ),
        ({"family_name": "Tremblay", "given_name": "Élise"}, "fr", "Élise Tremblay"),
        ({"family_name_kanji": "田中", "given_name_kanji": "結衣"}, "en", "田中結衣"),
        ({"family_name_kanji": "田中"}, "ja", "田中"),
        ({"given_name": "Madonna"}, "ja", "Madonna"),
        ({}, "ja", "someone"),
        ({}, "en", "someone"),
    ],
)
def test_person_name_follows_language_order_and_script(names, language, expected):
    assert person_name(_user(**names), language) == expected


def test_person_name_uses_active_language_by_default():
    user = _user(**MORIMOTO)

    with translation.override("ja"):
        in_japanese = (person_name(user), str(user))
    with translation.override("fr-ca"):
        in_french = (person_name(user), str(user))

    assert (in_japanese, in_french) == (
        ("森本拓也", "森本拓也"),
        ("Morimoto Takuya", "Morimoto Takuya"),
    )


def test_display_name_ja_is_kanji_else_the_latin_name_in_its_own_order():
    assert (
        _user(**MORIMOTO).display_name_ja,
        _user(family_name="Smith", given_name="Jane").display_name_ja,
        _user().display_name_ja,
    ) == ("森本拓也", "Jane Smith", "")


def _render(template: str, language: str, **context) -> str:
    with translation.override(language):
        return Template("{% load people_tags %}" + template).render(Context(context))


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", 'Morimoto Takuya <span lang="ja" class="muted">森本拓也</span>'),
        ("fr", 'Morimoto Takuya <span lang="ja" class="muted">森本拓也</span>'),
        ("ja", "森本拓也"),
    ],
)
def test_person_name_full_adds_kanji_for_non_japanese_readers(language, expected):
    assert _render("{{ p|person_name_full }}", language, p=_user(**MORIMOTO)) == expected


def test_person_name_full_tags_a_kanji_only_name_and_escapes():
    kanji_only = _user(family_name_kanji="田中", given_name_kanji="結衣")
    western = _user(family_name="<b>O'Neil</b>", given_name="Ann")

    assert (
        _render("{{ p|person_name_full }}", "en", p=kanji_only),
        _render("{{ p|person_name_full }}", "ja", p=kanji_only),
        _render("{{ p|person_name_full }}", "en", p=western),
        _render("{{ p|person_name }}|{{ missing|person_name_full }}", "ja", p=western),
    ) == (
        '<span lang="ja">田中結衣</span>',
        "田中結衣",
        "Ann &lt;b&gt;O&#x27;Neil&lt;/b&gt;",
        "Ann &lt;b&gt;O&#x27;Neil&lt;/b&gt;|",
    )


@pytest.fixture
def world(db):
    world = factories.page_world()
    User.objects.filter(pk=world.supervisor.pk).update(
        family_name_kanji="佐藤", given_name_kanji="花"
    )
    return world


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", 'Sato Hana <span lang="ja" class="muted">佐藤花</span> <span class="muted">'),
        ("ja", '<li>佐藤花 <span class="muted">'),
    ],
)
def test_project_page_names_supervisors_in_reader_language(client, world, language, expected):
    html = client.get(
        "/projects/eeg-decoding/", headers={"accept-language": language}
    ).content.decode()

    assert expected in html


def test_header_names_signed_in_user_in_reader_language(client, world):
    client.force_login(world.supervisor)

    english = client.get("/", headers={"accept-language": "en"}).content.decode()
    japanese = client.get("/", headers={"accept-language": "ja"}).content.decode()

    assert '<span class="who">Sato Hana</span>' in english
    assert '<span class="who">佐藤花</span>' in japanese


def test_person_name_of_anonymous_user_is_empty():
    from django.contrib.auth.models import AnonymousUser

    assert (
        person_name(AnonymousUser(), "ja"),
        _render("[{{ p|person_name_full }}]", "en", p=AnonymousUser()),
    ) == ("", "[]")
