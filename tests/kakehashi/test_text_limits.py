"""Every free text has a length limit, checked at every way in (hardening issue: "one long
text ties up a worker": an 80 KB profile took 29 s to save, 178 KB killed the worker).

Per entry point (form, API, import, service) a text one character over its limit is
refused with a message naming the limit and the length, and nothing changes; a text at
its limit is accepted. The limits are the ones docs/limits.md lists."""

import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.test import Client

from kakehashi.api import api
from kakehashi.applications.models import Application
from kakehashi.core import limits
from kakehashi.core.errors import ImportRejected
from kakehashi.matching.models import MatchRun
from kakehashi.organisations.models import Organisation
from kakehashi.people.imports import COLUMNS as PEOPLE_COLUMNS
from kakehashi.people.imports import people_import
from kakehashi.people.models import Affiliation, CandidateProfile, User
from kakehashi.programs.models import Call, Program
from kakehashi.programs.services import match_policy_parse
from kakehashi.projects.imports import COLUMNS as PROJECT_COLUMNS
from kakehashi.projects.imports import projects_import
from kakehashi.projects.models import Project
from kakehashi.projects.services import project_update
from tests import factories
from tests.kakehashi.api_helpers import API, body, error, token_client

DOCS = Path(__file__).resolve().parents[2] / "docs" / "limits.md"


def too_long(limit: int) -> str:
    return "x" * (limit + 1)


def django_message(limit: int) -> str:
    return f"Ensure this value has at most {limit} characters (it has {limit + 1})."


# ---------------------------------------------------------------- the limits themselves


def _model_limit(model, field: str) -> int | None:
    f = model._meta.get_field(field)
    found = [v.limit_value for v in f.validators if hasattr(v, "limit_value")]
    found += [v.max_length for v in f.validators if isinstance(v, limits.TextListValidator)]
    return min(found) if found else None


def test_docs_table_matches_the_models():
    rows = re.findall(r"^\| `(\w+)\.(\w+)\.(\w+)` \| ([\d,]+) ", DOCS.read_text(), re.M)
    models = {
        "Project": Project,
        "CandidateProfile": CandidateProfile,
        "Application": Application,
        "Organisation": Organisation,
        "Affiliation": Affiliation,
        "User": User,
        "Program": Program,
        "Call": Call,
        "MatchRun": MatchRun,
    }
    assert len(rows) == 18
    for _app, model, field, limit in rows:
        assert _model_limit(models[model], field) == int(limit.replace(",", "")), (model, field)


def test_body_size_is_bounded():
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE == 2_621_440


def test_openapi_states_the_limits():
    schemas = api.get_openapi_schema()["components"]["schemas"]
    project = schemas["ProjectIn"]["properties"]
    assert project["title"]["maxLength"] == limits.LINE
    assert project["summary"]["maxLength"] == limits.SHORT_TEXT
    assert project["description"]["maxLength"] == limits.LONG_TEXT
    assert project["skills"]["maxItems"] == limits.LIST_ITEMS
    assert schemas["Translation"]["properties"]["description"]["maxLength"] == limits.LONG_TEXT
    assert schemas["ApplicationIn"]["properties"]["statement"]["maxLength"] == limits.STATEMENT
    patch = schemas["ProjectPatch"]["properties"]["description"]["anyOf"][0]
    assert patch["maxLength"] == limits.LONG_TEXT


# ---------------------------------------------------------------- forms


@pytest.fixture
def world(db):
    return factories.page_world()


def _profile_form(interests: str) -> dict:
    return {
        "given_name": "Alex",
        "family_name": "Martin",
        "level": "phd",
        "orcid": "",
        "timezone": "UTC",
        "research_interests": interests,
        "interests_language": "en",
        "skills": "",
        "languages-TOTAL_FORMS": "0",
        "languages-INITIAL_FORMS": "0",
    }


def test_profile_form_refuses_over_limit_and_saves_nothing(client, world):
    client.force_login(world.candidate)
    before = world.candidate.candidate_profile.research_interests

    response = client.post("/profile/edit/", _profile_form(too_long(limits.TEXT)))

    assert response.status_code == 200
    assert django_message(limits.TEXT) in response.content.decode()
    world.candidate.candidate_profile.refresh_from_db()
    assert world.candidate.candidate_profile.research_interests == before


def test_profile_form_message_is_translated(client, world):
    client.force_login(world.candidate)

    response = client.post(
        "/profile/edit/", _profile_form(too_long(limits.TEXT)), HTTP_ACCEPT_LANGUAGE="fr"
    )

    html = response.content.decode()
    assert "Assurez-vous que cette valeur comporte au plus 10000 caractères" in html
    assert "(actuellement 10001)" in html


def test_profile_form_accepts_text_at_limit(client, world):
    client.force_login(world.candidate)
    text = "y" * limits.TEXT

    response = client.post("/profile/edit/", _profile_form(text))

    assert response.status_code == 302
    world.candidate.candidate_profile.refresh_from_db()
    assert world.candidate.candidate_profile.research_interests == text


