import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kakehashi.jobs.enums import JobStatus
from kakehashi.jobs.models import Job
from kakehashi.recommendations.services import REFRESH
from tests import factories
from tests.kakehashi.api_helpers import session_client

pytestmark = pytest.mark.django_db

FOR_ME = reverse("recommendations:for_me")
SEARCH = reverse("recommendations:search")


def _candidates_url(project):
    return reverse("recommendations:candidates", args=[project.key])


def _queries(client, url, **extra) -> int:
    client.get(url, **extra)  # warm the per-process index for this data version
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, **extra)
    assert response.status_code == 200
    return len(ctx.captured_queries)


# Recommended for you -------------------------------------------------------


def test_for_me_lists_eligible_projects_with_explanations(candidate_user, project):
    response = session_client(candidate_user).get(FOR_ME)

    assert response.status_code == 200
    html = response.content.decode()
    assert project.title in html
    assert f'href="{reverse("projects:detail", args=[project.key])}"' in html
    assert 'lang="ja"' in html


def test_for_me_is_for_candidates_only(client, supervisor_user, officer, project):
    assert client.get(FOR_ME)["Location"].startswith(reverse("login"))
    assert session_client(supervisor_user).get(FOR_ME).status_code == 404
    assert session_client(officer).get(FOR_ME).status_code == 404


def test_for_me_candidate_without_interests_sees_the_empty_message(project):
    user = factories.candidate(research_interests="")

    response = session_client(user).get(FOR_ME)

    assert "write your research interests" in response.content.decode()


@pytest.mark.parametrize("rows", [1, 3])
def test_for_me_queries_do_not_grow(candidate_user, call, rows):
    for _ in range(rows):
        factories.ProjectFactory(call=call)
    counts = _queries(session_client(candidate_user), FOR_ME)
    # Same number for 1 and 3 projects (the constant is pinned here).
    assert counts == FOR_ME_QUERIES


FOR_ME_QUERIES = 10


# Recommended candidates ----------------------------------------------------


def test_supervisor_sees_applicants_ranked_with_explanation(supervisor_user, project):
    # interests that repeat the project's title: a sentence pair above the floor
    applicant = factories.candidate(
        user__username="applicant-1", research_interests=f"{project.title}."
    )
    factories.ApplicationFactory(candidate=applicant, project=project)

    response = session_client(supervisor_user).get(_candidates_url(project))

    assert response.status_code == 200
    html = response.content.decode()
    assert str(applicant) in html
    assert "Closest sentences" in html
    assert "score 0." not in html
    assert any(s in html for s in ("Strong match", "Good match", "Weak match"))


def test_non_applicants_show_only_a_summary(supervisor_user, project):
    other = factories.candidate(user__username="not-applied")

    response = session_client(supervisor_user).get(_candidates_url(project))

    html = response.content.decode()
    assert "Other eligible candidates" in html
    assert str(other) not in html
    assert other.candidate_profile.research_interests not in html


def test_recommended_candidates_only_for_own_projects(client, project, officer, candidate_user):
    url = _candidates_url(project)
    someone_else = factories.ProjectFactory(call=project.call).supervisions.get().person

    assert client.get(url)["Location"].startswith(reverse("login"))
    assert session_client(someone_else).get(url).status_code == 404
    assert session_client(candidate_user).get(url).status_code == 404
    assert session_client(officer).get(url).status_code == 200
    missing = reverse("recommendations:candidates", args=["no-such-project"])
    assert session_client(officer).get(missing).status_code == 404


@pytest.mark.parametrize("rows", [1, 3])
def test_recommended_candidates_queries_do_not_grow(supervisor_user, project, rows):
    for _ in range(rows):
        factories.ApplicationFactory(candidate=factories.candidate(), project=project)
    assert _queries(session_client(supervisor_user), _candidates_url(project)) == CANDIDATES_QUERIES


CANDIDATES_QUERIES = 14


def test_supervising_page_links_to_recommended_candidates(supervisor_user, project):
    response = session_client(supervisor_user).get(reverse("projects:supervising"))

    assert _candidates_url(project) in response.content.decode()


# Search ---------------------------------------------------------------------


