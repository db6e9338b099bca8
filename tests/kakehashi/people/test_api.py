"""The people endpoints of /api/v1/: visibility per role, /me, API tokens."""

import base64
import datetime as dt

import pytest
from django.test import Client

from kakehashi.applications.services import application_withdraw
from kakehashi.people.models import Affiliation, ApiToken, LanguageSkill
from tests import factories
from tests.kakehashi.api_helpers import API, body, error, session_client, token_client


def person_body(u) -> dict:
    profile = getattr(u, "candidate_profile", None)
    return {
        "id": u.pk,
        "username": u.username,
        "display_name": u.display_name,
        "display_name_ja": u.display_name_ja,
        "family_name": u.family_name,
        "given_name": u.given_name,
        "family_name_kanji": u.family_name_kanji,
        "given_name_kanji": u.given_name_kanji,
        "family_name_kana": u.family_name_kana,
        "given_name_kana": u.given_name_kana,
        "orcid": u.orcid,
        "timezone": u.timezone,
        "preferred_language": u.preferred_language,
        "languages": [{"code": s.language, "level": s.level} for s in u.languages.all()],
        "affiliations": [
            {
                "organisation_id": a.organisation_id,
                "organisation_name": a.organisation.name,
                "organisation_ror_id": a.organisation.ror_id,
                "role": a.role,
                "title": a.title,
            }
            for a in u.affiliations.all()
        ],
        "candidate": None
        if profile is None
        else {
            "level": profile.level,
            "direction": profile.direction,
            "nationality": profile.nationality.code or "",
            "home_organisation_id": profile.home_organisation_id,
            "home_organisation_name": profile.home_organisation.name,
            "degree": profile.degree,
            "research_interests": profile.research_interests,
            "interests_language": profile.interests_language,
            "skills": profile.skills,
        },
    }


def ids(response) -> list[int]:
    return [p["id"] for p in body(response)["items"]]


@pytest.mark.django_db
def test_people_anonymous_is_401():
    response = Client().get(f"{API}/people")

    assert response.status_code == 401
    assert body(response) == error(
        401, "not_authenticated", "Authentication required: send a Bearer token or sign in."
    )


@pytest.mark.django_db
def test_candidate_sees_self_and_published_supervisors_only(candidate_user, project):
    other = factories.candidate(user__username="cand-other")
    supervisor = project.supervisions.get().person
    client = token_client(candidate_user)

    listed = client.get(f"{API}/people")
    hidden = client.get(f"{API}/people/{other.pk}")

    assert body(listed) == {
        "items": [person_body(candidate_user), person_body(supervisor)],
        "count": 2,
    }
    assert hidden.status_code == 404
    assert body(hidden) == error(404, "not_found", "Not found.")


@pytest.mark.django_db
def test_supervisor_sees_own_applicants_not_others(project, candidate_user):
    supervisor = project.supervisions.get().person
    factories.ApplicationFactory(candidate=candidate_user, project=project)
    stranger = factories.candidate(user__username="cand-stranger")
    factories.ApplicationFactory(candidate=stranger)  # to someone else's project
    client = token_client(supervisor)

    assert body(client.get(f"{API}/people/{candidate_user.pk}")) == person_body(candidate_user)
    assert client.get(f"{API}/people/{stranger.pk}").status_code == 404
    assert candidate_user.pk in ids(client.get(f"{API}/people"))
    assert stranger.pk not in ids(client.get(f"{API}/people"))


@pytest.mark.django_db
def test_supervisor_no_longer_sees_an_applicant_who_withdrew(project, candidate_user, officer):
    supervisor = project.supervisions.get().person
    application = factories.ApplicationFactory(candidate=candidate_user, project=project)
    # A standing application to someone else's project does not show them to this supervisor.
    factories.ApplicationFactory(candidate=candidate_user)
    application_withdraw(candidate=candidate_user, application=application)
    client = token_client(supervisor)

    hidden = client.get(f"{API}/people/{candidate_user.pk}")

    assert hidden.status_code == 404
    assert body(hidden) == error(404, "not_found", "Not found.")
    assert candidate_user.pk not in ids(client.get(f"{API}/people"))
    assert body(token_client(officer).get(f"{API}/people/{candidate_user.pk}")) == person_body(
        candidate_user
    )
    assert body(token_client(candidate_user).get(f"{API}/people/{candidate_user.pk}")) == (
        person_body(candidate_user)
    )


