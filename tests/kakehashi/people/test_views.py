"""My profile: view and edit (ORCID, time zone, languages, interests, skills)."""

import pytest

from kakehashi.people.models import User
from tests import factories


@pytest.fixture
def world(db):
    return factories.page_world()


def _form(**overrides) -> dict:
    """The profile form as `world.candidate` (Alex Martin, PhD) sends it unchanged."""
    data = {
        "given_name": "Alex",
        "family_name": "Martin",
        "level": "phd",
        "orcid": "",
        "timezone": "Asia/Tokyo",
        "research_interests": "Robot learning.",
        "interests_language": "en",
        "skills": "python, ROS",
        "languages-TOTAL_FORMS": "2",
        "languages-INITIAL_FORMS": "0",
        "languages-MIN_NUM_FORMS": "0",
        "languages-MAX_NUM_FORMS": "1000",
        "languages-0-language": "ja",
        "languages-0-level": "N2",
        "languages-1-language": "",
        "languages-1-level": "",
    }
    data.update(overrides)
    return data


def test_profile_shows_candidate_profile(client, world):
    factories.LanguageSkillFactory(person=world.candidate, language="fr", level="B2")
    client.force_login(world.candidate)

    html = client.get("/profile/").content.decode()

    assert "<dd>Alex Martin</dd>" in html
    assert "<li>French: B2</li>" in html
    assert "<dd>PhD student</dd>" in html
    assert "<dd>Canada → Japan</dd>" in html
    assert '<span class="tag">eeg</span>' in html


def test_profile_of_supervisor_has_no_candidate_section(client, world):
    client.force_login(world.supervisor)

    html = client.get("/profile/").content.decode()

    assert "<dd>Hana Sato</dd>" in html
    assert "Candidate profile" not in html


def test_profile_edit_saves_everything(client, world):
    client.force_login(world.candidate)

    response = client.post("/profile/edit/", _form(orcid="https://orcid.org/0000-0002-1825-0097"))

    assert (response.status_code, response["Location"]) == (302, "/profile/")
    world.candidate.refresh_from_db()
    profile = world.candidate.candidate_profile
    assert world.candidate.orcid == "0000-0002-1825-0097"
    assert world.candidate.timezone == "Asia/Tokyo"
    assert list(world.candidate.languages.values_list("language", "level")) == [("ja", "N2")]
    assert (profile.research_interests, profile.skills) == ("Robot learning.", ["python", "ROS"])
    assert "Your profile has been saved." in client.get("/profile/").content.decode()


def test_profile_edit_bad_orcid_shows_error_and_keeps_input(client, world):
    client.force_login(world.candidate)

    response = client.post("/profile/edit/", _form(orcid="0000-0002-1825-0098"))

    html = response.content.decode()
    assert response.status_code == 200
    assert "is not a valid ORCID iD: its check digit is wrong." in html
    assert 'value="0000-0002-1825-0098"' in html
    world.candidate.refresh_from_db()
    assert world.candidate.orcid is None
    assert world.candidate.candidate_profile.research_interests.startswith("EEG")


def test_profile_edit_jlpt_level_for_english_saves_nothing(client, world):
    client.force_login(world.candidate)

    response = client.post(
        "/profile/edit/", _form(**{"languages-0-language": "en", "languages-0-level": "N1"})
    )

    assert "JLPT levels apply to Japanese only." in response.content.decode()
    world.candidate.refresh_from_db()
    assert world.candidate.timezone == "UTC"
    assert not world.candidate.languages.exists()


def test_profile_edit_same_language_twice_is_refused(client, world):
    client.force_login(world.candidate)

    response = client.post(
        "/profile/edit/", _form(**{"languages-1-language": "ja", "languages-1-level": "N1"})
    )

    assert "Give each language only once." in response.content.decode()
    assert not world.candidate.languages.exists()


def test_profile_edit_supervisor_edits_account_only(client, world):
    client.force_login(world.supervisor)

    html = client.get("/profile/edit/").content.decode()
    response = client.post("/profile/edit/", _form(timezone="America/Toronto"))

    assert "Research interests" not in html
    assert response.status_code == 302
    world.supervisor.refresh_from_db()
    assert world.supervisor.timezone == "America/Toronto"


def test_profile_edit_saves_names_in_three_scripts_their_order_and_level(client, world):
    client.force_login(world.candidate)

    response = client.post(
        "/profile/edit/",
        _form(
            given_name="Yui",
            family_name="Tanaka",
            family_name_kanji="田中",
            given_name_kanji="結衣",
            family_name_kana="タナカ",
            given_name_kana="ユイ",
            name_order="given_first",
            level="postdoc",
        ),
    )

    assert response.status_code == 302
    person = User.objects.get(pk=world.candidate.pk)
    assert (
        person.given_name,
        person.family_name,
        person.family_name_kanji + person.given_name_kanji,
        person.family_name_kana + person.given_name_kana,
        person.name_order,
        person.candidate_profile.level,
    ) == ("Yui", "Tanaka", "田中結衣", "タナカユイ", "given_first", "postdoc")
    english = client.get("/profile/").content.decode()
    assert '<span class="who">Yui Tanaka</span>' in english


def test_profile_edit_refuses_to_clear_every_name(client, world):
    client.force_login(world.candidate)

    response = client.post("/profile/edit/", _form(given_name="", family_name=""))

    assert response.status_code == 200
    assert "Give at least one name." in response.content.decode()
    assert User.objects.get(pk=world.candidate.pk).given_name == "Alex"
