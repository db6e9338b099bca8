"""The public answer cache (core.cache): anonymous lists and search served from the
cache, retired by every write to public data, never for a signed-in caller."""

import pytest
from django.contrib.auth.models import update_last_login
from django.db import transaction
from django.test import Client
from django.urls import reverse

from kakehashi.applications.models import Application
from kakehashi.core.cache import data_version
from kakehashi.people.models import Affiliation
from kakehashi.research_fields.models import ResearchField
from tests import factories
from tests.kakehashi.api_helpers import API, body, session_client, token_client

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _public_cache(settings):
    settings.PUBLIC_CACHE_SECONDS = 300


def _titles(response) -> list[str]:
    return [p["title"] for p in body(response)["items"]]


def test_an_anonymous_list_is_answered_from_the_cache_with_one_query(
    project, django_assert_num_queries
):
    client = Client()
    first = client.get(f"{API}/projects")
    with django_assert_num_queries(1):  # the data version, nothing else
        second = client.get(f"{API}/projects")
    assert second.status_code == 200
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"]


def test_a_saved_project_retires_the_cached_list(project):
    client = Client()
    assert _titles(client.get(f"{API}/projects")) == [project.title]
    project.title = "Renamed"
    project.save()
    assert _titles(client.get(f"{API}/projects")) == ["Renamed"]
    other = factories.ProjectFactory(call=project.call, title="Second")
    assert sorted(_titles(client.get(f"{API}/projects"))) == ["Renamed", "Second"]
    other.delete()
    assert _titles(client.get(f"{API}/projects")) == ["Renamed"]


def test_a_many_to_many_change_retires_the_cached_list(project):
    client = Client()
    assert body(client.get(f"{API}/projects"))["items"][0]["fields"] == []
    field = ResearchField.objects.filter(level=3).order_by("code").first()
    project.fields.add(field)
    assert body(client.get(f"{API}/projects"))["items"][0]["fields"] == [field.code]


def test_a_renamed_supervisor_or_host_retires_the_cached_list(project, supervisor_user):
    client = Client()
    client.get(f"{API}/projects")
    supervisor_user.given_name, supervisor_user.family_name = "Aiko", "Sato"
    supervisor_user.save()
    project.host.name = "New host name"
    project.host.save()
    item = body(client.get(f"{API}/projects"))["items"][0]
    assert item["host"]["name"] == "New host name"
    assert item["supervisors"][0]["name"] == supervisor_user.display_name


def test_writes_no_public_answer_shows_keep_the_version(project):
    applicant = factories.candidate()
    before = data_version()
    factories.ApplicationFactory(project=project, candidate=applicant)
    assert data_version() == before
    project.save()
    assert data_version() != before


def test_a_sign_in_keeps_the_version(candidate_user):
    before = data_version()
    update_last_login(None, candidate_user)  # what every sign-in saves
    candidate_user.refresh_from_db()
    assert candidate_user.last_login is not None
    assert data_version() == before
    candidate_user.given_name = "Renamed"
    candidate_user.save(update_fields=["given_name", "last_login"])
    assert data_version() != before


def test_a_rolled_back_write_leaves_the_version_as_it_was(project):
    before = data_version()
    with pytest.raises(RuntimeError), transaction.atomic():
        project.title = "Never"
        project.save()
        assert data_version() != before
        raise RuntimeError
    assert data_version() == before


def test_signed_in_callers_are_never_answered_from_the_cache(project, officer):
    draft = factories.ProjectFactory(call=project.call, status="draft", title="Draft")
    anonymous = Client()
    assert _titles(anonymous.get(f"{API}/projects")) == [project.title]
    assert sorted(_titles(token_client(officer).get(f"{API}/projects"))) == sorted(
        [project.title, draft.title]
    )
    session = Client()
    session.force_login(officer)
    assert sorted(_titles(session.get(f"{API}/projects"))) == sorted([project.title, draft.title])
    assert _titles(anonymous.get(f"{API}/projects")) == [project.title]


def test_the_language_is_part_of_the_key(project):
    client = Client()
    en = client.get(f"{API}/projects?limit=1", headers={"accept-language": "en"})
    ja = client.get(f"{API}/projects?limit=1", headers={"accept-language": "ja"})
    assert en["Content-Language"] == "en"
    assert ja["Content-Language"] == "ja"


