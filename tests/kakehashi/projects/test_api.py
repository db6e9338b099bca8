"""The projects endpoints of /api/v1/: search, detail, create, edit, transition."""

import pytest
from django.test import Client

from kakehashi.people.models import Affiliation
from kakehashi.projects.models import Project
from kakehashi.research_fields.models import ResearchField
from tests import factories
from tests.kakehashi.api_helpers import API, body, error, token_client


def project_body(p: Project) -> dict:
    return {
        "id": p.pk,
        "key": p.key,
        "call_id": p.call_id,
        "call_slug": p.call.slug,
        "host": {
            "id": p.host_id,
            "ror_id": p.host.ror_id,
            "name": p.host.name,
            "country": p.host.country,
        },
        "language": p.language,
        "title": p.title,
        "summary": p.summary,
        "description": p.description,
        "translations": p.translations,
        "fields": [f.code for f in p.fields.all()],
        "skills": p.skills,
        "working_language": p.working_language,
        "city": p.city,
        "region": p.region,
        "start_date": p.start_date.isoformat(),
        "end_date": p.end_date.isoformat(),
        "weeks": p.weeks,
        "capacity": p.capacity,
        "status": p.status,
        "supervisors": [
            {"person_id": s.person_id, "name": s.person.display_name, "role": s.role}
            for s in p.supervisions.all()
        ],
    }


def keys(response) -> list[str]:
    return [p["key"] for p in body(response)["items"]]


@pytest.fixture
def draft(call, supervisor_user):
    return factories.ProjectFactory(
        call=call, supervisor=supervisor_user, status="draft", key="draft-one"
    )


@pytest.mark.django_db
def test_anonymous_sees_published_projects_only(project, draft):
    response = Client().get(f"{API}/projects")

    assert body(response) == {"items": [project_body(project)], "count": 1}
    hidden = Client().get(f"{API}/projects/{draft.pk}")
    assert hidden.status_code == 404
    assert body(hidden) == error(404, "not_found", "Not found.")


@pytest.mark.django_db
def test_drafts_visible_to_supervisor_host_admin_officer_not_candidate(
    project, draft, supervisor_user, officer, candidate_user
):
    host_admin = factories.UserFactory()
    Affiliation.objects.create(person=host_admin, organisation=draft.host, role="admin")

    for user in (supervisor_user, host_admin, officer):
        response = token_client(user).get(f"{API}/projects/{draft.pk}")
        assert body(response) == project_body(draft)
    assert token_client(candidate_user).get(f"{API}/projects/{draft.pk}").status_code == 404
    assert keys(token_client(candidate_user).get(f"{API}/projects")) == [project.key]


@pytest.mark.django_db
def test_search_filters_like_project_search(call):
    field = ResearchField.objects.get(code="RDF10")
    robot = factories.ProjectFactory(call=call, title="Robot learning", language="en", key="robot")
    robot.fields.set([field])
    factories.ProjectFactory(
        call=call,
        key="ottawa",
        host=factories.CanadianOrganisationFactory(),
        region="CA-ON",
        language="fr",
    )
    factories.ProjectFactory(key="elsewhere")
    client = Client()

    # The words go to the cross-language search (recommendations), with the filters.
    assert keys(client.get(f"{API}/projects?q=robot")) == ["robot"]
    assert keys(client.get(f"{API}/projects?q=robot&language=fr")) == []
    assert keys(client.get(f"{API}/projects?language=fr")) == ["ottawa"]
    assert keys(client.get(f"{API}/projects?country=CA")) == ["ottawa"]
    assert keys(client.get(f"{API}/projects?region=CA-ON")) == ["ottawa"]
    assert keys(client.get(f"{API}/projects?field=RDF")) == ["robot"]
    assert sorted(keys(client.get(f"{API}/projects?call={call.slug}"))) == ["ottawa", "robot"]
    assert keys(client.get(f"{API}/projects?host={robot.host.ror_id}")) == ["robot"]
    assert keys(client.get(f"{API}/projects?status=draft")) == []


def _new_project(call, host, person) -> dict:
    return {
        "key": "new-project",
        "call_id": call.pk,
        "host_id": host.pk,
        "language": "fr",
        "title": "Apprentissage automatique",
        "description": "Un projet.",
        "working_language": "en",
        "region": "CA-QC",
        "city": "Montréal",
        "start_date": "2027-05-01",
        "end_date": "2027-08-31",
        "fields": ["RDF10"],
        "skills": ["python"],
        "supervisors": [{"person_id": person.pk, "role": "academic"}],
    }


@pytest.mark.django_db
def test_supervisor_creates_a_draft_project(call, supervisor_user):
    host = factories.CanadianOrganisationFactory()
    Affiliation.objects.create(person=supervisor_user, organisation=host, role="supervisor")

    response = token_client(supervisor_user).post(
        f"{API}/projects",
        _new_project(call, host, supervisor_user),
        content_type="application/json",
    )

    assert response.status_code == 201
    project = Project.objects.get(key="new-project")
    assert body(response) == project_body(project)
    assert (project.status, [f.code for f in project.fields.all()]) == ("draft", ["RDF10"])


@pytest.mark.django_db
def test_create_for_someone_else_is_403(call, supervisor_user, candidate_user):
    host = factories.CanadianOrganisationFactory()
    Affiliation.objects.create(person=supervisor_user, organisation=host, role="supervisor")

    response = token_client(candidate_user).post(
        f"{API}/projects",
        _new_project(call, host, supervisor_user),
        content_type="application/json",
    )

    assert response.status_code == 403
    assert body(response) == error(
        403,
        "forbidden",
        "Only people affiliated with the host organisation, its admins and officers may "
        "create its projects.",
    )
    assert not Project.objects.filter(key="new-project").exists()


