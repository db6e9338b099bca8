"""The candidate's nationality (ISO 3166-1 alpha-2): profile page and form, API, export,
deletion."""

import pytest

from kakehashi.people.selectors import person_data_export
from kakehashi.people.services import person_delete
from tests import factories
from tests.kakehashi.api_helpers import API, body, token_client
from tests.kakehashi.people.test_views import _form


@pytest.fixture
def world(db):
    return factories.page_world()


def test_the_candidate_sets_a_nationality_on_the_profile(client, world):
    client.force_login(world.candidate)

    response = client.post("/profile/edit/", _form(nationality="CA"))

    assert response.status_code == 302
    world.candidate.candidate_profile.refresh_from_db()
    assert world.candidate.candidate_profile.nationality.code == "CA"
    assert "<dt>Nationality</dt><dd>Canada</dd>" in client.get("/profile/").content.decode()
    page = client.get("/profile/", headers={"Accept-Language": "ja"}).content.decode()
    assert "<dd>カナダ</dd>" in page


def test_an_unknown_country_is_refused_and_nothing_changes(client, world):
    client.force_login(world.candidate)

    response = client.post("/profile/edit/", _form(nationality="XX", skills="changed"))

    assert response.status_code == 200
    assert "Select a valid choice. XX is not one of the available choices." in (
        response.content.decode()
    )
    world.candidate.candidate_profile.refresh_from_db()
    assert world.candidate.candidate_profile.skills == ["python", "eeg"]


def test_the_api_and_the_data_export_carry_it_and_deletion_clears_it(world):
    profile = world.candidate.candidate_profile
    profile.nationality = "JP"
    profile.save()

    me = body(token_client(world.candidate).get(f"{API}/me"))
    export = person_data_export(person=world.candidate, language="en")

    assert me["candidate"]["nationality"] == "JP"
    assert export["sections"]["candidate_profile"]["records"][0]["nationality"] == "JP"
    person_delete(person=world.candidate, password=factories.PASSWORD)
    profile.refresh_from_db()
    assert profile.nationality == ""
