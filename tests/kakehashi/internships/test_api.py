"""/api/v1/internships: the same rules as the pages, one error shape."""

from __future__ import annotations

import pytest

from kakehashi.internships.models import Approval
from tests.kakehashi.api_helpers import API, body, error, token_client

from .conftest import approve_all, clear_security, complete_draft


@pytest.fixture
def named(iw):
    complete_draft(iw)
    return iw


def _url(iw, suffix=""):
    return f"{API}/internships/{iw.internship.pk}{suffix}"


@pytest.mark.parametrize(
    ("role", "parties"),
    [
        ("candidate", ["intern"]),
        ("supervisor", ["host_supervisor"]),
        ("home_supervisor", ["home_supervisor"]),
        ("signatory", ["partner_signatory"]),
        ("org_admin", []),
        ("officer", ["officer"]),
    ],
)
def test_detail_for_each_role(named, role, parties):
    response = token_client(getattr(named, role)).get(_url(named))
    assert response.status_code == 200
    data = body(response)
    assert (data["id"], data["status"], data["agreement_status"], data["your_parties"]) == (
        named.internship.pk,
        "planned",
        "draft",
        parties,
    )


@pytest.mark.parametrize("role", ["other_candidate", "other_supervisor"])
def test_others_get_404(named, role):
    response = token_client(getattr(named, role)).get(_url(named))
    assert response.status_code == 404
    assert body(response)["error"]["code"] == "not_found"


def test_anonymous_gets_401(named):
    from django.test import Client

    assert Client().get(f"{API}/internships").status_code == 401


def _more_internships(iw, n):
    """`n` more internships (of the world's third and fourth candidates), each with a
    copy of the agreement: enough rows to see whether a list's queries grow."""
    from kakehashi.internships.models import Agreement, Internship
    from kakehashi.offers.models import Offer

    base = Internship.objects.get(pk=iw.internship.pk)
    for candidate in (iw.third, iw.fourth)[:n]:
        offer = Offer.objects.get(pk=base.offer_id)
        offer.pk = None
        offer.candidate = candidate
        offer.project = iw.other_project
        offer.save()
        clone = Internship.objects.get(pk=base.pk)
        clone.pk = None
        clone.offer = offer
        clone.intern = candidate
        clone.save()
        agreement = Agreement.objects.get(internship=base)
        agreement.pk = None
        agreement.internship = clone
        agreement.save()


def test_list_queries_do_not_grow(named, django_assert_num_queries):
    counts = []
    client = token_client(named.officer)
    for rows in (1, 3):
        if rows == 3:
            _more_internships(named, 2)
        # A page shorter than the limit is the whole list: no COUNT.
        with django_assert_num_queries(counts[0] if counts else 3) as ctx:
            response = client.get(f"{API}/internships")
        assert body(response)["count"] == rows
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]


def test_agreement_shows_blockers_then_each_party_approves(named):
    data = body(token_client(named.candidate).get(_url(named, "/agreement")))
    assert data["blockers"] == [
        "An officer has not decided whether the project is in a sensitive technology "
        "research area.",
        "The host has not recorded its export-control screening of the intern.",
    ]
    assert [a["party"] for a in data["approvals"]] == [
        "intern",
        "host_supervisor",
        "home_supervisor",
        "partner_signatory",
        "officer",
    ]
    response = token_client(named.candidate).post(
        _url(named, "/agreement/approve"), {}, content_type="application/json"
    )
    assert response.status_code == 422
    assert body(response)["error"]["code"] == "blocked"
    clear_security(named)
    for role in ("candidate", "supervisor", "home_supervisor", "signatory", "officer"):
        response = token_client(getattr(named, role)).post(
            _url(named, "/agreement/approve"), {}, content_type="application/json"
        )
        assert response.status_code == 200, body(response)
    assert body(response)["status"] == "in_force"
    assert Approval.objects.count() == 5


def test_a_non_party_who_sees_the_internship_gets_403(named):
    clear_security(named)
    response = token_client(named.org_admin).post(
        _url(named, "/agreement/approve"), {}, content_type="application/json"
    )
    assert (response.status_code, body(response)) == (
        403,
        error(403, "forbidden", "Only the parties of the agreement do this."),
    )
    assert not Approval.objects.exists()


