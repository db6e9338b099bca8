"""Funding through the real browser: the officer's budgets, the intern's payment
schedule, the partner's invoice in Japanese (screenshots under artifacts/screenshots/)."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from kakehashi.funding import services
from kakehashi.funding.models import Invoice, Payment
from kakehashi.people.models import Affiliation
from tests import factories
from tests.kakehashi.funding.conftest import (  # noqa: F401  (fixtures reused by name)
    before_deadline,
    funding,
    published,
    rate,
    world,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

DAY = dt.date(2027, 3, 1)


def test_budgets_schedule_and_invoice(
    funding,  # noqa: F811
    page,
    new_page,
    login,
    screenshot,
    axe_check,
):
    rate(DAY)
    services.commitment_create(internship=funding.internship, actor=funding.officer, on=DAY)
    services.payment_record(
        payment=Payment.objects.order_by("due_on").first(), actor=funding.officer, on=DAY
    )
    admin = factories.UserFactory(username="partner-admin")
    Affiliation.objects.create(person=admin, organisation=funding.partner, role="admin")

    login(funding.officer.username)
    page.get_by_role("link", name="Budgets").click()
    expect(page.locator("h1")).to_have_text("Budgets")
    expect(page.locator("table.budget-table tbody tr")).to_have_count(1)
    expect(page.locator("table.budget-table tbody tr td").nth(8)).to_have_text("CAD 92,500.00")
    axe_check(page)
    screenshot("funding-budgets")

    page.goto(f"/funding/internships/{funding.internship.pk}/")
    expect(page.get_by_role("button", name="Record as paid")).to_have_count(3)
    axe_check(page)
    screenshot("funding-internship-officer")

    partner = new_page("ja-JP")
    partner.goto("/accounts/login/")
    partner.fill("#id_username", "partner-admin")
    partner.fill("#id_password", "kakehashi")
    partner.click("main button[type=submit]")
    partner.wait_for_url("**/")
    invoice = Invoice.objects.get()
    partner.goto(f"/funding/invoices/{invoice.pk}/")
    expect(partner.locator("article.invoice h1")).to_have_text(f"請求書 {invoice.number}")
    expect(partner.locator("article.invoice")).to_contain_text("JPY 806,452")
    expect(partner.locator("article.invoice")).to_contain_text("FXJPYCAD 0.0093")
    axe_check(partner)
    screenshot("funding-invoice-ja", partner)