def test_the_project_page_and_search_page_show_a_change_at_once(project):
    client = Client()
    assert project.title in client.get("/projects/").content.decode()
    project.title = "Renamed project"
    project.save()
    assert "Renamed project" in client.get("/projects/").content.decode()
    page = client.get("/search/?q=Renamed")
    assert page.status_code == 200
    assert "csrfmiddlewaretoken" in page.content.decode()  # the page itself is never cached


def test_the_cache_is_off_at_zero_seconds(project, settings, django_assert_num_queries):
    settings.PUBLIC_CACHE_SECONDS = 0
    client = Client()
    client.get(f"{API}/projects")
    with django_assert_num_queries(3):  # as test_project_list_queries_do_not_grow counts
        client.get(f"{API}/projects")


def test_recommendations_are_kept_per_candidate_until_public_data_changes(
    project, candidate_user, monkeypatch
):
    from kakehashi.recommendations import selectors  # the module whose helper is counted

    calls = []
    monkeypatch.setattr(
        selectors, "_recommended_projects", lambda *, user, k: calls.append((user.pk, k)) or []
    )
    other = factories.candidate()
    selectors.recommended_projects(user=candidate_user)
    selectors.recommended_projects(user=candidate_user)
    selectors.recommended_projects(user=other)
    assert calls == [(candidate_user.pk, 10), (other.pk, 10)]
    factories.ApplicationFactory(project=project, candidate=candidate_user)
    selectors.recommended_projects(user=candidate_user)
    assert len(calls) == 2  # an application changes no recommendation
    profile = candidate_user.candidate_profile
    profile.research_interests = "Brain-computer interfaces"
    profile.save()
    selectors.recommended_projects(user=candidate_user)
    assert calls[2:] == [(candidate_user.pk, 10)]


# ---------------------------------------------------------------- signed-in fragments
# Signed-in pages keep their costly fragments per set of what the viewer may see
# (core.cache.visible_fragment) and the navigation's roles per person (both under the
# data version).


def test_signed_in_project_list_is_kept_per_set_of_visible_drafts(
    project, supervisor_user, candidate_user, django_assert_num_queries
):
    factories.ProjectFactory(
        call=project.call, status="draft", title="Draft of sup", supervisor=supervisor_user
    )
    candidate, supervisor = session_client(candidate_user), session_client(supervisor_user)

    assert "Draft of sup" not in candidate.get("/projects/").content.decode()
    assert "Draft of sup" in supervisor.get("/projects/").content.decode()
    assert "Draft of sup" not in candidate.get("/projects/").content.decode()
    # Another candidate shares the first one's entry: its session, itself, the version.
    other = session_client(factories.candidate())
    assert project.title in other.get("/projects/").content.decode()
    with django_assert_num_queries(3):
        html = other.get("/projects/").content.decode()
    assert project.title in html
    assert "Draft of sup" not in html


def test_signed_in_project_list_shows_a_draft_once_it_becomes_visible(project, candidate_user):
    draft = factories.ProjectFactory(call=project.call, status="draft", title="Hosted draft")
    client = session_client(candidate_user)
    assert "Hosted draft" not in client.get("/projects/").content.decode()

    Affiliation.objects.create(person=candidate_user, organisation=draft.host, role="admin")

    assert "Hosted draft" in client.get("/projects/").content.decode()


def test_signed_in_search_follows_whom_the_viewer_may_see(
    project, supervisor_user, candidate_user, django_assert_num_queries
):
    other = factories.candidate(research_interests="Decoding EEG with deep learning.")
    supervisor = session_client(supervisor_user)
    url = "/search/?q=EEG%20decoding"
    assert str(other) not in supervisor.get(url).content.decode()

    # An application changes no public data (the version stays): the viewer's visible
    # people are part of the key.
    factories.ApplicationFactory(project=project, candidate=other)

    assert str(other) in supervisor.get(url).content.decode()
    candidate = session_client(candidate_user)
    assert str(other) not in candidate.get(url).content.decode()
    # Session, user, version, the visible people: the search itself is kept.
    with django_assert_num_queries(4):
        assert str(other) not in candidate.get(url).content.decode()


