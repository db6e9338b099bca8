"""A signed-in person's home (/home/): per role, what to do next, from the apps that own
the data (programs.signals.home_cards), with a query count that does not grow with rows."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kakehashi.people.models import Affiliation
from tests import factories

pytestmark = pytest.mark.django_db


def _get(client, user, **headers):
    client.force_login(user)
    response = client.get("/home/", headers=headers)
    assert response.status_code == 200
    return response.content.decode()


def _queries(client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/home/").status_code == 200
    return len(ctx.captured_queries)


def test_anonymous_goes_to_sign_in(client):
    response = client.get("/home/")
    assert (response.status_code, response["Location"]) == (302, "/accounts/login/?next=/home/")


def test_nav_of_a_signed_in_person_starts_with_home_and_has_no_log_in(client, officer):
    html = _get(client, officer)
    nav = html.split('<nav class="site-nav"', 1)[1].split("</nav>", 1)[0]
    assert nav.index('href="/home/"') < nav.index('href="/projects/"')
    assert "Log in" not in html
    assert "Log out" in html


def test_front_page_of_a_signed_in_person_has_no_log_in_link(client, candidate_user):
    client.force_login(candidate_user)
    html = client.get("/").content.decode()
    assert "/accounts/login/" not in html
    assert 'href="/home/"' in html


def test_sign_in_leads_home(client, candidate_user):
    candidate_user.set_password("pw-long-enough-1")
    candidate_user.save()
    response = client.post(
        "/accounts/login/", {"username": candidate_user.username, "password": "pw-long-enough-1"}
    )
    assert (response.status_code, response["Location"]) == (302, "/home/")


def test_person_without_role_is_told_where_to_start(client):
    html = _get(client, factories.UserFactory())
    assert "You have no role in a program yet." in html
    assert 'id="home-candidate"' not in html


# Candidate ------------------------------------------------------------------------------


def test_candidate_sees_deadlines_in_their_zone_and_to_rank(client, candidate_user, project):
    candidate_user.timezone = "America/Toronto"
    candidate_user.save()
    factories.ApplicationFactory(candidate=candidate_user, project=project)

    html = _get(client, candidate_user)

    assert 'id="home-candidate"' in html
    assert 'id="home-supervisor"' not in html and 'id="home-officer"' not in html
    assert "Times in your time zone, America/Toronto." in html
    assert "in Asia/Tokyo" in html
    assert f"Rank your applications to {project.call} before its deadline." in html
    assert "1 application," in html
    assert f'href="/calls/{project.call.slug}/ranking/"' in html
    assert "No result yet" in html


def test_candidate_without_application_is_told_to_apply(client, candidate_user, call):
    html = _get(client, candidate_user)
    assert f"Apply to projects of {call}." in html


def test_candidate_ranked_everything_has_no_ranking_step(client, candidate_user, project):
    factories.ApplicationFactory(candidate=candidate_user, project=project, rank=1)
    html = _get(client, candidate_user)
    assert "Rank your applications" not in html
    assert "1 ranked" in html


def test_candidate_home_is_in_french(client, candidate_user, call):
    html = _get(client, candidate_user, **{"accept-language": "fr"})
    assert "En tant que candidat" in html


def test_candidate_query_count_does_not_grow(client, candidate_user, django_assert_num_queries):
    factories.ApplicationFactory(candidate=candidate_user)
    client.force_login(candidate_user)
    expected = _queries(client)
    for _ in range(2):
        factories.ApplicationFactory(candidate=candidate_user)
    with django_assert_num_queries(expected):
        html = client.get("/home/").content.decode()
    assert html.count("1 application,") == 3


# Supervisor -----------------------------------------------------------------------------


def test_supervisor_sees_projects_applicants_and_ranking_step(client, supervisor_user, project):
    factories.ProjectFactory(
        call=project.call, supervisor=supervisor_user, status="draft", title="Draft one"
    )
    factories.ApplicationFactory(project=project)
    phase = project.call.phases.get(kind="host_ranking")
    phase.opens_at = phase.opens_at.replace(year=2000)
    phase.save()

    html = _get(client, supervisor_user)

    assert 'id="home-supervisor"' in html and 'id="home-candidate"' not in html
    assert project.title in html and "Draft one" in html
    assert "Submit your draft projects for vetting." in html
    assert "1 applicant," in html and "0 ranked" in html
    assert f"Rank your applicants to {project.call} before its deadline." in html
    assert f'href="/supervising/calls/{project.call.slug}/ranking/"' in html


def test_supervisor_query_count_does_not_grow(client, supervisor_user, django_assert_num_queries):
    factories.ApplicationFactory(project=factories.ProjectFactory(supervisor=supervisor_user))
    client.force_login(supervisor_user)
    expected = _queries(client)
    for _ in range(2):
        factories.ApplicationFactory(project=factories.ProjectFactory(supervisor=supervisor_user))
    with django_assert_num_queries(expected):
        html = client.get("/home/").content.decode()
    assert html.count("1 applicant,") == 3


# Organisation admin ---------------------------------------------------------------------


def _org_admin():
    admin = factories.UserFactory(username="org-admin")
    org = factories.OrganisationFactory()
    Affiliation.objects.create(person=admin, organisation=org, role="admin")
    return admin, org


def test_org_admin_sees_submitted_projects_of_their_organisations(client):
    admin, org = _org_admin()
    mine = factories.ProjectFactory(host=org, status="submitted", title="To vet")
    factories.ProjectFactory(status="submitted", title="Elsewhere")
    factories.ProjectFactory(host=org, status="approved", title="Done already")

    html = _get(client, admin)

    assert 'id="home-org_admin"' in html
    assert "To vet" in html and f'href="/projects/{mine.key}/"' in html
    assert "Elsewhere" not in html and "Done already" not in html
    assert "Vet the projects your organisations submitted." in html


def test_org_admin_query_count_does_not_grow(client, django_assert_num_queries):
    admin, org = _org_admin()
    factories.ProjectFactory(host=org, status="submitted")
    client.force_login(admin)
    expected = _queries(client)
    for _ in range(2):
        factories.ProjectFactory(host=org, status="submitted")
    with django_assert_num_queries(expected):
        html = client.get("/home/").content.decode()
    assert html.count("脳波デコーディング研究") == 3


# Officer and reviewer -------------------------------------------------------------------


def test_officer_sees_each_call_phase_counts_and_risk(client, officer, project):
    factories.ProjectFactory(call=project.call, status="submitted")
    factories.ApplicationFactory(project=project)
    phase = project.call.phases.get(kind="host_ranking")
    phase.opens_at = phase.opens_at.replace(year=2000)
    phase.save()

    html = _get(client, officer)

    assert 'id="home-officer"' in html
    assert f'href="/calls/{project.call.slug}/"' in html
    assert "now: Applications and candidate ranking, Host ranking" in html
    assert "1 approved, 1 to vet, 0 drafts" in html
    assert "1 project awaits vetting." in html
    assert "1 supervisor has not ranked" in html
    assert "Remind the supervisors who have not ranked their applicants yet." in html


def test_officer_query_count_does_not_grow(client, officer, django_assert_num_queries):
    factories.ApplicationFactory()
    client.force_login(officer)
    expected = _queries(client)
    for _ in range(2):
        factories.ApplicationFactory()
    with django_assert_num_queries(expected):
        html = client.get("/home/").content.decode()
    assert html.count("1 approved, 0 to vet, 0 drafts") == 3


def test_reviewer_sees_their_review_card(client):
    reviewer = factories.UserFactory(is_reviewer=True)
    html = _get(client, reviewer)
    assert 'id="home-reviewer"' in html
    assert "Nothing assigned to you yet." in html
    assert 'href="/review/"' in html
