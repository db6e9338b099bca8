"""Pages: the checklist per role, htmx step rows, the officer's at-risk page, the rule
packs page, the internship page's panel; in English, French and Japanese."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from kakehashi.internships.models import Internship
from kakehashi.internships.signals import internship_page
from kakehashi.mobility import views
from kakehashi.mobility.models import MobilityPlan, PlanStep
from tests import factories
from tests.kakehashi.api_helpers import session_client
from tests.kakehashi.mobility.test_api import _more_internships


@pytest.fixture
def people(world, accepted):
    home = factories.UserFactory(username="homesup")
    accepted.home_supervisor = home
    accepted.save()
    return {
        "intern": world.candidate,
        "host": world.supervisor,
        "home": home,
        "officer": world.officer,
        "other_candidate": world.other_candidate,
        "other_supervisor": world.other_supervisor,
    }


def url(internship) -> str:
    return f"/mobility/internships/{internship.pk}/"


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
def test_who_sees_the_checklist(accepted, people, role, status):
    response = session_client(people[role]).get(url(accepted))

    assert response.status_code == status
    if status == 200:
        text = response.content.decode()
        assert "Designated Activities (internship)" in text
        assert "Information, not immigration advice" in text
        assert "Rule pack JP, version 2, last reviewed on" in text
        assert "https://www.moj.go.jp/isa/applications/procedures/index.html" in text
        assert "Insurance must cover the whole stay. Not covered:" in text


def test_anonymous_visitors_are_sent_to_sign_in(accepted):
    response = Client().get(url(accepted))
    assert (response.status_code, response["Location"].startswith("/accounts/login/")) == (
        302,
        True,
    )


def test_only_the_owner_sees_the_mark_done_button(accepted, people):
    coe = PlanStep.objects.get(key="coe_apply")
    intern_page = session_client(people["intern"]).get(url(accepted)).content.decode()
    host_page = session_client(people["host"]).get(url(accepted)).content.decode()
    action = f'action="/mobility/steps/{coe.pk}/status/"'
    assert action not in intern_page
    assert action in host_page


def test_htmx_marks_a_step_and_answers_its_row(accepted, people):
    coe = PlanStep.objects.get(key="coe_apply")

    response = session_client(people["host"]).post(
        f"/mobility/steps/{coe.pk}/status/", {"status": "done"}, headers={"HX-Request": "true"}
    )

    text = response.content.decode()
    assert response.status_code == 200
    assert text.strip().startswith(f'<tr id="step-{coe.pk}"')
    assert "Open again" in text
    assert PlanStep.objects.get(pk=coe.pk).status == "done"


def test_htmx_refusal_is_shown_in_the_row_and_nothing_changes(accepted, people):
    coe = PlanStep.objects.get(key="coe_apply")

    response = session_client(people["intern"]).post(
        f"/mobility/steps/{coe.pk}/status/", {"status": "done"}, headers={"HX-Request": "true"}
    )

    assert response.status_code == 422
    assert "This step belongs to the host: only they or an officer mark it." in (
        response.content.decode()
    )
    assert PlanStep.objects.get(pk=coe.pk).status == "open"


def test_the_intern_records_insurance_and_sees_the_gap_close(accepted, people):
    client = session_client(people["intern"])

    response = client.post(
        f"{url(accepted)}insurance/",
        {
            "kind": "private",
            "insurer": "Example Travel Insurance (invented)",
            "start_date": "2027-05-01",
            "end_date": "2027-08-31",
        },
    )

    assert response.status_code == 302
    assert "The whole stay is covered." in client.get(url(accepted)).content.decode()


def test_a_bad_coverage_keeps_the_form_with_its_error(accepted, people):
    response = session_client(people["intern"]).post(
        f"{url(accepted)}insurance/",
        {"kind": "private", "insurer": "X", "start_date": "2027-06-01", "end_date": "2027-05-01"},
    )
    assert response.status_code == 422
    assert "The coverage ends before it starts." in response.content.decode()
    assert not MobilityPlan.objects.get().coverages.exists()


def test_travel_is_entered_in_the_destinations_time(accepted, people):
    response = session_client(people["intern"]).post(
        f"{url(accepted)}travel/",
        {"arrival_at": "2027-04-29T15:30", "departure_at": "2027-09-01T10:00", "notes": "JL 17"},
    )

    plan = MobilityPlan.objects.get()
    assert response.status_code == 302
    assert plan.arrival_at == dt.datetime(2027, 4, 29, 6, 30, tzinfo=dt.UTC)
    assert plan.travel_notes == "JL 17"


@pytest.mark.parametrize("role", ["host", "home", "other_candidate"])
def test_others_do_not_change_travel(accepted, people, role):
    response = session_client(people[role]).post(
        f"{url(accepted)}travel/", {"arrival_at": "2027-04-29T15:30"}
    )
    assert response.status_code == 404
    assert MobilityPlan.objects.get().arrival_at is None


def test_officer_derives_again_from_the_page(accepted, people):
    response = session_client(people["officer"]).post(
        f"{url(accepted)}facts/", {"paid": "false", "nationality": "CA"}
    )
    assert response.status_code == 302
    assert MobilityPlan.objects.get().route_key == "cultural_activities"
    refused = session_client(people["intern"]).post(
        f"{url(accepted)}facts/", {"paid": "true", "nationality": "CA"}
    )
    assert refused.status_code == 404


@pytest.mark.parametrize(
    ("role", "status"), [("officer", 200), ("intern", 404), ("host", 404), ("home", 404)]
)
def test_at_risk_page_is_for_officers(accepted, people, role, status):
    response = session_client(people[role]).get("/mobility/at-risk/")
    assert response.status_code == status


def test_rule_packs_page_is_public(packs):
    response = Client().get("/mobility/rule-packs/")
    text = response.content.decode()
    assert response.status_code == 200
    assert "Temporary Visitor (visa-exempt)" in text
    assert "Short-term researcher (no work permit)" in text


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "Designated Activities (internship)"),
        ("fr", "Activités désignées (stage)"),
        ("ja", "特定活動（インターンシップ）"),
    ],
)
def test_checklist_in_three_languages(accepted, people, language, expected):
    client = session_client(people["intern"])
    response = client.get(url(accepted), headers={"Accept-Language": language})
    assert response.status_code == 200
    assert expected in response.content.decode()


def test_the_internship_page_gets_the_panel(accepted, people):
    answers = internship_page.send(sender=Internship, internship=accepted, user=people["host"])
    # Other apps (funding, outcomes) add their own panels: this test reads mobility's.
    (panel,) = [
        p
        for _receiver, panels in answers
        if panels
        for p in panels
        if p["template"].startswith("mobility/")
    ]
    assert (panel["order"], panel["template"]) == (30, "mobility/_panel.html")
    assert panel["context"]["route"]["key"] == "designated_activities_internship"
    assert (panel["context"]["done"], panel["context"]["total"]) == (0, 11)
    hidden = internship_page.send(
        sender=Internship, internship=accepted, user=people["other_candidate"]
    )
    assert [
        p for _receiver, panels in hidden if panels for p in panels
        if p["template"].startswith("mobility/")
    ] == []  # fmt: skip


def test_at_risk_page_queries_do_not_grow(
    accepted, world, published, people, monkeypatch, django_assert_max_num_queries
):
    # 2027-02-15: the Certificate of Eligibility is late for every internship.
    monkeypatch.setattr(views.timezone, "localdate", lambda: dt.date(2027, 2, 15))
    client = session_client(people["officer"])
    with django_assert_max_num_queries(20) as one:
        assert client.get("/mobility/at-risk/").status_code == 200
    _more_internships(world, published, 2)

    with django_assert_max_num_queries(len(one)):
        response = client.get("/mobility/at-risk/")

    assert response.content.decode().count('href="/mobility/internships/') == 3
