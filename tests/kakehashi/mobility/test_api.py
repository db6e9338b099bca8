"""/api/v1/mobility: every role, exact answers and errors, query counts of the lists."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from kakehashi.internships.services import internship_create_for_offer
from kakehashi.mobility.models import MobilityPlan, PlanStep
from kakehashi.mobility.services import SHIPPED_PACKS, rule_pack_import
from kakehashi.offers.models import Offer
from tests import factories
from tests.kakehashi.api_helpers import API, body, error, token_client

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def home_supervisor(accepted):
    person = factories.UserFactory(username="homesup", given_name="Mia", family_name="Chen")
    accepted.home_supervisor = person
    accepted.save()
    return person


def roles(world, home_supervisor) -> dict:
    return {
        "intern": world.candidate,
        "host": world.supervisor,
        "home": home_supervisor,
        "officer": world.officer,
        "other_candidate": world.other_candidate,
        "other_supervisor": world.other_supervisor,
    }


@pytest.mark.django_db
def test_rule_packs_are_public_with_sources_review_date_and_disclaimer(packs):
    response = Client(headers={"Accept-Language": "ja"}).get(f"{API}/mobility/rule-packs/JP")

    data = body(response)
    assert response.status_code == 200
    assert (data["country"], data["version"], data["last_reviewed"]) == ("JP", 2, "2026-12-05")
    assert data["disclaimer"].startswith("これは滞在準備のための一般的な情報であり")
    assert data["sources"][0] == {
        "key": "mofa-exemption",
        "title": "外務省：査証免除措置国・地域一覧",
        "url": "https://www.mofa.go.jp/j_info/visit/visa/short/novisa.html",
    }
    assert [r["key"] for r in data["routes"]] == [
        "temporary_visitor",
        "temporary_visitor_visa",
        "cultural_activities",
        "designated_activities_internship",
        "researcher",
    ]
    listed = body(Client().get(f"{API}/mobility/rule-packs"))
    assert [p["country"] for p in listed] == ["CA", "JP"]
    missing = Client().get(f"{API}/mobility/rule-packs/FR")
    assert (missing.status_code, body(missing)) == (404, error(404, "not_found", "Not found."))


@pytest.mark.django_db
def test_route_preview_japanese_student_vancouver_twelve_weeks(packs):
    user = factories.UserFactory()
    response = token_client(user).post(
        f"{API}/mobility/routes",
        {
            "nationality": "JP",
            "region": "CA-BC",
            "days": 84,
            "paid": False,
            "level": "masters",
            "home_country": "JP",
            "start_date": "2027-07-01",
        },
        content_type="application/json",
    )

    data = body(response)
    assert response.status_code == 200
    assert data["route"]["key"] == "short_term_researcher"
    assert [(s["key"], s["owner"], s["calendar"], s["due_date"]) for s in data["steps"]] == [
        # 30 business days of British Columbia skip Victoria Day (24 May); 30 of
        # Japan do not.
        ("officer_route_check", "officer", "CA-BC", "2027-02-23"),
        ("researcher_letter", "host", "CA-BC", "2027-05-19"),
        ("count_120_days", "intern", "JP", "2027-05-20"),
        ("eta", "intern", "JP", "2027-06-10"),
        ("private_insurance_whole_stay", "intern", "JP", "2027-06-24"),
    ]
    assert data["disclaimer"].startswith("This is general information")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("payload", "status", "code", "field"),
    [
        (
            {"nationality": "JP", "region": "FR", "days": 10, "paid": False, "level": "phd"},
            422,
            "invalid",
            "region",
        ),
        (
            {"nationality": "JPN", "region": "JP", "days": 10, "paid": False, "level": "phd"},
            422,
            "validation_error",
            None,
        ),
        (
            {"nationality": "JP", "region": "JP", "days": 0, "paid": False, "level": "phd"},
            422,
            "validation_error",
            None,
        ),
    ],
)
def test_route_preview_refuses_bad_input(packs, payload, status, code, field):
    response = token_client(factories.UserFactory()).post(
        f"{API}/mobility/routes", payload, content_type="application/json"
    )
    data = body(response)
    assert (response.status_code, data["error"]["status"]) == (status, status)
    if field:
        assert data["error"]["fields"] == {field: ["No rule pack for FR."]}


def test_route_preview_needs_a_caller():
    response = Client().post(
        f"{API}/mobility/routes",
        {"nationality": "JP", "region": "JP", "days": 10, "paid": False, "level": "phd"},
        content_type="application/json",
    )
    assert response.status_code == 401


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("intern", 200),
        ("host", 200),
        ("home", 200),
        ("officer", 200),
        ("other_candidate", 404),
        ("other_supervisor", 404),
    ],
)
def test_who_sees_a_plan(accepted, world, home_supervisor, role, status):
    client = token_client(roles(world, home_supervisor)[role])

    response = client.get(f"{API}/mobility/plans/{accepted.pk}")
    listed = body(client.get(f"{API}/mobility/plans"))

    assert response.status_code == status
    assert listed["count"] == (1 if status == 200 else 0)
    if status == 200:
        data = body(response)
        assert (data["route"]["key"], data["nationality"], data["days"]) == (
            "designated_activities_internship",
            "CA",
            123,
        )
        assert data["coverage_gaps"] == [{"first_day": "2027-05-01", "last_day": "2027-08-31"}]


def test_anonymous_callers_see_no_plan(accepted):
    assert Client().get(f"{API}/mobility/plans/{accepted.pk}").status_code == 401
    assert Client().get(f"{API}/mobility/plans").status_code == 401


@pytest.mark.parametrize(
    ("role", "status", "message"),
    [
        ("host", 200, None),
        ("officer", 200, None),
        ("intern", 422, "This step belongs to the host: only they or an officer mark it."),
        ("home", 422, "This step belongs to the host: only they or an officer mark it."),
        ("other_candidate", 404, "Not found."),
    ],
)
def test_who_marks_the_coe_step(accepted, world, home_supervisor, role, status, message):
    step = PlanStep.objects.get(key="coe_apply")
    client = token_client(roles(world, home_supervisor)[role])

    response = client.post(
        f"{API}/mobility/steps/{step.pk}/status",
        {"status": "done"},
        content_type="application/json",
    )

    step.refresh_from_db()
    assert response.status_code == status
    if status == 200:
        assert (body(response)["status"], step.status) == ("done", "done")
    else:
        assert body(response)["error"]["message"] == message
        assert step.status == "open"


def test_upload_against_a_step(accepted, world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    step = PlanStep.objects.get(key="coe_apply")
    client = token_client(world.supervisor)

    response = client.post(
        f"{API}/mobility/steps/{step.pk}/documents",
        {"file": SimpleUploadedFile("coe.pdf", PDF, content_type="application/pdf")},
    )
    missing = client.post(f"{API}/mobility/steps/{step.pk}/documents", {})

    assert response.status_code == 201
    assert body(response)["filename"] == "coe.pdf"
    assert (missing.status_code, body(missing)["error"]["fields"]) == (
        422,
        {"file": ["Send the PDF as the multipart field “file”."]},
    )


@pytest.mark.parametrize(
    ("role", "status"),
    [("intern", 201), ("officer", 201), ("host", 403), ("home", 403), ("other_candidate", 404)],
)
def test_who_records_insurance(accepted, world, home_supervisor, role, status):
    client = token_client(roles(world, home_supervisor)[role])

    response = client.post(
        f"{API}/mobility/plans/{accepted.pk}/coverages",
        {
            "kind": "private",
            "insurer": "Example Travel Insurance (invented)",
            "start_date": "2027-04-30",
            "end_date": "2027-08-31",
        },
        content_type="application/json",
    )

    assert response.status_code == status
    assert MobilityPlan.objects.get().coverages.count() == (1 if status == 201 else 0)


def test_bad_coverage_dates_are_a_422_naming_the_field(accepted, world):
    response = token_client(world.candidate).post(
        f"{API}/mobility/plans/{accepted.pk}/coverages",
        {"kind": "private", "insurer": "X", "start_date": "2027-06-01", "end_date": "2027-05-01"},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert body(response)["error"]["fields"] == {
        "end_date": ["The coverage ends before it starts."]
    }


def test_travel_contacts_and_check_in_through_the_api(accepted, world, home_supervisor):
    client = token_client(world.candidate)

    travel = client.put(
        f"{API}/mobility/plans/{accepted.pk}/travel",
        {"arrival_at": "2027-04-29T15:30:00", "departure_at": "2027-09-01T10:00:00+09:00"},
        content_type="application/json",
    )
    contact = client.post(
        f"{API}/mobility/plans/{accepted.pk}/contacts",
        {"name": "Sam Martin", "relation": "parent", "phone": "+1 604 555 0100"},
        content_type="application/json",
    )
    early = client.post(f"{API}/mobility/plans/{accepted.pk}/check-in")
    by_host = token_client(world.supervisor).post(f"{API}/mobility/plans/{accepted.pk}/check-in")

    assert travel.status_code == 200
    assert body(travel)["arrival_at"] == "2027-04-29T06:30:00Z"
    assert contact.status_code == 201
    assert (early.status_code, body(early)["error"]["message"]) == (
        422,
        "Check in when you arrive: from the day before the start.",
    )
    assert (by_host.status_code, body(by_host)["error"]["message"]) == (
        403,
        "Only the intern checks in.",
    )


@pytest.mark.parametrize(("role", "status"), [("officer", 200), ("intern", 403), ("host", 403)])
def test_only_officers_change_the_facts(accepted, world, home_supervisor, role, status):
    response = token_client(roles(world, home_supervisor)[role]).patch(
        f"{API}/mobility/plans/{accepted.pk}", {"paid": False}, content_type="application/json"
    )
    assert response.status_code == status
    expected = "cultural_activities" if status == 200 else "designated_activities_internship"
    assert MobilityPlan.objects.get().route_key == expected


@pytest.mark.parametrize(("role", "status"), [("officer", 200), ("intern", 403), ("host", 403)])
def test_at_risk_is_for_officers(accepted, world, home_supervisor, role, status):
    response = token_client(roles(world, home_supervisor)[role]).get(f"{API}/mobility/at-risk")
    assert response.status_code == status
    if status == 403:
        assert body(response)["error"]["message"] == "Only officers see internships at risk."


def _more_internships(world, published, count: int) -> None:
    """`count` more accepted offers of the published run, each on its own project."""
    for n in range(count):
        project = factories.ProjectFactory(call=world.call, key=f"extra-{n}", host=world.host)
        candidate = factories.candidate(user__username=f"extra-{n}", nationality="FR")
        offer = Offer.objects.create(
            run=published.run,
            candidate=candidate,
            project=project,
            deadline=published.offer.deadline,
            status="accepted",
        )
        internship_create_for_offer(offer=offer)


def test_plan_list_and_at_risk_queries_do_not_grow(
    accepted, world, published, django_assert_max_num_queries
):
    client = token_client(world.officer)
    with django_assert_max_num_queries(8) as one:
        assert body(client.get(f"{API}/mobility/plans"))["count"] == 1
    with django_assert_max_num_queries(12) as one_risk:
        client.get(f"{API}/mobility/at-risk")
    _more_internships(world, published, 2)
    with django_assert_max_num_queries(len(one)):
        assert body(client.get(f"{API}/mobility/plans"))["count"] == 3
    with django_assert_max_num_queries(len(one_risk)):
        client.get(f"{API}/mobility/at-risk")


def test_dates_outside_2000_2100_are_a_422_not_an_overflow(accepted, world):
    client = token_client(world.candidate)

    coverage = client.post(
        f"{API}/mobility/plans/{accepted.pk}/coverages",
        {"kind": "private", "insurer": "X", "start_date": "2027-05-01", "end_date": "9999-12-31"},
        content_type="application/json",
    )
    travel = client.put(
        f"{API}/mobility/plans/{accepted.pk}/travel",
        {"arrival_at": "0001-01-01T00:00:00Z"},
        content_type="application/json",
    )
    preview = client.post(
        f"{API}/mobility/routes",
        {
            "nationality": "CA",
            "region": "JP-26",
            "days": 30,
            "paid": False,
            "level": "phd",
            "start_date": "0001-01-01",
        },
        content_type="application/json",
    )

    assert (coverage.status_code, body(coverage)["error"]["fields"]) == (
        422,
        {"end_date": ["Give a date between 2000 and 2100."]},
    )
    assert (travel.status_code, body(travel)["error"]["fields"]) == (
        422,
        {"arrival_at": ["Give a date between 2000 and 2100."]},
    )
    assert preview.status_code == 422
    assert not MobilityPlan.objects.get().coverages.exists()


@pytest.mark.django_db
def test_rule_pack_list_queries_do_not_grow(django_assert_max_num_queries):
    rule_pack_import(text=(SHIPPED_PACKS / "jp.yaml").read_text(encoding="utf-8"))
    with django_assert_max_num_queries(3) as one:
        assert len(body(Client().get(f"{API}/mobility/rule-packs"))) == 1
    rule_pack_import(text=(SHIPPED_PACKS / "ca.yaml").read_text(encoding="utf-8"))
    with django_assert_max_num_queries(len(one)):
        assert len(body(Client().get(f"{API}/mobility/rule-packs"))) == 2
    with django_assert_max_num_queries(len(one)):
        assert Client().get("/mobility/rule-packs/").status_code == 200
