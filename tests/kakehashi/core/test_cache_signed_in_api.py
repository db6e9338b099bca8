"""Signed-in API answers kept whole (core.api.kept_page, kept_answer) and calls kept
under the data version (programs.selectors.call_get_visible_kept): each kind of write
that changes an answer shows at the next read, and callers who may see different
things never share an entry."""

import pytest

from kakehashi.people.models import Affiliation, LanguageSkill
from kakehashi.people.services import person_languages_set
from tests import factories
from tests.kakehashi.api_helpers import API, body, token_client

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _public_cache(settings):
    settings.PUBLIC_CACHE_SECONDS = 300


def _people(client, query: str = "") -> dict[str, dict]:
    return {p["username"]: p for p in body(client.get(f"{API}/people{query}"))["items"]}


# ---------------------------------------------------------------- the people list


def test_officers_people_list_is_answered_whole_with_two_queries(
    officer, candidate_user, django_assert_num_queries
):
    client = token_client(officer)
    first = client.get(f"{API}/people")
    with django_assert_num_queries(2):  # the token with its user, the data version
        second = client.get(f"{API}/people")
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"] == "application/json; charset=utf-8"
    assert set(_people(client)) == {officer.username, candidate_user.username}


def test_people_list_shows_a_renamed_person_at_once(officer, candidate_user):
    client = token_client(officer)
    assert _people(client)[candidate_user.username]["family_name"] != "Renamed"
    candidate_user.family_name = "Renamed"
    candidate_user.save()
    assert _people(client)[candidate_user.username]["family_name"] == "Renamed"


def test_people_list_shows_languages_affiliations_and_profiles_at_once(officer, candidate_user):
    client = token_client(officer)
    assert _people(client)[candidate_user.username]["languages"] == []

    LanguageSkill.objects.create(person=candidate_user, language="fr", level="B2")
    assert _people(client)[candidate_user.username]["languages"] == [{"code": "fr", "level": "B2"}]
    # The service writes languages in bulk (no signal) and bumps the version itself.
    person_languages_set(person=candidate_user, languages=[{"code": "ja", "level": "N2"}])
    assert _people(client)[candidate_user.username]["languages"] == [{"code": "ja", "level": "N2"}]

    organisation = factories.OrganisationFactory(name="First name")
    Affiliation.objects.create(person=candidate_user, organisation=organisation, role="researcher")
    affiliations = _people(client)[candidate_user.username]["affiliations"]
    assert [a["organisation_name"] for a in affiliations] == ["First name"]
    organisation.name = "Second name"
    organisation.save()
    affiliations = _people(client)[candidate_user.username]["affiliations"]
    assert [a["organisation_name"] for a in affiliations] == ["Second name"]

    profile = candidate_user.candidate_profile
    profile.level = "postdoc"
    profile.save()
    assert _people(client)[candidate_user.username]["candidate"]["level"] == profile.level


def test_people_list_drops_a_deactivated_person_at_once(officer, candidate_user):
    client = token_client(officer)
    assert candidate_user.username in _people(client)
    candidate_user.is_active = False
    candidate_user.save()
    assert candidate_user.username not in _people(client)


def test_people_list_follows_whom_a_supervisor_may_see(project, supervisor_user, officer):
    applicant = factories.candidate()
    supervisor = token_client(supervisor_user)
    assert applicant.username not in _people(supervisor)
    # An application changes no public data (the version stays): whom the supervisor
    # sees is part of the key.
    factories.ApplicationFactory(project=project, candidate=applicant)
    assert applicant.username in _people(supervisor)
    # Another candidate never gets the supervisor's or the officer's entry.
    other = token_client(factories.candidate())
    assert applicant.username not in _people(other)
    assert applicant.username in _people(token_client(officer))
    assert applicant.username not in _people(other)


def test_people_list_pages_are_kept_apart(officer):
    for _ in range(3):
        factories.candidate()
    client = token_client(officer)
    everyone = list(_people(client))
    assert list(_people(client, "?limit=2")) == everyone[:2]
    assert list(_people(client, "?limit=2&offset=2")) == everyone[2:4]
    assert body(client.get(f"{API}/people?limit=2"))["count"] == len(everyone) == 4


def test_people_list_is_kept_per_language(officer):
    organisation = factories.OrganisationFactory(name="ROR name")
    Affiliation.objects.create(person=officer, organisation=organisation, role="researcher")
    client = token_client(officer)
    en = client.get(f"{API}/people", headers={"accept-language": "en"})
    ja = client.get(f"{API}/people", headers={"accept-language": "ja"})
    assert (en["Content-Language"], ja["Content-Language"]) == ("en", "ja")


# ---------------------------------------------------------------- recommendations


def test_recommendations_answer_is_kept_per_candidate_until_public_data_changes(
    candidate_user, monkeypatch, django_assert_num_queries
):
    from kakehashi.recommendations import api  # the module whose helper is counted

    calls = []
    monkeypatch.setattr(
        api, "recommended_projects", lambda *, user, k: calls.append((user.pk, k)) or []
    )
    client = token_client(candidate_user)
    url = f"{API}/recommendations/projects"
    assert body(client.get(url)) == {"items": [], "count": 0}
    # The token with its user, the candidate's profile (the permission), the version.
    with django_assert_num_queries(3):
        assert body(client.get(url)) == {"items": [], "count": 0}
    other = factories.candidate()
    token_client(other).get(url)
    client.get(f"{url}?limit=3")
    assert calls == [(candidate_user.pk, 10), (other.pk, 10), (candidate_user.pk, 3)]

    profile = candidate_user.candidate_profile
    profile.research_interests = "Brain-computer interfaces"
    profile.save()
    client.get(url)
    assert calls[3:] == [(candidate_user.pk, 10)]


# ---------------------------------------------------------------- lists under a call


def test_a_call_kept_for_its_lists_follows_its_status(project, supervisor_user, officer):
    call = project.call
    factories.ApplicationFactory(project=project, candidate=factories.candidate())
    supervisor = token_client(supervisor_user)
    url = f"{API}/calls/{call.pk}/applicants"
    assert body(supervisor.get(url))["count"] == 1
    call.status = "draft"
    call.save()
    assert supervisor.get(url).status_code == 404  # a draft is the officers' only
    officer_client = token_client(officer)
    assert officer_client.get(f"{API}/calls/{call.slug}/runs").status_code == 200
    old_slug = call.slug
    call.slug = "renamed-call"
    call.save()
    assert officer_client.get(f"{API}/calls/{old_slug}/runs").status_code == 404
    assert officer_client.get(f"{API}/calls/renamed-call/audit").status_code == 200


def test_applicants_are_read_fresh_under_a_kept_call(project, supervisor_user):
    supervisor = token_client(supervisor_user)
    url = f"{API}/calls/{project.call.pk}/applicants"
    assert body(supervisor.get(url))["count"] == 0
    application = factories.ApplicationFactory(project=project, candidate=factories.candidate())
    assert [a["id"] for a in body(supervisor.get(url))["items"]] == [application.pk]
    application.status = "withdrawn"
    application.save()
    assert body(supervisor.get(url))["items"] == []
