"""Import and export of people (CSV and JSON), by service, command and API."""

import csv
import json
from io import StringIO

import pytest
from django.core.management import call_command

from kakehashi.core.errors import ImportRejected
from kakehashi.people.imports import COLUMNS, people_export, people_import
from kakehashi.people.models import User
from tests import factories
from tests.kakehashi.api_helpers import API, body, error, token_client

HEADER = ",".join(COLUMNS) + "\n"


def row(**values) -> str:
    return ",".join(str(values.get(c, "")) for c in COLUMNS) + "\n"


def _snapshot():
    return sorted(
        (u.username, u.family_name, u.orcid, u.timezone, [str(s) for s in u.languages.all()])
        for u in User.objects.prefetch_related("languages")
    )


@pytest.fixture
def ubc(db):
    return factories.CanadianOrganisationFactory(ror_id="03rmrcq20", name="UBC")


@pytest.mark.django_db
def test_import_csv_creates_people_with_languages_affiliations_and_profile(ubc):
    data = HEADER + row(
        username="tanaka",
        email="tanaka@example.jp",
        family_name="Tanaka",
        given_name="Yui",
        family_name_kanji="田中",
        given_name_kanji="結衣",
        orcid="https://orcid.org/0000-0002-1825-0097",
        timezone="America/Vancouver",
        preferred_language="ja",
        is_reviewer="no",
        languages="ja:native|en:C1",
        affiliations="03rmrcq20:student",
        level="phd",
        home_organisation_ror="03rmrcq20",
        direction="CA_JP",
        research_interests="EEG",
        interests_language="en",
        skills="python|eeg",
        fields="RDF10",
    )

    result = people_import(data=data, format="csv")

    assert (result.created, result.updated, result.keys) == (1, 0, ["tanaka"])
    user = User.objects.get(username="tanaka")
    assert (user.display_name_ja, user.orcid, user.timezone, user.has_usable_password()) == (
        "田中結衣",
        "0000-0002-1825-0097",
        "America/Vancouver",
        False,
    )
    assert [(s.language, s.level) for s in user.languages.all()] == [
        ("en", "C1"),
        ("ja", "native"),
    ]
    assert [(a.organisation.ror_id, a.role) for a in user.affiliations.all()] == [
        ("03rmrcq20", "student")
    ]
    profile = user.candidate_profile
    assert (profile.level, profile.home_organisation, profile.skills) == (
        "phd",
        ubc,
        ["python", "eeg"],
    )
    assert [f.code for f in profile.fields.all()] == ["RDF10"]


@pytest.mark.django_db
def test_import_twice_updates_by_username(ubc):
    data = HEADER + row(username="tanaka", family_name="Tanaka", languages="ja:native")
    people_import(data=data, format="csv")

    result = people_import(
        data=HEADER + row(username="tanaka", family_name="Tanaka-Smith", languages="ja:native"),
        format="csv",
    )

    assert (result.created, result.updated) == (0, 1)
    assert User.objects.get(username="tanaka").family_name == "Tanaka-Smith"
    assert User.objects.count() == 1


@pytest.mark.django_db
def test_import_with_bad_orcid_and_unknown_home_rejects_whole_file(ubc):
    factories.UserFactory(username="kept", family_name="Kept")
    before = _snapshot()
    data = (
        HEADER
        + row(username="kept", family_name="Changed")
        + row(username="new-one", family_name="New")
        + row(username="bad-orcid", orcid="0000-0002-1825-0098")
        + row(
            username="bad-home",
            level="phd",
            home_organisation_ror="02kpeqv85",
            direction="CA_JP",
            interests_language="en",
        )
        + row(username="bad-level", languages="en:N2")
    )

    with pytest.raises(ImportRejected) as caught:
        people_import(data=data, format="csv")

    assert caught.value.rows == [
        {
            "row": 3,
            "id": "bad-orcid",
            "errors": {
                "orcid": [
                    "“0000-0002-1825-0098” is not a valid ORCID iD: its check digit is wrong."
                ]
            },
        },
        {
            "row": 4,
            "id": "bad-home",
            "errors": {"home_organisation_ror": ["No organisation with ROR id 02kpeqv85."]},
        },
        {"row": 5, "id": "bad-level", "errors": {"level": ["JLPT levels apply to Japanese only."]}},
    ]
    assert _snapshot() == before


