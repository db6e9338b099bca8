"""The internship pages: who sees them, what they show, forms that refuse clearly."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from kakehashi.internships.models import Approval

from .conftest import approve_all, clear_security, complete_draft

ROLES_SEEING = ("candidate", "supervisor", "home_supervisor", "signatory", "org_admin", "officer")
ROLES_NOT_SEEING = ("other_candidate", "other_supervisor")


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _detail(iw):
    return reverse("internships:detail", args=[iw.internship.pk])


@pytest.fixture
def named(iw):
    complete_draft(iw)
    return iw


@pytest.mark.parametrize("role", ROLES_SEEING)
def test_parties_admins_and_officers_see_the_page(named, role):
    response = _client(getattr(named, role)).get(_detail(named))
    assert response.status_code == 200
    assert "Internship of Alex Martin" in response.content.decode()


@pytest.mark.parametrize("role", ROLES_NOT_SEEING)
def test_others_get_404(named, role):
    assert _client(getattr(named, role)).get(_detail(named)).status_code == 404


def test_anonymous_is_sent_to_sign_in(named):
    response = Client().get(_detail(named))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/") or "login" in response["Location"]


def test_page_shows_parties_plan_side_by_side_budget_and_history(named):
    html = _client(named.candidate).get(_detail(named)).content.decode()
    assert 'lang="en"' in html and "Decode EEG with transformers." in html
    assert 'lang="ja"' in html and "脳波をトランスフォーマーで解読する。" in html
    assert "The budget is set by the funders." in html
    assert "Marie Tremblay" in html and "Rin Kato" in html
    assert "Agreement drafted from the program&#x27;s template" in html
    assert "Approve as Intern" not in html  # blocked: research security not done
    assert "An officer has not decided whether the project is in a sensitive" in html


def test_each_party_sees_its_own_approve_button(named):
    clear_security(named)
    expected = {
        "candidate": "Approve as Intern",
        "supervisor": "Approve as Host supervisor",
        "home_supervisor": "Approve as Home supervisor",
        "signatory": "Approve as Partner&#x27;s signatory",
        "officer": "Approve as Program officer",
    }
    for role, button in expected.items():
        html = _client(getattr(named, role)).get(_detail(named)).content.decode()
        assert html.count("Approve as ") == 1, role
        assert button in html, role
    assert "Approve as" not in _client(named.org_admin).get(_detail(named)).content.decode()


def test_approving_with_htmx_answers_the_agreement_box(named):
    clear_security(named)
    response = _client(named.candidate).post(
        reverse("internships:agreement_approve", args=[named.internship.pk]),
        {"party": "intern"},
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<section class="card" id="agreement"')
    assert "Approved by Alex Martin" in html
    assert Approval.objects.get().party == "intern"


def test_a_non_party_posting_an_approval_gets_404_and_nothing_changes(named):
    clear_security(named)
    url = reverse("internships:agreement_approve", args=[named.internship.pk])
    assert _client(named.org_admin).post(url).status_code == 404
    assert _client(named.other_supervisor).post(url).status_code == 404
    assert not Approval.objects.exists()


def test_a_blocked_approval_says_why(iw):
    response = _client(iw.candidate).post(
        reverse("internships:agreement_approve", args=[iw.internship.pk]), follow=True
    )
    assert "The agreement cannot be approved yet:" in response.content.decode()
    assert not Approval.objects.exists()


def test_an_amendment_with_dates_outside_is_refused_on_the_form(named):
    clear_security(named)
    approve_all(named)
    response = _client(named.candidate).post(
        reverse("internships:amendment_add", args=[named.internship.pk]),
        {"kind": "early_end", "ended_on": "2028-01-01", "reason": "r"},
    )
    assert response.status_code == 400
    assert "The last day must fall within the internship" in response.content.decode()
    assert not named.agreement.amendments.exists()


def test_an_amendment_is_proposed_and_approved_on_the_page(named):
    """The approve and withdraw URLs carry the amendment's number beside the internship's:
    the permission check must still find the internship (it answered 500 before)."""
    clear_security(named)
    approve_all(named)
    ended_on = named.internship.start_date + dt.timedelta(days=30)
    _client(named.candidate).post(
        reverse("internships:amendment_add", args=[named.internship.pk]),
        {"kind": "early_end", "ended_on": ended_on.isoformat(), "reason": "r"},
    )
    amendment = named.agreement.amendments.get()
    response = _client(named.candidate).post(
        reverse("internships:amendment_approve", args=[named.internship.pk, amendment.number]),
        {"party": "intern"},
    )
    assert response.status_code == 302
    assert amendment.approvals.get().party == "intern"
    response = _client(named.candidate).post(
        reverse("internships:amendment_withdraw", args=[named.internship.pk, amendment.number])
    )
    assert response.status_code == 302
    amendment.refresh_from_db()
    assert amendment.status == "withdrawn"


def test_the_draft_form_saves_a_new_version(named):
    response = _client(named.supervisor).post(
        reverse("internships:agreement_edit", args=[named.internship.pk]),
        {
            "plan_intern": "Decode EEG with transformers.",
            "plan_host": "新しい計画。",
            "start_date": "2027-05-01",
            "end_date": "2027-08-31",
            "ip_option": "shared",
        },
    )
    assert response.status_code == 302
    named.agreement.refresh_from_db()
    assert (named.agreement.plan_host, named.agreement.version) == ("新しい計画。", 5)


def test_officer_records_sensitivity_and_researchers_attest(named):
    from kakehashi.internships.security import security_list_import

    from .conftest import AREAS_CSV, ORGANISATIONS_CSV

    for kind, data in (("areas", AREAS_CSV), ("organisations", ORGANISATIONS_CSV)):
        security_list_import(
            kind=kind, data=data, source="t", published_on=dt.date(2026, 1, 1), actor=named.officer
        )
    url = reverse("internships:sensitivity", args=[named.internship.pk])
    assert (
        _client(named.officer).post(url, {"sensitivity": "sensitive", "area": "Q1"}).status_code
        == 302
    )
    html = _client(named.candidate).get(_detail(named)).content.decode()
    assert "Alex Martin: not attested yet" in html and "I attest" in html
    assert (
        _client(named.candidate)
        .post(reverse("internships:attest", args=[named.internship.pk]))
        .status_code
        == 302
    )
    assert (
        "Alex Martin attested on" in _client(named.candidate).get(_detail(named)).content.decode()
    )
    # Not an officer: not found.
    assert _client(named.candidate).post(url, {"sensitivity": "not_sensitive"}).status_code == 404


def test_page_in_french_and_japanese(named):
    for language, text in (("fr", "Entente"), ("ja", "協定")):
        client = _client(named.candidate)
        html = client.get(_detail(named), headers={"Accept-Language": language}).content.decode()
        assert f'<html lang="{language}">' in html
        assert f'<h2 id="agreement-title">{text}</h2>' in html


@pytest.mark.parametrize("role", ["candidate", "supervisor", "officer", "other_candidate"])
def test_my_internships(named, role, django_assert_max_num_queries):
    with django_assert_max_num_queries(30):
        response = _client(getattr(named, role)).get(reverse("internships:list"))
    html = response.content.decode()
    assert response.status_code == 200
    assert ("Alex Martin" in html) is (role != "other_candidate")


def test_officer_filters_the_list(named):
    client = _client(named.officer)
    assert (
        "Alex Martin"
        in client.get(reverse("internships:list"), {"status": "planned"}).content.decode()
    )
    assert (
        "Alex Martin"
        not in client.get(reverse("internships:list"), {"status": "active"}).content.decode()
    )


def test_the_accepted_offer_links_to_the_internship(named):
    html = _client(named.candidate).get(reverse("offers:mine")).content.decode()
    assert reverse("internships:detail", args=[named.internship.pk]) in html


def test_home_card(named):
    html = _client(named.candidate).get(reverse("programs:home")).content.decode()
    assert "My internships" in html


def test_security_lists_page_imports_a_file(iw):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from .conftest import ORGANISATIONS_CSV

    client = _client(iw.officer)
    response = client.post(
        reverse("internships:security_lists"),
        {
            "kind": "organisations",
            "source": "Invented sample",
            "published_on": "2026-01-01",
            "invented": "on",
            "file": SimpleUploadedFile("orgs.csv", ORGANISATIONS_CSV.encode(), "text/csv"),
        },
    )
    assert response.status_code == 302
    html = client.get(reverse("internships:security_lists")).content.decode()
    assert "Invented Institute of Examples" in html
    bad = client.post(
        reverse("internships:security_lists"),
        {
            "kind": "organisations",
            "source": "x",
            "published_on": "2026-01-01",
            "file": SimpleUploadedFile("orgs.csv", b"name,country\n,JP\n", "text/csv"),
        },
    )
    assert bad.status_code == 400
    assert "row 2" in bad.content.decode()
    assert _client(iw.candidate).get(reverse("internships:security_lists")).status_code == 404


@pytest.mark.parametrize(("role", "queries"), [("officer", 6), ("org_admin", 7)])
def test_list_page_queries_do_not_grow(named, role, queries, django_assert_num_queries):
    from .test_api import _more_internships

    client = _client(getattr(named, role))
    client.get(reverse("internships:list"))  # the session's first request loads more
    counts = []
    for rows in (1, 3):
        if rows == 3:
            _more_internships(named, 2)
        with django_assert_num_queries(counts[0] if counts else queries) as ctx:
            html = client.get(reverse("internships:list")).content.decode()
        assert html.count('href="/internships/') - html.count('href="/internships/research') == rows
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]