# ---------------------------------------------------------------- API


@pytest.fixture
def creator(call):
    host = factories.CanadianOrganisationFactory()
    person = factories.UserFactory()
    Affiliation.objects.create(person=person, organisation=host, role="supervisor")
    return person, host


def _project(call, host, person, **overrides) -> dict:
    return {
        "key": "long-one",
        "call_id": call.pk,
        "host_id": host.pk,
        "language": "en",
        "title": "Robot arms",
        "description": "A project.",
        "working_language": "en",
        "region": "CA-QC",
        "start_date": "2027-05-01",
        "end_date": "2027-08-31",
        "supervisors": [{"person_id": person.pk, "role": "academic"}],
        **overrides,
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value", "key", "message"),
    [
        (
            "description",
            too_long(limits.LONG_TEXT),
            "description",
            "String should have at most 20000 characters",
        ),
        (
            "summary",
            too_long(limits.SHORT_TEXT),
            "summary",
            "String should have at most 2000 characters",
        ),
        ("title", too_long(limits.LINE), "title", "String should have at most 300 characters"),
        (
            "translations",
            {"fr": {"description": too_long(limits.LONG_TEXT)}},
            "translations.fr.description",
            "String should have at most 20000 characters",
        ),
        ("skills", ["s" * 101], "skills.0", "String should have at most 100 characters"),
        (
            "skills",
            ["s"] * 101,
            "skills",
            "List should have at most 100 items after validation, not 101",
        ),
    ],
)
def test_api_create_over_limit_is_422_and_creates_nothing(
    call, creator, field, value, key, message
):
    person, host = creator

    response = token_client(person).post(
        f"{API}/projects",
        _project(call, host, person, **{field: value}),
        content_type="application/json",
    )

    assert body(response) == error(
        422, "invalid", "The request is not valid.", fields={key: [message]}
    )
    assert not Project.objects.exists()


@pytest.mark.django_db
def test_api_create_accepts_every_text_at_its_limit(call, creator):
    person, host = creator
    data = _project(
        call,
        host,
        person,
        title="t" * limits.LINE,
        summary="s" * limits.SHORT_TEXT,
        description="d" * limits.LONG_TEXT,
        translations={"ja": {"title": "題" * limits.LINE, "description": "説" * limits.LONG_TEXT}},
        skills=["k" * limits.LIST_ITEM] * limits.LIST_ITEMS,
    )

    response = token_client(person).post(f"{API}/projects", data, content_type="application/json")

    assert response.status_code == 201
    project = Project.objects.get()
    assert (len(project.description), len(project.translations["ja"]["description"])) == (
        limits.LONG_TEXT,
        limits.LONG_TEXT,
    )


@pytest.mark.django_db
def test_api_patch_over_limit_changes_nothing(project, supervisor_user):
    before = project.summary

    response = token_client(supervisor_user).patch(
        f"{API}/projects/{project.pk}",
        {"summary": too_long(limits.SHORT_TEXT), "capacity": 3},
        content_type="application/json",
    )

    assert body(response)["error"]["fields"] == {
        "summary": ["String should have at most 2000 characters"]
    }
    project.refresh_from_db()
    assert (project.summary, project.capacity) == (before, 1)


@pytest.mark.django_db
def test_api_application_statement_over_limit_is_422(project, candidate_user):
    response = token_client(candidate_user).post(
        f"{API}/applications",
        {"project_id": project.pk, "statement": too_long(limits.STATEMENT)},
        content_type="application/json",
    )

    assert body(response)["error"]["fields"] == {
        "statement": ["String should have at most 5000 characters"]
    }
    assert not Application.objects.exists()


@pytest.mark.django_db
def test_api_organisation_alias_over_limit_is_422(officer):
    response = token_client(officer).post(
        f"{API}/organisations",
        {
            "name": "Long Inc.",
            "type": "company",
            "country": "JP",
            "region": "JP-13",
            "aliases": [too_long(limits.LINE)],
        },
        content_type="application/json",
    )

    assert response.status_code == 422
    assert list(body(response)["error"]["fields"]) == ["aliases.0"]
    assert not Organisation.objects.filter(name="Long Inc.").exists()


# ---------------------------------------------------------------- services (full_clean)


@pytest.mark.django_db
def test_service_refuses_over_limit_with_the_limit_and_length(project):
    with pytest.raises(ValidationError) as refused:
        project_update(project=project, description=too_long(limits.LONG_TEXT))
    project.refresh_from_db()
    with pytest.raises(ValidationError) as translation:
        project_update(
            project=project, translations={"en": {"summary": too_long(limits.SHORT_TEXT)}}
        )

    assert refused.value.message_dict == {"description": [django_message(limits.LONG_TEXT)]}
    assert translation.value.message_dict == {
        "translations": ["The “en” summary has at most 2000 characters (it has 2001)."]
    }
    project.refresh_from_db()
    assert project.description == "脳波デコーディングの研究プロジェクトです。"