@pytest.mark.django_db
def test_supervisor_still_sees_an_applicant_with_another_standing_application(
    call, supervisor_user, candidate_user
):
    first, second = (factories.ProjectFactory(call=call, supervisor=supervisor_user) for _ in "ab")
    application_withdraw(
        candidate=candidate_user,
        application=factories.ApplicationFactory(candidate=candidate_user, project=first),
    )
    factories.ApplicationFactory(candidate=candidate_user, project=second)

    response = token_client(supervisor_user).get(f"{API}/people/{candidate_user.pk}")

    assert body(response) == person_body(candidate_user)


@pytest.mark.django_db
def test_officer_sees_everyone(officer, candidate_user):
    other = factories.candidate(user__username="zz-other")

    response = token_client(officer).get(f"{API}/people")

    assert ids(response) == [candidate_user.pk, officer.pk, other.pk]


@pytest.mark.django_db
def test_me_has_email_and_roles(candidate_user):
    LanguageSkill.objects.create(person=candidate_user, language="ja", level="N3")
    Affiliation.objects.create(
        person=candidate_user,
        organisation=candidate_user.candidate_profile.home_organisation,
        role="student",
    )

    response = session_client(candidate_user).get(f"{API}/me")

    assert body(response) == {
        **person_body(candidate_user),
        "email": "cand-t@example.org",
        "roles": ["candidate"],
    }


@pytest.mark.django_db
def test_me_roles_of_officer_and_reviewer():
    user = factories.OfficerFactory(is_reviewer=True)

    assert body(token_client(user).get(f"{API}/me"))["roles"] == ["officer", "reviewer"]


@pytest.mark.django_db
def test_token_create_with_session_then_use_list_and_revoke(candidate_user):
    session = session_client(candidate_user)

    created = session.post(f"{API}/me/tokens", {"name": "laptop"}, content_type="application/json")
    data = body(created)
    bearer = Client(headers={"Authorization": f"Bearer {data['key']}"})
    listed = bearer.get(f"{API}/me/tokens")
    deleted = bearer.delete(f"{API}/me/tokens/{data['id']}")
    after = bearer.get(f"{API}/me")

    token = ApiToken.objects.filter(pk=data["id"]).first()
    assert created.status_code == 201
    assert data["key"].startswith("kh_") and data["prefix"] == data["key"][:8]
    assert data["name"] == "laptop" and data["last_used_at"] is None
    assert body(listed)["count"] == 1
    assert body(listed)["items"][0]["id"] == data["id"]
    assert "key" not in body(listed)["items"][0]
    assert deleted.status_code == 204 and deleted.content == b""
    assert token is None
    assert after.status_code == 401
    assert body(after) == error(
        401, "not_authenticated", "The API token is unknown, has expired or has been revoked."
    )


@pytest.mark.django_db
def test_token_create_with_basic_auth(candidate_user):
    credentials = base64.b64encode(f"{candidate_user.username}:{factories.PASSWORD}".encode())
    client = Client(headers={"Authorization": f"Basic {credentials.decode()}"})

    response = client.post(f"{API}/me/tokens", {"name": "script"}, content_type="application/json")

    assert response.status_code == 201
    assert ApiToken.objects.get(user=candidate_user).name == "script"


@pytest.mark.django_db
def test_token_create_with_wrong_password_is_401(candidate_user):
    credentials = base64.b64encode(f"{candidate_user.username}:wrong".encode()).decode()
    client = Client(headers={"Authorization": f"Basic {credentials}"})

    response = client.post(f"{API}/me/tokens", {"name": "x"}, content_type="application/json")

    assert response.status_code == 401
    assert body(response) == error(401, "not_authenticated", "Wrong username or password.")
    assert ApiToken.objects.count() == 0


@pytest.mark.django_db
def test_token_create_with_a_token_is_refused(candidate_user):
    client = token_client(candidate_user)

    response = client.post(f"{API}/me/tokens", {"name": "x"}, content_type="application/json")

    assert response.status_code == 401
    assert ApiToken.objects.filter(user=candidate_user).count() == 1