def test_the_navigation_follows_a_new_role(project, candidate_user):
    client = session_client(candidate_user)
    vetting = reverse("projects:vetting")
    assert vetting not in client.get("/projects/").content.decode()

    Affiliation.objects.create(person=candidate_user, organisation=project.host, role="admin")

    assert vetting in client.get("/projects/").content.decode()


def test_signed_in_api_search_is_kept_per_set_of_visible_people(
    project, supervisor_user, candidate_user, django_assert_num_queries
):
    other = factories.candidate(research_interests="Decoding EEG with deep learning.")
    url = f"{API}/search?q=EEG%20decoding"
    supervisor = token_client(supervisor_user)

    def people(client) -> list[int]:
        return [hit["id"] for hit in body(client.get(url))["people"]]

    assert other.pk not in people(supervisor)
    factories.ApplicationFactory(project=project, candidate=other)  # the version stays
    assert other.pk in people(supervisor)
    candidate = token_client(candidate_user)
    assert other.pk not in people(candidate)
    # The token with its user, the version, the visible people: the search itself is kept.
    with django_assert_num_queries(3):
        assert other.pk not in people(candidate)


# ---------------------------------------------------------------- signed-in list pages
# The officer's calls, the candidate's recommendations, the supervisor's projects: cached
# fragments (core.cache.visible_fragment); the navigation per roles (fixed_fragment).


def test_call_list_page_follows_a_renamed_call(call, officer, django_assert_num_queries):
    client = session_client(officer)
    url = reverse("programs:calls")
    assert call.name in client.get(url).content.decode()
    # Session, user, version: the tables and the navigation are kept.
    with django_assert_num_queries(3):
        client.get(url)

    call.name_en = "Renamed call"
    call.save()

    assert "Renamed call" in client.get(url).content.decode()


def _applicants(html: str, project) -> str:
    link = reverse("applications:project_applicants", args=[project.key])
    return html.split(f'href="{link}">', 1)[1].split("<", 1)[0]


def test_supervising_page_follows_its_applicant_counts(
    project, supervisor_user, django_assert_num_queries
):
    client = session_client(supervisor_user)
    url = reverse("projects:supervising")
    assert _applicants(client.get(url).content.decode(), project) == "0"

    # Applications change no public data (the data version stays): the activity version
    # retires the kept tables.
    application = factories.ApplicationFactory(project=project)
    assert _applicants(client.get(url).content.decode(), project) == "1"
    factories.ApplicationFactory(project=project)
    assert _applicants(client.get(url).content.decode(), project) == "2"
    application.status = "withdrawn"
    application.save()
    assert _applicants(client.get(url).content.decode(), project) == "1"
    Application.objects.filter(project=project, status="submitted").delete()  # in bulk
    assert _applicants(client.get(url).content.decode(), project) == "0"
    # Session, user, both versions, the permission's supervision.
    with django_assert_num_queries(4):
        client.get(url)

    project.title = "Renamed project"
    project.save()
    assert "Renamed project" in client.get(url).content.decode()


def test_supervising_page_is_kept_per_supervisor(project, supervisor_user):
    other = factories.UserFactory(username="sup-other")
    factories.ProjectFactory(call=project.call, supervisor=other, title="Project of another")
    assert (
        project.title
        in session_client(supervisor_user).get("/supervising/projects/").content.decode()
    )
    html = session_client(other).get("/supervising/projects/").content.decode()
    assert "Project of another" in html
    assert project.title not in html


def test_recommendations_page_is_kept_per_candidate(project, candidate_user):
    url = reverse("recommendations:for_me")
    assert project.title in session_client(candidate_user).get(url).content.decode()
    without = factories.candidate(research_interests="")
    html = session_client(without).get(url).content.decode()
    assert "write your research interests" in html
    assert project.title not in html


def test_the_navigation_is_kept_per_roles_and_language(project, candidate_user, officer):
    calls = f'href="{reverse("programs:calls")}"'
    mine = f'href="{reverse("applications:mine")}"'
    candidate, officer_client = session_client(candidate_user), session_client(officer)
    html = candidate.get("/projects/").content.decode()
    assert mine in html and calls not in html
    html = officer_client.get("/projects/").content.decode()
    assert calls in html and mine not in html
    html = candidate.get("/projects/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Mes candidatures" in html
    html = candidate.get("/projects/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "My applications" in html
