import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from kakehashi.jobs.models import Job
from kakehashi.recommendations.services import REFRESH
from tests import factories
from tests.kakehashi.api_helpers import API, body, error, token_client

pytestmark = pytest.mark.django_db

MINE = f"{API}/recommendations/projects"


def _candidates(project) -> str:
    return f"{API}/projects/{project.pk}/recommended-candidates"


def _queries(client, url) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_recommended_projects_for_the_caller(candidate_user, project):
    data = body(token_client(candidate_user).get(MINE))

    assert data["count"] == 1
    [item] = data["items"]
    assert (item["rank"], item["project_id"], item["project_key"]) == (1, project.pk, project.key)
    assert item["language"] == "ja"
    assert item["explanation"]["skills"] == []
    assert item["explanation"]["related_fields"] == []
    assert item["explanation"]["strength"] in {"strong", "good", "weak"}
    # The test encoder (character n-grams) finds no likeness between an English and a
    # Japanese sentence: under the measured floor, no sentence pair is offered.
    assert item["explanation"]["sentences"] is None
    assert item["explanation"]["similarity"] is None


def test_recommended_projects_need_a_candidate(supervisor_user, project):
    assert Client().get(MINE).status_code == 401
    response = token_client(supervisor_user).get(MINE)
    assert response.status_code == 403
    assert body(response) == error(403, "forbidden", "Only candidates get project recommendations.")


@pytest.mark.parametrize("rows", [1, 3])
def test_recommended_projects_queries_do_not_grow(candidate_user, call, rows):
    for _ in range(rows):
        factories.ProjectFactory(call=call)
    assert _queries(token_client(candidate_user), MINE) == 8


def test_recommended_candidates_applicants_first_then_summaries(supervisor_user, project):
    # interests that repeat the project's title: a sentence pair above the floor
    applicant = factories.candidate(research_interests=f"{project.title}.")
    factories.ApplicationFactory(candidate=applicant, project=project)
    other = factories.candidate()

    data = body(token_client(supervisor_user).get(_candidates(project)))

    assert data["count"] == 2
    first, second = data["items"]
    assert (first["applied"], first["candidate_id"], first["display_name"]) == (
        True,
        applicant.pk,
        str(applicant),
    )
    assert first["explanation"]["sentences"] is not None
    assert (second["applied"], second["candidate_id"], second["display_name"]) == (
        False,
        None,
        None,
    )
    assert second["explanation"]["sentences"] is None
    assert second["home_organisation"] == other.candidate_profile.home_organisation.name


def test_recommended_candidates_permissions(project, officer, candidate_user):
    someone_else = factories.ProjectFactory(call=project.call).supervisions.get().person

    assert Client().get(_candidates(project)).status_code == 401
    assert token_client(someone_else).get(_candidates(project)).status_code == 404
    assert token_client(candidate_user).get(_candidates(project)).status_code == 404
    assert token_client(officer).get(_candidates(project)).status_code == 200


@pytest.mark.parametrize("rows", [1, 3])
def test_recommended_candidates_queries_do_not_grow(supervisor_user, project, rows):
    for _ in range(rows):
        factories.ApplicationFactory(candidate=factories.candidate(), project=project)
    assert _queries(token_client(supervisor_user), _candidates(project)) == 11


def test_search_anonymous_sees_published_projects(project, call):
    factories.ProjectFactory(call=call, status="draft", title="脳波の下書き")

    data = body(Client().get(f"{API}/search", {"q": "脳波"}))

    assert data["query"] == "脳波"
    assert [h["id"] for h in data["projects"]] == [project.pk]
    assert "<mark>脳波</mark>" in data["projects"][0]["snippet_html"]
    # Supervisors of published projects are public, found by their projects' titles.
    supervisor = project.supervisions.get().person
    assert [h["id"] for h in data["people"]] == [supervisor.pk]


def test_search_empty_query_answers_empty_lists(db):
    data = body(Client().get(f"{API}/search"))
    assert data == {"query": "", "projects": [], "people": [], "organisations": []}


@pytest.mark.parametrize("rows", [1, 3])
def test_search_queries_do_not_grow(officer, call, rows):
    for _ in range(rows):
        factories.ProjectFactory(call=call)
    # 10: the hits are read without the visible querysets' prefetches (which cost 4),
    # and no organisation's name matches EEG, so none is read.
    assert _queries(token_client(officer), f"{API}/search?q=EEG") == 10


def test_job_status_for_creator_and_officers(officer, supervisor_user, candidate_user):
    job = Job.objects.create(kind=REFRESH, created_by=supervisor_user)
    url = f"{API}/jobs/{job.pk}"

    data = body(token_client(supervisor_user).get(url))

    assert (data["id"], data["kind"], data["status"], data["percent"]) == (
        job.pk,
        REFRESH,
        "queued",
        0,
    )
    assert data["finished"] is False
    assert token_client(officer).get(url).status_code == 200
    response = token_client(candidate_user).get(url)
    assert response.status_code == 404
    assert body(response)["error"]["code"] == "not_found"
    assert Client().get(url).status_code == 401


def test_search_with_an_organisation_without_ror_id_answers(db):
    factories.OrganisationFactory(ror_id=None, name="EEG Institute without ROR", name_en="")

    data = body(Client().get(f"{API}/search", {"q": "EEG"}))

    assert [h["label"] for h in data["organisations"]] == ["EEG Institute without ROR"]
