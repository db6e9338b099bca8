"""Rate lookups (the day's, or the last business day's within 5 days; both ways), the
partner's language and currency, and the admin where officers edit rules."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from kakehashi.funding.models import Entry, FundingRule
from kakehashi.funding.money import Money
from kakehashi.funding.services import commitment_create, convert, partner_terms
from tests import factories
from tests.kakehashi.funding.conftest import rate

FRIDAY = dt.date(2027, 1, 8)


@pytest.mark.django_db
def test_dollars_to_yen_divide_and_yen_to_dollars_multiply_by_fxjpycad():
    used = rate(FRIDAY, "0.0093")
    assert convert(Money("7500.00", "CAD"), "JPY", on=FRIDAY) == (Money("806452", "JPY"), used)
    assert convert(Money("806452", "JPY"), "CAD", on=FRIDAY) == (Money("7500.00", "CAD"), used)
    assert convert(Money("10.00", "CAD"), "CAD", on=FRIDAY) == (Money("10.00", "CAD"), None)


@pytest.mark.django_db
def test_a_weekend_uses_fridays_rate_and_says_so():
    friday = rate(FRIDAY, "0.0093")
    rate(FRIDAY - dt.timedelta(days=1), "0.0100")
    _converted, used = convert(Money("100.00", "CAD"), "JPY", on=FRIDAY + dt.timedelta(days=2))
    assert (used, used.date, used.series) == (friday, FRIDAY, "FXJPYCAD")


@pytest.mark.django_db
def test_a_rate_older_than_five_days_is_refused():
    rate(FRIDAY, "0.0093")
    assert convert(Money("1.00", "CAD"), "JPY", on=FRIDAY + dt.timedelta(days=5))[1] is not None
    with pytest.raises(ValidationError) as exc:
        convert(Money("1.00", "CAD"), "JPY", on=FRIDAY + dt.timedelta(days=6))
    assert exc.value.messages == [
        "No exchange rate from CAD to JPY for 2027-01-14 (nor the 5 days before): import the "
        "Bank of Canada's rates for that date first. The last known rate is of 2027-01-08."
    ]


@pytest.mark.django_db
def test_no_rate_at_all_says_only_what_is_missing():
    with pytest.raises(ValidationError) as exc:
        convert(Money("1", "JPY"), "CAD", on=FRIDAY)
    assert exc.value.messages == [
        "No exchange rate from JPY to CAD for 2027-01-08 (nor the 5 days before): import the "
        "Bank of Canada's rates for that date first."
    ]


@pytest.mark.django_db
def test_a_partner_is_invoiced_in_its_countrys_currency_and_language():
    assert partner_terms(factories.OrganisationFactory()) == ("ja", "JPY")
    assert partner_terms(factories.CanadianOrganisationFactory()) == ("en", "CAD")
    quebec = factories.CanadianOrganisationFactory(region="CA-QC", city="Montréal")
    assert partner_terms(quebec) == ("fr", "CAD")


@pytest.fixture
def superuser_client(client):
    client.force_login(factories.UserFactory(is_staff=True, is_superuser=True))
    return client


def test_the_admin_refuses_a_yen_rule_with_decimals(funding, superuser_client):
    form = {
        "program": str(funding.internship.program_id),
        "funder": str(funding.funder.pk),
        "direction": "JP_CA",
        "kind": "stipend",
        "label": "",
        "currency": "JPY",
        "amount": "200000.50",
        "partner_contribution": "0",
        "unit_months_min": "4",
        "unit_months_max": "6",
        "source": "Invented",
        "review_date": "2026-12-01",
    }
    response = superuser_client.post(reverse("admin:funding_fundingrule_add"), form)
    assert response.status_code == 200
    assert "JPY has no decimals: 200000.50 cannot be paid in JPY." in response.content.decode()
    assert FundingRule.objects.count() == 1
    form["amount"] = "200000"
    response = superuser_client.post(reverse("admin:funding_fundingrule_add"), form)
    assert response.status_code == 302
    assert FundingRule.objects.get(direction="JP_CA").amount == Decimal("200000")


def test_the_ledger_is_read_only_in_the_admin(funding, superuser_client):
    rate(dt.date(2027, 3, 1))
    commitment_create(internship=funding.internship, on=dt.date(2027, 3, 1))
    entry = Entry.objects.first()
    assert superuser_client.get(reverse("admin:funding_entry_add")).status_code == 403
    response = superuser_client.post(reverse("admin:funding_entry_delete", args=[entry.pk]))
    assert response.status_code == 403
    assert Entry.objects.filter(pk=entry.pk).exists()
