"""The organisations endpoints of /api/v1/."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from kakehashi.organisations.models import Organisation
from kakehashi.people.models import Affiliation
from tests import factories
from tests.kakehashi.api_helpers import API, body, error, token_client
from tests.kakehashi.organisations.test_imports import HEADER, ROR_SAMPLE


def org_body(o: Organisation) -> dict:
    return {
        "id": o.pk,
        "ror_id": o.ror_id,
        "ror_url": f"https://ror.org/{o.ror_id}" if o.ror_id else "",
        "name": o.name,
        "display_name": o.name_en or o.name,
        "name_en": o.name_en,
        "name_fr": o.name_fr,
        "name_ja": o.name_ja,
        "aliases": o.aliases,
        "acronyms": o.acronyms,
        "type": o.type,
        "country": o.country,
        "region": o.region,
        "city": o.city,
        "parent_id": o.parent_id,
        "website": o.website,
    }


NEW_ORG = {
    "ror_id": "https://ror.org/01pe1d703",
    "name": "ATR",
    "name_ja": "国際電気通信基礎技術研究所",
    "type": "research_institute",
    "country": "JP",
    "region": "JP-26",
    "city": "Kyoto",
}


@pytest.mark.django_db
def test_list_is_public_and_paginated():
    a = factories.OrganisationFactory(name="Alpha")
    b = factories.CanadianOrganisationFactory(name="Beta", parent=a)

    response = Client().get(f"{API}/organisations?limit=1&offset=1")

    assert response.status_code == 200
    assert body(response) == {"items": [org_body(b)], "count": 2}
    assert body(Client().get(f"{API}/organisations"))["items"] == [org_body(a), org_body(b)]


@pytest.mark.django_db
def test_list_filters_q_country_type():
    kyoto = factories.OrganisationFactory(name="Kyoto University", acronyms=["KU"])
    factories.CanadianOrganisationFactory(name="University of British Columbia")
    factories.OrganisationFactory(name="Sony", type="company")
    client = Client()

    assert [o["name"] for o in body(client.get(f"{API}/organisations?q=univ"))["items"]] == [
        "Kyoto University",
        "University of British Columbia",
    ]
    assert [o["id"] for o in body(client.get(f"{API}/organisations?q=KU"))["items"]] == [kyoto.pk]
    assert [
        o["name"] for o in body(client.get(f"{API}/organisations?country=JP&type=company"))["items"]
    ] == ["Sony"]


@pytest.mark.django_db
def test_detail_by_id_and_by_ror_id():
    org = factories.OrganisationFactory(ror_id="01pe1d703", name="ATR")

    assert body(Client().get(f"{API}/organisations/{org.pk}")) == org_body(org)
    assert body(Client().get(f"{API}/organisations/01pe1d703")) == org_body(org)


@pytest.mark.django_db
def test_detail_unknown_is_404():
    response = Client().get(f"{API}/organisations/02kpeqv85")

    assert response.status_code == 404
    assert body(response) == error(404, "not_found", "Not found.")


@pytest.mark.django_db
def test_create_anonymous_is_401():
    response = Client().post(f"{API}/organisations", NEW_ORG, content_type="application/json")

    assert response.status_code == 401
    assert body(response) == error(
        401, "not_authenticated", "Authentication required: send a Bearer token or sign in."
    )
    assert Organisation.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["candidate", "supervisor", "reviewer"])
def test_create_by_non_officer_is_403(role, candidate_user, project):
    user = {
        "candidate": candidate_user,
        "supervisor": project.supervisions.get().person,
        "reviewer": factories.UserFactory(is_reviewer=True),
    }[role]
    before = Organisation.objects.count()

    response = token_client(user).post(
        f"{API}/organisations", NEW_ORG, content_type="application/json"
    )

    assert response.status_code == 403
    assert body(response) == error(403, "forbidden", "You are not allowed to do this.")
    assert Organisation.objects.count() == before


@pytest.mark.django_db
def test_create_by_officer(officer):
    response = token_client(officer).post(
        f"{API}/organisations", NEW_ORG, content_type="application/json"
    )

    assert response.status_code == 201
    org = Organisation.objects.get(ror_id="01pe1d703")
    assert body(response) == org_body(org)
    assert org.name_ja == "国際電気通信基礎技術研究所"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "fields"),
    [
        (
            {"ror_id": "01pe1d704"},
            {"ror_id": ["“01pe1d704” is not a valid ROR id: its check digits are wrong."]},
        ),
        (
            {"region": "JP-48"},
            {"region": ["“JP-48” is not an ISO 3166-2 code of Canada or Japan."]},
        ),
        ({"region": "CA-QC"}, {"region": ["Region CA-QC is not in country JP."]}),
        ({"parent_id": 999999}, {"parent_id": ["No such organisation."]}),
    ],
)
def test_create_bad_input_is_422_and_writes_nothing(officer, change, fields):
    response = token_client(officer).post(
        f"{API}/organisations", {**NEW_ORG, **change}, content_type="application/json"
    )

    assert response.status_code == 422
    message = next(iter(fields.values()))[0]
    assert body(response) == error(422, "invalid", message, fields=fields)
    assert Organisation.objects.count() == 0


@pytest.mark.django_db
def test_create_schema_error_is_422_in_the_same_shape(officer):
    response = token_client(officer).post(
        f"{API}/organisations", {"name": "x"}, content_type="application/json"
    )

    assert response.status_code == 422
    assert body(response) == error(
        422,
        "invalid",
        "The request is not valid.",
        fields={
            "type": ["Field required"],
            "country": ["Field required"],
            "region": ["Field required"],
        },
    )


@pytest.mark.django_db
def test_update_by_org_admin_and_not_by_others(candidate_user):
    org = factories.OrganisationFactory(name="Old")
    admin = factories.UserFactory()
    Affiliation.objects.create(person=admin, organisation=org, role="admin")

    refused = token_client(candidate_user).patch(
        f"{API}/organisations/{org.pk}", {"name": "Hijacked"}, content_type="application/json"
    )
    allowed = token_client(admin).patch(
        f"{API}/organisations/{org.pk}",
        {"name": "New", "city": "Osaka", "region": "JP-27"},
        content_type="application/json",
    )

    assert refused.status_code == 403
    assert body(refused) == error(403, "forbidden", "You are not allowed to do this.")
    assert allowed.status_code == 200
    org.refresh_from_db()
    assert body(allowed) == org_body(org)
    assert (org.name, org.city, org.region) == ("New", "Osaka", "JP-27")


@pytest.mark.django_db
def test_update_unknown_region_is_422_and_changes_nothing(officer):
    org = factories.OrganisationFactory(name="Old")

    response = token_client(officer).patch(
        f"{API}/organisations/{org.pk}",
        {"name": "New", "region": "XX-01"},
        content_type="application/json",
    )

    assert response.status_code == 422
    assert body(response)["error"]["fields"] == {
        "region": ["“XX-01” is not an ISO 3166-2 code of Canada or Japan."]
    }
    org.refresh_from_db()
    assert (org.name, org.region) == ("Old", "JP-26")


@pytest.mark.django_db
def test_import_ror_upload_by_officer(officer):
    upload = SimpleUploadedFile("ror.jsonl", ROR_SAMPLE.read_bytes())

    response = token_client(officer).post(f"{API}/organisations/import", {"file": upload})

    assert response.status_code == 200
    assert body(response) == {
        "created": 5,
        "updated": 0,
        "skipped": 0,
        "keys": ["0035da546", "02kpeqv85", "01pe1d703", "03rmrcq20", "000050t83"],
    }


@pytest.mark.django_db
def test_import_csv_body_with_bad_row_is_422_with_rows(officer):
    data = HEADER + "02kpeqv86,Bad,,,,,,university,JP,JP-26,Kyoto,,\n"

    response = token_client(officer).post(
        f"{API}/organisations/import", data, content_type="text/csv"
    )

    assert response.status_code == 422
    assert body(response) == error(
        422,
        "import_rejected",
        "The file was rejected: 1 of 1 rows have errors; nothing was imported.",
        rows=[
            {
                "row": 1,
                "id": "02kpeqv86",
                "errors": {
                    "ror_id": ["“02kpeqv86” is not a valid ROR id: its check digits are wrong."]
                },
            }
        ],
    )
    assert Organisation.objects.count() == 0


@pytest.mark.django_db
def test_import_invalid_utf8_is_422(officer):
    response = token_client(officer).post(
        f"{API}/organisations/import?format=csv", b"name\n\xff\n", content_type="text/csv"
    )

    assert response.status_code == 422
    assert body(response) == error(422, "invalid_encoding", "The file is not valid UTF-8 (byte 6).")


@pytest.mark.django_db
def test_import_by_candidate_is_403(candidate_user):
    response = token_client(candidate_user).post(
        f"{API}/organisations/import", HEADER, content_type="text/csv"
    )

    assert response.status_code == 403
    assert body(response) == error(403, "forbidden", "You are not allowed to do this.")


@pytest.mark.django_db
def test_export_csv_and_json():
    org = factories.OrganisationFactory(ror_id="01pe1d703", name="ATR", name_en="ATR")

    csv_response = Client().get(f"{API}/organisations/export?format=csv")
    json_response = Client().get(f"{API}/organisations/export?format=json")

    assert csv_response["Content-Type"] == "text/csv; charset=utf-8"
    assert csv_response["Content-Disposition"] == 'attachment; filename="organisations.csv"'
    assert (
        csv_response.content.decode()
        == HEADER + "01pe1d703,ATR,ATR,,,,,university,JP,JP-26,Kyoto,,\n"
    )
    assert body(json_response) == [
        {
            "ror_id": "01pe1d703",
            "name": "ATR",
            "name_en": "ATR",
            "name_fr": "",
            "name_ja": "",
            "aliases": [],
            "acronyms": [],
            "type": "university",
            "country": "JP",
            "region": "JP-26",
            "city": "Kyoto",
            "parent_ror": "",
            "website": "",
        }
    ]
    assert org.pk


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/organisations", "/organisations/export"])
def test_list_and_export_queries_do_not_grow(django_assert_num_queries, url):
    parent = factories.OrganisationFactory()
    client = Client()
    # One query each: the list's page is shorter than the limit, so no COUNT.
    with django_assert_num_queries(1):
        client.get(f"{API}{url}")
    factories.OrganisationFactory(parent=parent)
    factories.OrganisationFactory(parent=parent)
    with django_assert_num_queries(1):
        response = client.get(f"{API}{url}")
    assert response.status_code == 200
