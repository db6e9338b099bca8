"""`GET /api/v1/me/home`: the home's sections and next steps for a script, the same as
/home/ shows, per role; signed-in people only; a query count that does not grow."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kakehashi.people.models import Affiliation
from tests import factories
from tests.kakehashi.api_helpers import API, body, token_client

pytestmark = pytest.mark.django_db

URL = f"{API}/me/home"


def _home(user, **headers) -> list[dict]:
    response = token_client(user).get(URL, headers=headers)
    assert response.status_code == 200
    return body(response)


def _steps(sections: list[dict]) -> dict[str, list[str]]:
    return {s["role"]: [c["next_step"] for c in s["cards"] if c["next_step"]] for s in sections}


def test_anonymous_is_asked_to_authenticate(client):
    response = client.get(URL)
    assert (response.status_code, body(response)["error"]["code"]) == (401, "not_authenticated")


def test_a_person_without_role_has_no_section():
    assert _home(factories.UserFactory()) == []


def test_candidate_is_told_to_rank(candidate_user, project):
    factories.ApplicationFactory(candidate=candidate_user, project=project)
    sections = _home(candidate_user)
    assert [s["role"] for s in sections] == ["candidate"]
    assert sections[0]["label"] == "As a candidate"
    cards = {c["card"]: c for c in sections[0]["cards"]}
    assert {"programs.deadlines", "applications.candidate", "offers.candidate"} <= set(cards)
    assert cards["applications.candidate"]["next_step"] == (
        f"Rank your applications to {project.call} before its deadline."
    )


def test_candidate_home_in_french(candidate_user, call):
    sections = _home(candidate_user, **{"accept-language": "fr"})
    assert sections[0]["label"] == "En tant que candidat"


def test_supervisor_is_told_to_submit_drafts_and_rank(supervisor_user, project):
    factories.ProjectFactory(call=project.call, supervisor=supervisor_user, status="draft")
    factories.ApplicationFactory(project=project)
    phase = project.call.phases.get(kind="host_ranking")
    phase.opens_at = phase.opens_at.replace(year=2000)
    phase.save()

    steps = _steps(_home(supervisor_user))["supervisor"]
    assert "Submit your draft projects for vetting." in " ".join(steps)
    assert f"Rank your applicants to {project.call} before its deadline." in " ".join(steps)


def test_org_admin_is_told_to_vet():
    admin = factories.UserFactory()
    org = factories.OrganisationFactory()
    Affiliation.objects.create(person=admin, organisation=org, role="admin")
    factories.ProjectFactory(host=org, status="submitted")
    assert "Vet the projects your organisations submitted." in _steps(_home(admin))["org_admin"]


def test_officer_and_reviewer_sections(officer):
    assert [s["role"] for s in _home(officer)] == ["officer"]
    reviewer = factories.UserFactory(is_reviewer=True)
    [section] = _home(reviewer)
    assert (section["role"], [c["card"] for c in section["cards"]]) == (
        "reviewer",
        ["review.reviewer"],
    )


def test_query_count_does_not_grow(officer, django_assert_num_queries):
    factories.ApplicationFactory()
    client = token_client(officer)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(URL).status_code == 200
    for _ in range(2):
        factories.ApplicationFactory()
    with django_assert_num_queries(len(ctx.captured_queries)):
        assert client.get(URL).status_code == 200