def test_search_finds_projects_and_organisations_with_highlights(client, project):
    project.host.acronyms = ["ATRX"]
    project.host.save()

    response = client.get(SEARCH, {"q": "脳波"})

    html = response.content.decode()
    assert response.status_code == 200
    assert project.title in html
    assert "<mark>脳波</mark>" in html
    org = client.get(SEARCH, {"q": "ATRX"}).content.decode()
    assert "<mark>ATRX</mark>" in org


def test_search_page_with_an_organisation_without_ror_id_answers(client):
    factories.OrganisationFactory(ror_id=None, name="EEG Institute without ROR")

    response = client.get(SEARCH, {"q": "EEG"})

    assert response.status_code == 200
    assert "<mark>EEG</mark> Institute without ROR" in response.content.decode()


def test_search_shows_only_people_the_viewer_may_see(officer, candidate_user):
    other = factories.candidate(research_interests="Decoding EEG with deep learning.")

    as_candidate = session_client(candidate_user).get(SEARCH, {"q": "EEG decoding"})
    as_officer = session_client(officer).get(SEARCH, {"q": "EEG decoding"})

    assert str(other) not in as_candidate.content.decode()
    assert str(candidate_user) in as_candidate.content.decode()
    assert str(other) in as_officer.content.decode()


def test_search_escapes_the_text_around_highlights(client, call):
    factories.ProjectFactory(call=call, summary="<b>脳波</b> & co")

    html = client.get(SEARCH, {"q": "脳波"}).content.decode()

    assert "&lt;b&gt;<mark>脳波</mark>&lt;/b&gt; &amp; co" in html


def test_search_htmx_gets_the_results_fragment(client, project):
    response = client.get(SEARCH, {"q": "脳波"}, headers={"HX-Request": "true"})

    html = response.content.decode()
    assert html.lstrip().startswith('<div id="search-results">')
    assert "<html" not in html


@pytest.mark.parametrize("rows", [1, 3])
def test_search_queries_do_not_grow(officer, call, rows):
    for _ in range(rows):
        factories.ProjectFactory(call=call)
        factories.candidate(research_interests="脳波の研究")
    url = f"{SEARCH}?q=%E8%84%B3%E6%B3%A2"
    assert _queries(session_client(officer), url) == SEARCH_QUERIES


# The hits are read without the visible querysets' prefetches (which cost 4 more);
# no organisation matches 脳波, so none is read.
SEARCH_QUERIES = 13


def test_header_links_to_search(client, db):
    assert f'href="{SEARCH}"' in client.get(reverse("home")).content.decode()


# Refresh jobs ---------------------------------------------------------------


def test_officer_starts_a_refresh_and_follows_it(
    officer, project, django_capture_on_commit_callbacks
):
    client = session_client(officer)
    assert client.get(reverse("recommendations:embeddings")).status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("recommendations:refresh"))

    job = Job.objects.get(kind=REFRESH)
    assert response["Location"] == reverse("recommendations:job", args=[job.pk])
    assert job.status == JobStatus.SUCCEEDED
    assert job.result["encoded"] == job.progress_total > 0
    page = client.get(response["Location"]).content.decode()
    assert "hx-trigger" not in page  # finished: no more polling


def test_running_job_fragment_polls_every_second(officer):
    job = Job.objects.create(kind=REFRESH, created_by=officer, status=JobStatus.RUNNING)
    job.progress_done, job.progress_total = 3, 12
    job.save()
    url = reverse("recommendations:job", args=[job.pk])

    html = session_client(officer).get(url, headers={"HX-Request": "true"}).content.decode()

    assert f'hx-get="{url}" hx-trigger="every 1s" hx-swap="outerHTML"' in html
    assert "3 of 12 texts embedded" in html
    assert "<html" not in html


def test_job_page_for_its_creator_and_officers_only(officer, candidate_user, supervisor_user):
    job = Job.objects.create(kind=REFRESH, created_by=supervisor_user)
    url = reverse("recommendations:job", args=[job.pk])

    assert session_client(supervisor_user).get(url).status_code == 200
    assert session_client(officer).get(url).status_code == 200
    assert session_client(candidate_user).get(url).status_code == 404


def test_embeddings_pages_are_for_officers_only(candidate_user, supervisor_user):
    for user in (candidate_user, supervisor_user):
        client = session_client(user)
        assert client.get(reverse("recommendations:embeddings")).status_code == 404
        assert client.post(reverse("recommendations:refresh")).status_code == 404
    assert not Job.objects.exists()