@pytest.mark.django_db
def test_service_refuses_long_skill_lists(candidate_user):
    with pytest.raises(ValidationError) as refused:
        factories.CandidateProfileFactory.build(
            user=candidate_user, skills=["python"] * (limits.LIST_ITEMS + 1)
        ).full_clean(exclude=["user", "home_organisation"])

    assert refused.value.message_dict == {"skills": ["Give at most 100 entries (there are 101)."]}


# ---------------------------------------------------------------- imports


@pytest.fixture
def import_world(db):
    factories.CallFactory(slug="summer")
    factories.OrganisationFactory(ror_id="01pe1d703", name="ATR")


def _csv(columns, **values) -> str:
    header = ",".join(columns)
    return header + "\n" + ",".join(str(values.get(c, "")) for c in columns) + "\n"


def _project_row(description: str) -> str:
    return _csv(
        PROJECT_COLUMNS,
        key="long",
        call="summer",
        host_ror="01pe1d703",
        language="en",
        title="Long",
        description=description,
        working_language="en",
        region="JP-26",
        start_date="2027-05-01",
        end_date="2027-08-31",
    )


def test_project_import_over_limit_is_rejected_whole(import_world):
    data = _project_row("d" * limits.LONG_TEXT)
    data += (
        _project_row(too_long(limits.LONG_TEXT)).split("\n", 1)[1].replace("long,", "longer,", 1)
    )

    with pytest.raises(ImportRejected) as rejected:
        projects_import(data=data, format="csv")

    assert rejected.value.rows == [
        {"row": 2, "id": "longer", "errors": {"description": [django_message(limits.LONG_TEXT)]}}
    ]
    assert not Project.objects.exists()


def test_project_import_at_limit_is_accepted(import_world):
    result = projects_import(data=_project_row("d" * limits.LONG_TEXT), format="csv")

    assert (result.created, len(Project.objects.get().description)) == (1, limits.LONG_TEXT)


def test_project_import_translation_over_limit_names_it(import_world):
    record = {
        "key": "tr",
        "call": "summer",
        "host_ror": "01pe1d703",
        "language": "en",
        "title": "T",
        "description": "D",
        "translations": {"ja": {"title": too_long(limits.LINE)}},
        "working_language": "en",
        "region": "JP-26",
        "start_date": "2027-05-01",
        "end_date": "2027-08-31",
    }

    with pytest.raises(ImportRejected) as rejected:
        projects_import(data=json.dumps([record]), format="json")

    assert rejected.value.rows[0]["errors"] == {
        "translations": ["The “ja” title has at most 300 characters (it has 301)."]
    }


def test_people_import_research_interests_over_limit(import_world):
    row = dict(
        username="longwriter",
        level="phd",
        home_organisation_ror="01pe1d703",
        direction="ca_jp",
        interests_language="en",
        research_interests=too_long(limits.TEXT),
    )

    with pytest.raises(ImportRejected) as rejected:
        people_import(data=_csv(PEOPLE_COLUMNS, **row), format="csv")

    assert rejected.value.rows[0]["errors"]["research_interests"] == [django_message(limits.TEXT)]
    assert not CandidateProfile.objects.exists()


def test_api_import_over_limit_is_422_in_the_error_shape(import_world):
    officer = factories.OfficerFactory()

    response = token_client(officer).post(
        f"{API}/projects/import?format=csv",
        _project_row(too_long(limits.LONG_TEXT)),
        content_type="text/csv",
    )

    data = body(response)["error"]
    assert (response.status_code, data["code"]) == (422, "import_rejected")
    assert data["rows"][0]["errors"] == {"description": [django_message(limits.LONG_TEXT)]}


def test_oversized_raw_body_is_413_before_parsing(import_world, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    officer = factories.OfficerFactory()

    response = token_client(officer).post(
        f"{API}/projects/import?format=csv", _project_row("d" * 2000), content_type="text/csv"
    )

    assert (response.status_code, body(response)["error"]["code"]) == (413, "too_large")
    assert not Project.objects.exists()


@pytest.mark.django_db
def test_anonymous_body_limit_applies_to_pages_too(settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000

    response = Client().post("/accounts/login/", {"username": "x" * 2000, "password": "p"})

    assert response.status_code == 400


def test_cap_label_over_limit_is_refused():
    cap = {"kind": "region", "values": ["JP-13"], "capacity": 1}

    with pytest.raises(ValidationError) as refused:
        match_policy_parse({"caps": [{**cap, "label": "c" * (limits.LABEL + 1)}]})
    at_limit = match_policy_parse({"caps": [{**cap, "label": "c" * limits.LABEL}]})

    assert "A cap's label has at most 100 characters (it has 101)." in refused.value.messages
    assert at_limit.caps[0].label == "c" * limits.LABEL