@pytest.mark.django_db
def test_token_create_with_session_needs_csrf(candidate_user):
    client = session_client(candidate_user, enforce_csrf=True)

    response = client.post(f"{API}/me/tokens", {"name": "x"}, content_type="application/json")

    assert response.status_code == 403
    assert body(response) == error(
        403, "forbidden", "CSRF check failed: send the X-CSRFToken header."
    )
    assert ApiToken.objects.count() == 0


@pytest.mark.django_db
def test_token_create_with_session_and_csrf_header(candidate_user):
    client = session_client(candidate_user, enforce_csrf=True)
    client.get(f"{API}/docs")  # the docs page sets the CSRF cookie, as a page would
    csrf = client.cookies["csrftoken"].value

    response = client.post(
        f"{API}/me/tokens",
        {"name": "browser"},
        content_type="application/json",
        headers={"X-CSRFToken": csrf},
    )

    assert response.status_code == 201
    assert ApiToken.objects.get(user=candidate_user).name == "browser"


@pytest.mark.django_db
def test_revoking_someone_elses_token_is_404(candidate_user):
    other = factories.UserFactory()
    client = token_client(candidate_user)
    token_client(other)
    theirs = ApiToken.objects.get(user=other)

    response = client.delete(f"{API}/me/tokens/{theirs.pk}")

    assert response.status_code == 404
    assert body(response) == error(404, "not_found", "Not found.")
    assert ApiToken.objects.filter(pk=theirs.pk).exists()


@pytest.mark.django_db
def test_people_list_queries_do_not_grow(django_assert_num_queries, officer):
    # Rows of the same shape (a language, an affiliation) so every prefetch runs each time.
    Affiliation.objects.create(
        person=officer, organisation=factories.OrganisationFactory(), role="admin"
    )
    client = token_client(officer)
    # The token with its user, the page, its languages, affiliations and organisations:
    # a page shorter than the limit is the whole list, so no COUNT.
    with django_assert_num_queries(5):
        first = client.get(f"{API}/people")
    for _ in range(2):
        user = factories.candidate()
        LanguageSkill.objects.create(person=user, language="en", level="C1")
        Affiliation.objects.create(
            person=user, organisation=user.candidate_profile.home_organisation, role="student"
        )
    with django_assert_num_queries(5):
        second = client.get(f"{API}/people")
    assert (body(first)["count"], body(second)["count"]) == (1, 3)


@pytest.mark.django_db
def test_token_list_queries_do_not_grow(django_assert_num_queries, candidate_user):
    client = token_client(candidate_user)
    with django_assert_num_queries(2):  # the token with its user, the page (no COUNT)
        client.get(f"{API}/me/tokens")
    token_client(candidate_user)
    token_client(candidate_user)
    with django_assert_num_queries(2):
        response = client.get(f"{API}/me/tokens")
    assert body(response)["count"] == 3


@pytest.mark.django_db
def test_token_expired_is_listed_with_its_expiry_and_refused(candidate_user):
    session = session_client(candidate_user)
    data = body(session.post(f"{API}/me/tokens", {"name": "old"}, content_type="application/json"))
    ApiToken.objects.filter(pk=data["id"]).update(
        expires_at=dt.datetime(2026, 1, 1, 9, 0, tzinfo=dt.UTC)
    )
    bearer = Client(headers={"Authorization": f"Bearer {data['key']}"})

    refused = bearer.get(f"{API}/me")
    listed = body(session.get(f"{API}/me/tokens"))

    assert refused.status_code == 401
    assert body(refused) == error(
        401, "not_authenticated", "The API token is unknown, has expired or has been revoked."
    )
    assert listed["items"][0]["expires_at"] == "2026-01-01T09:00:00Z"


@pytest.mark.django_db
def test_a_page_shorter_than_the_limit_gives_the_total_without_a_count(
    django_assert_num_queries, candidate_user
):
    client = token_client(candidate_user)
    token_client(candidate_user)
    token_client(candidate_user)

    def page(query: str) -> tuple[int, int]:
        data = body(client.get(f"{API}/me/tokens{query}"))
        return len(data["items"]), data["count"]

    with django_assert_num_queries(3):  # a full page: the total needs its COUNT
        assert page("?limit=2") == (2, 3)
    with django_assert_num_queries(2):  # the last page: the total is offset + its length
        assert page("?limit=2&offset=2") == (1, 3)
    with django_assert_num_queries(3):  # past the end: an empty page says nothing
        assert page("?limit=2&offset=5") == (0, 3)
    assert page("?limit=3") == (3, 3)
