"""Who may create a host's projects, and co-supervisors who are invited until they accept
(hardening issue, defect 4: anyone could create a project at any host and name anyone
its co-supervisor)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from kakehashi.matching.selectors import match_instance_build
from kakehashi.people.models import Affiliation
from kakehashi.people.selectors import person_list_visible
from kakehashi.projects.imports import projects_export
from kakehashi.projects.models import Project, ProjectSupervisor, SupervisionInvitation
from kakehashi.projects.services import (
    project_create,
    project_supervisors_set,
    supervision_accept,
    supervision_decline,
)
from tests import factories
from tests.kakehashi.api_helpers import API, body, error, session_client, token_client

REFUSED = (
    "Only people affiliated with the host organisation, its admins and officers may create "
    "its projects."
)


@pytest.fixture
def host(db):
    return factories.CanadianOrganisationFactory()


@pytest.fixture
def colleague(db):
    return factories.UserFactory(username="co-sup")


def _new(call, host, supervisors) -> dict:
    return {
        "key": "new-project",
        "call_id": call.pk,
        "host_id": host.pk,
        "language": "en",
        "title": "Robot arms",
        "description": "A project.",
        "working_language": "en",
        "region": "CA-QC",
        "start_date": "2027-05-01",
        "end_date": "2027-08-31",
        "supervisors": [{"person_id": p.pk, "role": role} for p, role in supervisors],
    }


def _affiliated(host, role: str):
    person = factories.UserFactory()
    Affiliation.objects.create(person=person, organisation=host, role=role)
    return person


# ---------------------------------------------------------------- who may create


@pytest.mark.django_db
def test_anonymous_cannot_create(call, host):
    response = Client().post(
        f"{API}/projects", _new(call, host, []), content_type="application/json"
    )

    assert response.status_code == 401
    assert not Project.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["candidate", "unaffiliated supervisor", "student of the host"])
def test_people_outside_the_host_are_refused_403(call, host, who):
    if who == "candidate":
        person = factories.candidate()
    elif who == "unaffiliated supervisor":
        person = factories.UserFactory()
        Affiliation.objects.create(
            person=person, organisation=factories.OrganisationFactory(), role="supervisor"
        )
    else:
        person = _affiliated(host, "student")

    response = token_client(person).post(
        f"{API}/projects", _new(call, host, [(person, "academic")]), content_type="application/json"
    )

    assert body(response) == error(403, "forbidden", REFUSED)
    assert not Project.objects.exists()
    assert not ProjectSupervisor.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["supervisor", "researcher", "admin"])
def test_people_of_the_host_create_its_projects(call, host, role):
    person = _affiliated(host, role)

    response = token_client(person).post(
        f"{API}/projects", _new(call, host, [(person, "academic")]), content_type="application/json"
    )

    assert response.status_code == 201
    assert body(response)["supervisors"] == [
        {"person_id": person.pk, "name": person.display_name, "role": "academic"}
    ]


@pytest.mark.django_db
def test_officer_creates_at_any_host(call, host, officer):
    response = token_client(officer).post(
        f"{API}/projects", _new(call, host, []), content_type="application/json"
    )

    assert response.status_code == 201
    assert Project.objects.get(key="new-project").host == host


@pytest.mark.django_db
def test_service_refuses_whatever_the_entry_point(call, host):
    stranger = factories.UserFactory()

    with pytest.raises(PermissionDenied, match="Only people affiliated"):
        project_create(
            actor=stranger,
            key="by-service",
            call=call,
            host=host,
            language="en",
            title="T",
            description="D",
            working_language="en",
            region="CA-QC",
            start_date="2027-05-01",
            end_date="2027-08-31",
        )
    assert not Project.objects.exists()


# ---------------------------------------------------------------- invitations


@pytest.fixture
def invited(call, host, colleague):
    """A published project whose lead created it and named `colleague` co-supervisor."""
    lead = _affiliated(host, "supervisor")
    response = token_client(lead).post(
        f"{API}/projects",
        _new(call, host, [(lead, "academic"), (colleague, "industry")]),
        content_type="application/json",
    )
    assert response.status_code == 201
    project = Project.objects.get(key="new-project")
    Project.objects.filter(pk=project.pk).update(status="approved")
    project.refresh_from_db()
    return project, lead


@pytest.mark.django_db
def test_a_named_co_supervisor_is_invited_not_listed(invited, colleague):
    project, lead = invited

    api = body(Client().get(f"{API}/projects/{project.pk}"))
    page = Client().get(f"/projects/{project.key}/").content.decode()
    export = projects_export(user=factories.OfficerFactory(), format="json")
    instance = match_instance_build(call=project.call, policy=project.call.policy)

    assert [s["person_id"] for s in api["supervisors"]] == [lead.pk]
    assert colleague.display_name not in page
    assert f"{colleague.username}:industry" not in export
    assert f"{lead.username}:academic" in export
    assert instance["projects"][project.key]["supervisor"] == f"s{lead.pk}"
    # Supervisors of published projects are visible to everyone; an invitee is not.
    visible = set(person_list_visible(user=factories.UserFactory()).values_list("pk", flat=True))
    assert lead.pk in visible and colleague.pk not in visible
    invitation = SupervisionInvitation.objects.get()
    assert (invitation.person, invitation.role, invitation.order, invitation.invited_by) == (
        colleague,
        "industry",
        1,
        lead,
    )


@pytest.mark.django_db
def test_invitee_accepts_through_the_api(invited, colleague):
    project, lead = invited

    response = token_client(colleague).post(f"{API}/projects/{project.pk}/supervision/accept")

    assert response.status_code == 200
    assert [(s["person_id"], s["role"]) for s in body(response)["supervisors"]] == [
        (lead.pk, "academic"),
        (colleague.pk, "industry"),
    ]
    assert not SupervisionInvitation.objects.exists()
    assert colleague.pk in person_list_visible(user=factories.UserFactory()).values_list(
        "pk", flat=True
    )


@pytest.mark.django_db
def test_invitee_declines_through_the_api(invited, colleague):
    project, lead = invited

    response = token_client(colleague).post(f"{API}/projects/{project.pk}/supervision/decline")

    assert response.status_code == 204
    assert not SupervisionInvitation.objects.exists()
    assert list(project.supervisions.values_list("person_id", flat=True)) == [lead.pk]


@pytest.mark.django_db
def test_only_the_invitee_answers(invited, colleague):
    project, lead = invited
    stranger = factories.UserFactory()

    by_stranger = token_client(stranger).post(f"{API}/projects/{project.pk}/supervision/accept")
    by_lead = token_client(lead).post(f"{API}/projects/{project.pk}/supervision/decline")

    assert body(by_stranger) == error(
        403, "forbidden", "You have no pending invitation to supervise this project."
    )
    assert by_lead.status_code == 403
    assert SupervisionInvitation.objects.get().person == colleague
    with pytest.raises(ValidationError):
        supervision_accept(project=project, person=stranger)
    with pytest.raises(ValidationError):
        supervision_decline(project=project, person=lead)


@pytest.mark.django_db
def test_invitee_of_a_draft_sees_it_others_get_404(call, host, colleague):
    lead = _affiliated(host, "supervisor")
    token_client(lead).post(
        f"{API}/projects",
        _new(call, host, [(lead, "academic"), (colleague, "academic")]),
        content_type="application/json",
    )
    project = Project.objects.get()

    seen = token_client(colleague).get(f"{API}/projects/{project.pk}")
    hidden = token_client(factories.UserFactory()).post(
        f"{API}/projects/{project.pk}/supervision/accept"
    )
    edit = token_client(colleague).patch(
        f"{API}/projects/{project.pk}", {"title": "Mine"}, content_type="application/json"
    )

    assert seen.status_code == 200
    assert hidden.status_code == 404
    # Invited is not yet a supervisor: no editing.
    assert edit.status_code == 403


@pytest.mark.django_db
def test_patch_invites_new_people_and_keeps_accepted_ones(invited, colleague):
    project, lead = invited
    supervision_accept(project=project, person=colleague)
    newcomer = factories.UserFactory()

    response = token_client(lead).patch(
        f"{API}/projects/{project.pk}",
        {
            "supervisors": [
                {"person_id": lead.pk, "role": "academic"},
                {"person_id": colleague.pk, "role": "industry"},
                {"person_id": newcomer.pk, "role": "industry"},
            ]
        },
        content_type="application/json",
    )

    assert [s["person_id"] for s in body(response)["supervisors"]] == [lead.pk, colleague.pk]
    assert SupervisionInvitation.objects.get().person == newcomer


@pytest.mark.django_db
def test_dropping_an_invitee_drops_the_invitation(invited, colleague):
    project, lead = invited

    project_supervisors_set(project=project, supervisors=[(lead, "academic")], actor=lead)

    assert not SupervisionInvitation.objects.exists()


@pytest.mark.django_db
def test_officer_import_makes_supervisors_at_once(call, host, colleague):
    project = project_create(
        actor=None,
        key="imported",
        call=call,
        host=host,
        language="en",
        title="T",
        description="D",
        working_language="en",
        region="CA-QC",
        start_date="2027-05-01",
        end_date="2027-08-31",
        supervisors=[(colleague, "academic")],
    )

    assert list(project.supervisions.values_list("person_id", flat=True)) == [colleague.pk]
    assert not SupervisionInvitation.objects.exists()


# ---------------------------------------------------------------- the pages


@pytest.mark.django_db
def test_invitee_answers_on_my_projects_page(invited, colleague):
    project, lead = invited
    client = session_client(colleague)

    home = client.get("/").content.decode()
    page = client.get("/supervising/projects/").content.decode()
    accepted = client.post(f"/projects/{project.key}/supervision/", {"answer": "accept"})

    assert 'href="/supervising/projects/"' in home
    assert "Invitations to supervise" in page
    assert f'action="/projects/{project.key}/supervision/"' in page
    assert 'name="answer" value="accept"' in page and 'name="answer" value="decline"' in page
    assert accepted.status_code == 302 and accepted["Location"] == f"/projects/{project.key}/"
    assert set(project.supervisions.values_list("person_id", flat=True)) == {lead.pk, colleague.pk}
    assert colleague.display_name in client.get(f"/projects/{project.key}/").content.decode()


@pytest.mark.django_db
def test_invitee_declines_on_the_project_page(invited, colleague):
    project, lead = invited
    client = session_client(colleague)

    page = client.get(f"/projects/{project.key}/").content.decode()
    declined = client.post(f"/projects/{project.key}/supervision/", {"answer": "decline"})

    assert "Invitation to supervise" in page
    assert declined.status_code == 302 and declined["Location"] == "/supervising/projects/"
    assert not SupervisionInvitation.objects.exists()
    assert list(project.supervisions.values_list("person_id", flat=True)) == [lead.pk]


@pytest.mark.django_db
def test_answer_page_refuses_others(invited):
    project, _lead = invited
    client = session_client(factories.UserFactory())

    assert (
        client.post(f"/projects/{project.key}/supervision/", {"answer": "accept"}).status_code
        == 404
    )
    assert Client().post(f"/projects/{project.key}/supervision/").status_code == 302
    assert SupervisionInvitation.objects.count() == 1


@pytest.mark.django_db
def test_api_lists_my_invitations(invited, colleague):
    project, lead = invited

    mine = token_client(colleague).get(f"{API}/projects/invitations")
    others = token_client(lead).get(f"{API}/projects/invitations")
    anonymous = Client().get(f"{API}/projects/invitations")

    invitation = SupervisionInvitation.objects.get()
    data = body(mine)
    created = dt.datetime.fromisoformat(data["items"][0].pop("created_at"))
    # The API writes milliseconds.
    assert created == invitation.created_at.replace(
        microsecond=invitation.created_at.microsecond // 1000 * 1000
    )
    assert data == {
        "items": [
            {
                "project_id": project.pk,
                "project_key": project.key,
                "project_title": project.title,
                "host": project.host.name,
                "role": "industry",
                "invited_by": lead.display_name,
            }
        ],
        "count": 1,
    }
    assert body(others) == {"items": [], "count": 0}
    assert anonymous.status_code == 401


@pytest.mark.django_db
def test_invitation_list_queries_do_not_grow(django_assert_num_queries, call, colleague):
    client = token_client(colleague)

    def invite():
        project = factories.ProjectFactory(call=call)
        SupervisionInvitation.objects.create(
            project=project, person=colleague, role="academic", invited_by=factories.UserFactory()
        )

    invite()
    # The token with its user, the page (shorter than the limit: no COUNT).
    with django_assert_num_queries(2):
        client.get(f"{API}/projects/invitations")
    invite()
    invite()
    with django_assert_num_queries(2):
        response = client.get(f"{API}/projects/invitations")
    assert body(response)["count"] == 3