def test_approving_as_a_party_one_is_not_is_422(named):
    clear_security(named)
    response = token_client(named.candidate).post(
        _url(named, "/agreement/approve"), {"party": "officer"}, content_type="application/json"
    )
    assert response.status_code == 422
    assert (
        body(response)["error"]["message"] == "You are not the Program officer of this agreement."
    )


def test_patch_the_draft(named):
    response = token_client(named.supervisor).patch(
        _url(named, "/agreement"), {"plan_host": "更新。"}, content_type="application/json"
    )
    assert response.status_code == 200
    assert body(response)["plan_host"] == "更新。"
    response = token_client(named.supervisor).patch(
        _url(named, "/agreement"), {"plan_host": "更新。"}, content_type="application/json"
    )
    assert (response.status_code, body(response)["error"]["code"]) == (422, "unchanged")


def test_amendments_through_the_api(named):
    clear_security(named)
    approve_all(named)
    client = token_client(named.candidate)
    bad = client.post(
        _url(named, "/amendments"),
        {"kind": "early_end", "ended_on": "2028-01-01", "reason": "r"},
        content_type="application/json",
    )
    assert (bad.status_code, body(bad)["error"]["code"], list(body(bad)["error"]["fields"])) == (
        422,
        "outside",
        ["ended_on"],
    )
    created = client.post(
        _url(named, "/amendments"),
        {"kind": "early_end", "ended_on": "2027-07-15", "reason": "Family reasons."},
        content_type="application/json",
    )
    assert created.status_code == 201
    assert body(created)["changes"] == {"ended_on": [None, "2027-07-15"]}
    for role in ("candidate", "supervisor", "home_supervisor", "signatory", "officer"):
        response = token_client(getattr(named, role)).post(
            _url(named, "/amendments/1/approve"), {}, content_type="application/json"
        )
        assert response.status_code == 200, body(response)
    assert body(response)["status"] == "approved"
    detail = body(client.get(_url(named)))
    assert (detail["status"], detail["ended_on"]) == ("ended_early", "2027-07-15")
    listed = body(client.get(_url(named, "/amendments")))
    assert [a["number"] for a in listed["items"]] == [1]


def test_attest_and_screen_through_the_api(named):
    import datetime as dt

    from kakehashi.internships.security import security_list_import, sensitivity_set

    from .conftest import AREAS_CSV, ORGANISATIONS_CSV

    security_list_import(
        kind="areas",
        data=AREAS_CSV,
        source="t",
        published_on=dt.date(2026, 1, 1),
        actor=named.officer,
    )
    security_list_import(
        kind="organisations",
        data=ORGANISATIONS_CSV,
        source="t",
        published_on=dt.date(2026, 1, 1),
        actor=named.officer,
    )
    sensitivity_set(
        internship=named.internship, actor=named.officer, sensitivity="sensitive", area_code="Q1"
    )
    response = token_client(named.candidate).post(_url(named, "/attestations"))
    assert response.status_code == 201
    attested = {a["person"]["name"]: a["list_version"] for a in body(response)["attestations"]}
    assert attested == {"Alex Martin": 1, "Hana Sato": None, "Marie Tremblay": None}
    again = token_client(named.candidate).post(_url(named, "/attestations"))
    assert (again.status_code, body(again)["error"]["code"]) == (422, "already_attested")
    refused = token_client(named.signatory).post(_url(named, "/attestations"))
    assert refused.status_code == 403
    screened = token_client(named.org_admin).post(
        _url(named, "/screenings"),
        {"outcome": "cleared", "screened_on": "2026-12-01", "reference": "EC-1"},
        content_type="application/json",
    )
    assert (screened.status_code, body(screened)["screening_outcome"]) == (201, "cleared")
    assert (
        token_client(named.candidate)
        .post(
            _url(named, "/screenings"),
            {"outcome": "cleared", "screened_on": "2026-12-01"},
            content_type="application/json",
        )
        .status_code
        == 403
    )