@pytest.mark.django_db
def test_import_naming_a_username_twice_rejects_whole_file(ubc):
    factories.UserFactory(username="tanaka", family_name="Tanaka")
    before = _snapshot()
    data = (
        HEADER
        + row(username="tanaka", family_name="First")
        + row(username="new-one", family_name="New")
        + row(username="tanaka", family_name="Second")
    )

    with pytest.raises(ImportRejected) as caught:
        people_import(data=data, format="csv")

    assert caught.value.messages == [
        "The file was rejected: 2 of 3 rows have errors; nothing was imported."
    ]
    assert caught.value.rows == [
        {
            "row": 1,
            "id": "tanaka",
            "errors": {
                "username": ["“tanaka” is also in row 3: a file may name each record only once."]
            },
        },
        {
            "row": 3,
            "id": "tanaka",
            "errors": {
                "username": ["“tanaka” is also in row 1: a file may name each record only once."]
            },
        },
    ]
    assert _snapshot() == before


@pytest.mark.django_db
@pytest.mark.parametrize("format", ["csv", "json"])
def test_export_then_import_round_trips(format, ubc):
    user = factories.candidate(
        user__username="cand-a", home_organisation=ubc, user__orcid="0000-0002-1825-0097"
    )
    user.languages.create(language="fr", level="B2")
    factories.OfficerFactory(username="officer-a")
    officer = User.objects.get(username="officer-a")
    before = _snapshot()

    text = people_export(user=officer, format=format)
    result = people_import(data=text, format=format)

    assert (result.created, result.updated) == (0, 2)
    assert _snapshot() == before


@pytest.mark.django_db
def test_export_json_row(ubc):
    factories.candidate(user__username="cand-a", home_organisation=ubc)
    officer = factories.OfficerFactory(username="officer-a")

    rows = json.loads(people_export(user=officer, format="json"))

    assert rows[0] == {
        "username": "cand-a",
        "email": "cand-a@example.org",
        "family_name": rows[0]["family_name"],
        "given_name": "Given",
        "family_name_kanji": "",
        "given_name_kanji": "",
        "family_name_kana": "",
        "given_name_kana": "",
        "orcid": "",
        "timezone": "UTC",
        "preferred_language": "en",
        "is_reviewer": False,
        "languages": [],
        "affiliations": [],
        "level": "phd",
        "home_organisation_ror": "03rmrcq20",
        "direction": "CA_JP",
        "nationality": "",
        "degree": "",
        "research_interests": "EEG decoding for brain-computer interfaces.",
        "interests_language": "en",
        "skills": ["python", "eeg"],
        "fields": [],
    }
    assert rows[1]["username"] == "officer-a" and rows[1]["level"] == ""


@pytest.mark.django_db
def test_import_command_exit_1_on_bad_file(tmp_path):
    path = tmp_path / "people.json"
    path.write_text(json.dumps([{"username": "x", "colour": "red"}]), encoding="utf-8")
    err = StringIO()

    with pytest.raises(SystemExit) as caught:
        call_command("import_people", str(path), stderr=err)

    assert caught.value.code == 1
    assert err.getvalue().startswith("Unknown columns: colour. Known columns: username, email,")
    assert User.objects.count() == 0


@pytest.mark.django_db
def test_export_command_writes_csv(tmp_path):
    factories.UserFactory(username="solo")
    target = tmp_path / "people.csv"

    call_command("export_people", "-o", str(target))

    lines = target.read_text(encoding="utf-8").splitlines()
    assert lines[0] == HEADER.strip()
    assert [line.split(",")[0] for line in lines[1:]] == ["solo"]


@pytest.mark.django_db
def test_api_import_and_export_are_for_officers(officer, candidate_user):
    data = HEADER + row(username="api-made", family_name="Made")

    refused = token_client(candidate_user).post(
        f"{API}/people/import", data, content_type="text/csv"
    )
    export_refused = token_client(candidate_user).get(f"{API}/people/export")
    accepted = token_client(officer).post(f"{API}/people/import", data, content_type="text/csv")
    exported = token_client(officer).get(f"{API}/people/export?format=json")

    assert refused.status_code == 403
    assert body(refused) == error(403, "forbidden", "You are not allowed to do this.")
    assert export_refused.status_code == 403
    assert body(accepted) == {"created": 1, "updated": 0, "skipped": 0, "keys": ["api-made"]}
    assert [p["username"] for p in body(exported)] == ["api-made", "cand-t", "officer-t"]


@pytest.mark.django_db
def test_csv_export_quotes_formulas_and_imports_them_back(ubc):
    factories.candidate(user__username="cand-a", home_organisation=ubc)
    User.objects.filter(username="cand-a").update(given_name="=1+1", family_name="@SUM(A1)")
    officer = factories.OfficerFactory(username="officer-a")

    exported = people_export(user=officer, format="csv")
    record = next(csv.DictReader(StringIO(exported)))
    people_import(data=exported, format="csv")

    assert (record["given_name"], record["family_name"]) == ("'=1+1", "'@SUM(A1)")
    assert User.objects.filter(username="cand-a").values_list(
        "given_name", "family_name"
    ).get() == (
        "=1+1",
        "@SUM(A1)",
    )