@pytest.mark.django_db
def test_create_unknown_region_and_field_is_422(call, officer):
    host = factories.CanadianOrganisationFactory()
    data = {**_new_project(call, host, officer), "region": "CA-XX"}

    response = token_client(officer).post(f"{API}/projects", data, content_type="application/json")
    bad_field = token_client(officer).post(
        f"{API}/projects",
        {**data, "region": "CA-QC", "fields": ["NOPE"]},
        content_type="application/json",
    )

    assert body(response) == error(
        422,
        "invalid",
        "“CA-XX” is not an ISO 3166-2 code of Canada or Japan.",
        fields={"region": ["“CA-XX” is not an ISO 3166-2 code of Canada or Japan."]},
    )
    assert body(bad_field)["error"]["fields"] == {"fields": ["Unknown research field codes: NOPE."]}
    assert not Project.objects.filter(key="new-project").exists()


@pytest.mark.django_db
def test_update_by_supervisor_and_refused_to_others(project, supervisor_user, candidate_user):
    other_supervisor = factories.UserFactory()

    refused = token_client(other_supervisor).patch(
        f"{API}/projects/{project.pk}", {"title": "Mine now"}, content_type="application/json"
    )
    by_candidate = token_client(candidate_user).patch(
        f"{API}/projects/{project.pk}", {"title": "Mine now"}, content_type="application/json"
    )
    allowed = token_client(supervisor_user).patch(
        f"{API}/projects/{project.pk}",
        {"title": "New title", "capacity": 2},
        content_type="application/json",
    )

    # A published project is visible, so the refusal is 403, not 404.
    assert refused.status_code == 403
    assert body(by_candidate) == error(403, "forbidden", "You are not allowed to do this.")
    project.refresh_from_db()
    assert body(allowed) == project_body(project)
    assert (project.title, project.capacity) == ("New title", 2)


@pytest.mark.django_db
def test_update_bad_dates_is_422_and_changes_nothing(project, supervisor_user):
    response = token_client(supervisor_user).patch(
        f"{API}/projects/{project.pk}",
        {"title": "Changed", "end_date": "2027-04-01"},
        content_type="application/json",
    )

    assert body(response)["error"]["fields"] == {
        "end_date": ["The project must end after it starts."]
    }
    project.refresh_from_db()
    assert project.title != "Changed"


@pytest.mark.django_db
def test_update_with_null_for_a_field_that_cannot_be_empty_leaves_it_unchanged(
    project, supervisor_user
):
    # Regression (found by schemathesis): {"summary": null} reached the database, 500.
    before = project.summary
    response = token_client(supervisor_user).patch(
        f"{API}/projects/{project.pk}",
        {"summary": None, "fields": None, "title": "Changed"},
        content_type="application/json",
    )

    assert response.status_code == 200
    project.refresh_from_db()
    assert body(response) == project_body(project)
    assert (project.summary, project.title) == (before, "Changed")


@pytest.mark.django_db
def test_transition_submit_by_supervisor_approve_by_officer_only(draft, supervisor_user, officer):
    sup = token_client(supervisor_user)

    submitted = sup.post(
        f"{API}/projects/{draft.pk}/transition",
        {"to": "submitted"},
        content_type="application/json",
    )
    self_approve = sup.post(
        f"{API}/projects/{draft.pk}/transition", {"to": "approved"}, content_type="application/json"
    )
    approved = token_client(officer).post(
        f"{API}/projects/{draft.pk}/transition", {"to": "approved"}, content_type="application/json"
    )
    backwards = token_client(officer).post(
        f"{API}/projects/{draft.pk}/transition", {"to": "draft"}, content_type="application/json"
    )

    assert body(submitted)["status"] == "submitted"
    assert body(self_approve) == error(
        403, "forbidden", "Only officers and the host's admins may approve or close a project."
    )
    assert body(approved)["status"] == "approved"
    assert body(backwards) == error(
        422, "bad_transition", "A Approved project cannot become Draft."
    )
    draft.refresh_from_db()
    assert draft.status == "approved"


@pytest.mark.django_db
def test_project_list_queries_do_not_grow(django_assert_num_queries, call):
    field = ResearchField.objects.get(code="RDF10")
    factories.ProjectFactory(call=call).fields.set([field])
    client = Client()
    # A page shorter than the limit is the whole list: no COUNT.
    with django_assert_num_queries(3):
        client.get(f"{API}/projects")
    for _ in range(2):
        factories.ProjectFactory(call=call).fields.set([field])
    with django_assert_num_queries(3):
        response = client.get(f"{API}/projects")
    assert body(response)["count"] == 3


@pytest.mark.django_db
@pytest.mark.parametrize(
    "translations, field",
    [
        ({"en": "oops"}, "translations.en"),
        ({"de": {"title": "Roboter"}}, "translations.de.[key]"),
        ({"en": {"title": ["a", "b"]}}, "translations.en.title"),
        ({"en": {"titel": "x"}}, "translations.en.titel"),
    ],
)
def test_update_malformed_translations_is_422_and_changes_nothing(
    project, supervisor_user, translations, field
):
    before = project.translations

    response = token_client(supervisor_user).patch(
        f"{API}/projects/{project.pk}",
        {"translations": translations},
        content_type="application/json",
    )

    data = body(response)
    assert (response.status_code, data["error"]["code"], list(data["error"]["fields"])) == (
        422,
        "invalid",
        [field],
    )
    project.refresh_from_db()
    assert project.translations == before
