"""Funding's pages for every role: budgets (charts, CSV, XLSX), rates and their import,
invoices (printable in the partner's language, PDF), payments, an internship's funding."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from kakehashi.funding import services
from kakehashi.funding.models import Budget, ExchangeRate, Invoice, Payment
from kakehashi.funding.money import Money
from kakehashi.people.models import Affiliation
from tests import factories
from tests.kakehashi.api_helpers import session_client
from tests.kakehashi.funding.conftest import rate
from tests.kakehashi.funding.test_api import BOC

DAY = dt.date(2027, 3, 1)


@pytest.fixture
def committed(funding):
    rate(DAY)
    services.commitment_create(internship=funding.internship, actor=funding.officer, on=DAY)
    return funding


@pytest.fixture
def partner_admin(funding):
    admin = factories.UserFactory(username="partner-admin")
    Affiliation.objects.create(person=admin, organisation=funding.partner, role="admin")
    return admin


def test_the_officers_budget_page_shows_the_numbers_and_a_chart(committed):
    page = session_client(committed.officer).get(reverse("funding:budgets"))
    html = page.content.decode()
    assert page.status_code == 200
    for text in ("CAD 100,000.00", "CAD 7,500.00", "CAD 92,500.00", "<svg", "FY2027"):
        assert text in html, text


def test_budget_exports(committed):
    client = session_client(committed.officer)
    csv = client.get(reverse("funding:budget_export", args=["csv"])).content.decode()
    assert csv.splitlines()[0] == (
        "funder,program,direction,fiscal_year,currency,budget,committed,invoiced,paid,remaining"
    )
    xlsx = client.get(reverse("funding:budget_export", args=["xlsx"]))
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert [c.value for c in sheet[2]][:4] == [
        "MITACS",
        committed.internship.program.slug,
        "CA_JP",
        2027,
    ]
    assert float(sheet[2][9].value) == 92500.0


@pytest.mark.parametrize("who", ["intern", "partner_admin", "stranger"])
def test_officer_pages_are_404_for_everyone_else(committed, who, request):
    user = (
        committed.intern
        if who == "intern"
        else factories.UserFactory(username="x")
        if who == "stranger"
        else request.getfixturevalue(who)
    )
    client = session_client(user)
    for url in (
        reverse("funding:budgets"),
        reverse("funding:budget_export", args=["csv"]),
        reverse("funding:rates"),
    ):
        assert client.get(url).status_code == 404, url


def test_anonymous_visitors_are_sent_to_sign_in(committed, client):
    response = client.get(reverse("funding:budgets"))
    assert response.status_code == 404 or response.status_code == 302


def test_an_officer_imports_rates_and_a_bad_file_changes_nothing(funding):
    client = session_client(funding.officer)
    upload = io.BytesIO(BOC.encode())
    upload.name = "fx.csv"
    response = client.post(reverse("funding:rates"), {"file": upload})
    assert response.status_code == 302
    assert ExchangeRate.objects.count() == 2
    bad = io.BytesIO(BOC.replace("0.009305", "abc").replace("2027-01-04", "2027-02-04").encode())
    bad.name = "bad.csv"
    response = client.post(reverse("funding:rates"), {"file": bad})
    assert response.status_code == 422
    assert "“abc” is not a positive rate." in response.content.decode()
    assert ExchangeRate.objects.count() == 2


def test_the_invoice_page_is_in_the_partners_language_and_says_its_rate(committed, partner_admin):
    invoice = Invoice.objects.get()
    html = (
        session_client(partner_admin)
        .get(reverse("funding:invoice", args=[invoice.pk]))
        .content.decode()
    )
    assert invoice.number in html
    assert "JPY 806,452" in html
    assert "CAD 7,500.00" in html
    assert "FXJPYCAD 0.0093" in html and "2027-03-01" in html
    assert 'lang="ja"' in html
    pdf = session_client(partner_admin).get(reverse("funding:invoice_pdf", args=[invoice.pk]))
    assert pdf.content.startswith(b"%PDF")
    stranger = session_client(factories.UserFactory(username="y"))
    assert stranger.get(reverse("funding:invoice", args=[invoice.pk])).status_code == 404
    assert (
        session_client(committed.intern)
        .get(reverse("funding:invoice", args=[invoice.pk]))
        .status_code
        == 404
    )


def test_without_the_font_the_pdf_is_refused_with_a_message(committed, settings):
    settings.KAKEHASHI_PDF_FONT = "/nonexistent/font.ttf"
    invoice = Invoice.objects.get()
    client = session_client(committed.officer)
    response = client.get(reverse("funding:invoice_pdf", args=[invoice.pk]), follow=True)
    assert "The PDF needs the IPA Gothic font" in response.content.decode()


def test_the_intern_sees_their_schedule_and_ledger_and_an_officer_records_a_payment(committed):
    url = reverse("funding:internship", args=[committed.internship.pk])
    html = session_client(committed.intern).get(url).content.decode()
    assert "CAD 3,750.00" in html and "Record as paid" not in html
    officer = session_client(committed.officer)
    assert "Record as paid" in officer.get(url).content.decode()
    payment = Payment.objects.order_by("due_on").first()
    response = officer.post(reverse("funding:pay", args=[payment.pk]))
    assert response.status_code == 302
    payment.refresh_from_db()
    assert payment.status == "paid"
    assert (
        session_client(committed.intern).post(reverse("funding:pay", args=[payment.pk])).status_code
        == 404
    )
    other = session_client(factories.UserFactory(username="z"))
    assert other.get(url).status_code == 404


def _grow_same(client, url, grow):
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    grow()
    with CaptureQueriesContext(connection) as three:
        client.get(url)
    assert len(three.captured_queries) == len(one.captured_queries), url


def test_list_pages_queries_do_not_grow(committed):
    officer = session_client(committed.officer)

    def invoices():
        for _ in range(2):
            services.invoice_issue(
                internship=committed.internship,
                funder=committed.funder,
                share=Money("100.00", "CAD"),
                on=DAY,
            )

    _grow_same(officer, reverse("funding:invoices"), invoices)

    def payments():
        for day in (2, 3):
            Payment.objects.create(
                internship=committed.internship,
                funder=committed.funder,
                label="x",
                due_on=dt.date(2027, 5, day),
                amount=1,
                currency="CAD",
            )

    _grow_same(session_client(committed.intern), reverse("funding:payments"), payments)
    _grow_same(
        officer,
        reverse("funding:internship", args=[committed.internship.pk]),
        lambda: [
            services.payment_record(payment=p, actor=committed.officer, on=DAY)
            for p in Payment.objects.filter(status="scheduled").order_by("id")[:2]
        ],
    )

    def more_budgets():
        for year in (2028, 2029):
            Budget.objects.create(
                funder=committed.funder,
                program=committed.internship.program,
                direction="CA_JP",
                fiscal_year=year,
                currency="CAD",
                amount=1,
            )

    _grow_same(officer, reverse("funding:budgets"), more_budgets)
    _grow_same(
        officer,
        reverse("funding:rates"),
        lambda: [rate(DAY + dt.timedelta(days=d)) for d in (1, 2)],
    )
