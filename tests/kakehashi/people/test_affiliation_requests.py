"""Asking to be affiliated with an organisation, and its admins confirming or refusing:
each step audited; a request grants nothing until confirmed."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from kakehashi.audit.models import AuditEntry
from kakehashi.people.models import Affiliation, AffiliationRequest
from kakehashi.people.services import affiliation_request_create, affiliation_request_decide
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def org():
    return factories.OrganisationFactory(name="Kyoto Test University")


@pytest.fixture
def org_admin(org):
    admin = factories.UserFactory(username="org-admin")
    Affiliation.objects.create(person=admin, organisation=org, role="admin")
    return admin


def test_person_asks_from_the_profile_page(client, org):
    person = factories.UserFactory()
    client.force_login(person)

    response = client.post(
        "/profile/affiliations/",
        {"organisation": org.pk, "role": "researcher", "title": "Lecturer"},
    )

    assert response.status_code == 302
    request = AffiliationRequest.objects.get(person=person)
    assert (request.organisation, request.role, request.title, request.status) == (
        org,
        "researcher",
        "Lecturer",
        "pending",
    )
    assert not Affiliation.objects.filter(person=person).exists()
    html = client.get("/profile/").content.decode()
    assert "Awaiting confirmation" in html
    assert AuditEntry.objects.filter(verb="affiliation.requested", actor=person).count() == 1


def test_asking_twice_is_refused(org):
    person = factories.UserFactory()
    affiliation_request_create(person=person, organisation=org, role="researcher")
    with pytest.raises(ValidationError, match="already asked"):
        affiliation_request_create(person=person, organisation=org, role="researcher")


def test_admin_confirms_on_the_requests_page(client, org, org_admin):
    person = factories.UserFactory(given_name="Olivia", family_name="Grant")
    request = affiliation_request_create(person=person, organisation=org, role="supervisor")
    client.force_login(org_admin)

    html = client.get("/affiliation-requests/").content.decode()
    assert "Olivia Grant" in html and f'id="request-{request.pk}"' in html
    home = client.get("/home/").content.decode()
    assert "Confirm or refuse the affiliation requests to your organisations." in home

    response = client.post(f"/affiliation-requests/{request.pk}/confirm/")

    assert response.status_code == 302
    request.refresh_from_db()
    assert (request.status, request.decided_by) == ("confirmed", org_admin)
    assert Affiliation.objects.filter(person=person, organisation=org, role="supervisor").exists()
    entry = AuditEntry.objects.get(verb="affiliation.confirmed")
    assert (entry.actor_id, entry.data["role"]) == (org_admin.pk, "supervisor")


def test_admin_refuses(client, org, org_admin):
    person = factories.UserFactory()
    request = affiliation_request_create(person=person, organisation=org, role="admin")
    client.force_login(org_admin)

    client.post(f"/affiliation-requests/{request.pk}/refuse/")

    request.refresh_from_db()
    assert request.status == "refused"
    assert not Affiliation.objects.filter(person=person).exists()
    assert AuditEntry.objects.filter(verb="affiliation.refused", actor=org_admin).count() == 1


def test_admin_of_another_organisation_gets_404(client, org, org_admin):
    other = factories.OrganisationFactory()
    request = affiliation_request_create(
        person=factories.UserFactory(), organisation=other, role="researcher"
    )
    client.force_login(org_admin)

    assert client.post(f"/affiliation-requests/{request.pk}/confirm/").status_code == 404
    assert "No request waits" in client.get("/affiliation-requests/").content.decode()
    request.refresh_from_db()
    assert request.status == "pending"


def test_person_without_admin_role_cannot_see_requests(client):
    client.force_login(factories.UserFactory())
    assert client.get("/affiliation-requests/").status_code == 404


def test_officer_decides_any_request(client, officer, org):
    request = affiliation_request_create(
        person=factories.UserFactory(), organisation=org, role="researcher"
    )
    client.force_login(officer)
    client.post(f"/affiliation-requests/{request.pk}/refuse/")
    request.refresh_from_db()
    assert request.status == "refused"


def test_a_decided_request_is_not_decided_again(org, org_admin):
    request = affiliation_request_create(
        person=factories.UserFactory(), organisation=org, role="researcher"
    )
    affiliation_request_decide(request=request, actor=org_admin, confirm=False)
    with pytest.raises(ValidationError, match="already been decided"):
        affiliation_request_decide(request=request, actor=org_admin, confirm=True)


def test_the_list_query_count_does_not_grow(client, org, org_admin, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    affiliation_request_create(person=factories.UserFactory(), organisation=org, role="researcher")
    client.force_login(org_admin)
    with CaptureQueriesContext(connection) as ctx:
        client.get("/affiliation-requests/")
    for _ in range(2):
        affiliation_request_create(
            person=factories.UserFactory(), organisation=org, role="researcher"
        )
    with django_assert_num_queries(len(ctx.captured_queries)):
        html = client.get("/affiliation-requests/").content.decode()
    assert html.count('id="request-') == 3


def test_requests_are_in_the_data_export_and_deleted_with_the_account(org):
    from kakehashi.people.selectors import person_data_export
    from kakehashi.people.services import person_delete

    person = factories.UserFactory()
    affiliation_request_create(person=person, organisation=org, role="researcher")

    export = person_data_export(person=person, language="en")
    [record] = export["sections"]["affiliation_requests"]["records"]
    assert (record["organisation"], record["role"], record["status"]) == (
        "Kyoto Test University",
        "researcher",
        "pending",
    )
    request = AffiliationRequest.objects.get(person=person)
    assert (record["created_at"], record["decided_at"]) == (request.created_at.isoformat(), None)

    person_delete(person=person, password=factories.PASSWORD)
    assert not AffiliationRequest.objects.filter(person=person).exists()
