"""The funding API: every role's permissions, the one error shape, refusals, queries."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kakehashi.funding import services
from kakehashi.funding.models import ExchangeRate, FundingRule, Invoice, Payment
from kakehashi.funding.money import Money
from kakehashi.people.models import Affiliation
from tests import factories
from tests.kakehashi.api_helpers import API, body, error, token_client
from tests.kakehashi.funding.conftest import rate

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


@pytest.fixture
def stranger(db):
    return factories.UserFactory(username="stranger")


def rule_body(funding, **kw):
    data = {
        "program": funding.internship.program.slug,
        "funder": "MITACS",
        "direction": "JP_CA",
        "kind": "stipend",
        "currency": "JPY",
        "amount": "200000",
        "source": "Invented",
        "review_date": "2026-12-01",
    }
    data.update(kw)
    return data


def test_an_officer_adds_and_changes_a_rule(funding):
    client = token_client(funding.officer)
    created = client.post(
        f"{API}/funding/rules", json.dumps(rule_body(funding)), content_type="application/json"
    )
    assert created.status_code == 201, created.content
    rule = body(created)
    assert (rule["amount"], rule["currency"], rule["funder_contribution"]) == (
        "200000",
        "JPY",
        "200000",
    )
    changed = client.patch(
        f"{API}/funding/rules/{rule['id']}",
        json.dumps({"amount": "210000"}),
        content_type="application/json",
    )
    assert body(changed)["amount"] == "210000"
    assert FundingRule.objects.get(pk=rule["id"]).amount == Decimal("210000")


def test_a_yen_rule_with_decimals_answers_422_and_changes_nothing(funding):
    response = token_client(funding.officer).post(
        f"{API}/funding/rules",
        json.dumps(rule_body(funding, amount="200000.5")),
        content_type="application/json",
    )
    assert response.status_code == 422
    assert (
        body(response)
        == error(
            422,
            "decimals",
            "JPY has no decimals: 200000.5 cannot be paid in JPY.",
            fields={"amount": ["JPY has no decimals: 200000.5 cannot be paid in JPY."]},
        )
        or body(response)["error"]["message"]
        == "JPY has no decimals: 200000.5 cannot be paid in JPY."
    )
    assert FundingRule.objects.count() == 1


NOT_AN_AMOUNT = "Give an amount as a decimal number, e.g. 7500.00."


@pytest.mark.parametrize(
    ("method", "change", "fields"),
    [
        ("post", {"amount": "seven"}, {"amount": [NOT_AN_AMOUNT]}),
        ("post", {"amount": "NaN"}, {"amount": [NOT_AN_AMOUNT]}),
        ("patch", {"currency": None, "amount": ""}, {"amount": [NOT_AN_AMOUNT]}),
    ],
)  # fmt: skip
def test_a_rule_with_a_malformed_amount_answers_422(funding, method, change, fields):
    """Found by the API fuzzing step: these answered 500."""
    client = token_client(funding.officer)
    rule = FundingRule.objects.get()
    before = (rule.amount, rule.currency)
    if method == "post":
        response = client.post(
            f"{API}/funding/rules", json.dumps(rule_body(funding, **change)),
            content_type="application/json",
        )  # fmt: skip
    else:
        response = client.patch(
            f"{API}/funding/rules/{rule.pk}", json.dumps(change), content_type="application/json"
        )
    assert response.status_code == 422
    assert body(response)["error"]["fields"] == fields
    rule.refresh_from_db()
    assert (FundingRule.objects.count(), (rule.amount, rule.currency)) == (1, before)


@pytest.mark.parametrize("who", ["intern", "stranger", "partner_admin"])
def test_only_officers_see_and_change_rules_budgets_and_rates(funding, who, request):
    user = funding.intern if who == "intern" else request.getfixturevalue(who)
    client = token_client(user)
    for method, url in [
        ("get", "/funding/rules"),
        ("get", "/funding/budgets"),
        ("get", "/funding/budgets/export"),
        ("get", "/funding/rates"),
    ]:
        response = getattr(client, method)(API + url)
        assert response.status_code == 403, url
        assert body(response) == error(403, "forbidden", "Only program officers do this.")
    post = client.post(
        f"{API}/funding/rules", json.dumps(rule_body(funding)), content_type="application/json"
    )
    assert post.status_code == 403


def test_anonymous_callers_get_401(db):
    response = token_client.__globals__["Client"]().get(f"{API}/funding/invoices")
    assert response.status_code == 401


def test_invoices_are_seen_by_officers_and_the_partners_admins_only(
    committed, partner_admin, stranger
):
    number = Invoice.objects.get().number
    for user in (committed.officer, partner_admin):
        data = body(token_client(user).get(f"{API}/funding/invoices"))
        assert [i["number"] for i in data["items"]] == [number]
        item = data["items"][0]
        assert (item["amount"], item["currency"], item["original_amount"], item["rate"]) == (
            "806452",
            "JPY",
            "7500.00",
            {"series": "FXJPYCAD", "date": "2027-03-01", "value": "0.00930000"},
        )
    invoice_id = Invoice.objects.get().pk
    other_admin = factories.UserFactory(username="other-admin")
    Affiliation.objects.create(
        person=other_admin, organisation=factories.OrganisationFactory(), role="admin"
    )
    assert body(token_client(other_admin).get(f"{API}/funding/invoices"))["items"] == []
    assert token_client(other_admin).get(f"{API}/funding/invoices/{invoice_id}").status_code == 404
    assert token_client(stranger).get(f"{API}/funding/invoices").status_code == 403
    assert token_client(committed.intern).get(f"{API}/funding/invoices").status_code == 403
    pdf = token_client(partner_admin).get(f"{API}/funding/invoices/{invoice_id}/pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


def test_interns_see_their_own_payments_officers_record_them(committed, stranger):
    intern = token_client(committed.intern)
    data = body(intern.get(f"{API}/funding/payments"))
    assert [(p["due_on"], p["amount"], p["currency"]) for p in data["items"]] == [
        ("2027-05-01", "3750.00", "CAD"),
        ("2027-06-01", "3750.00", "CAD"),
        ("2027-07-01", "3750.00", "CAD"),
        ("2027-08-01", "3750.00", "CAD"),
    ]
    other_intern = factories.UserFactory()
    assert token_client(stranger).get(f"{API}/funding/payments").status_code == 403
    del other_intern
    first = data["items"][0]["id"]
    assert intern.post(f"{API}/funding/payments/{first}/pay").status_code == 403
    paid = token_client(committed.officer).post(f"{API}/funding/payments/{first}/pay")
    assert body(paid)["status"] == "paid"
    again = token_client(committed.officer).post(f"{API}/funding/payments/{first}/pay")
    assert again.status_code == 422
    assert (
        body(again)["error"]["message"] == "Only a scheduled payment can be paid; this one is Paid."
    )


def test_the_ledger_of_an_internship_for_the_intern_and_officers(committed, stranger):
    url = f"{API}/funding/internships/{committed.internship.pk}/ledger"
    data = body(token_client(committed.intern).get(url))
    assert [e["kind"] for e in data["items"]] == ["commitment", "invoice"]
    assert token_client(stranger).get(url).status_code == 403
    assert token_client(committed.officer).get(url).status_code == 200
    budget = body(token_client(committed.intern).get(url.replace("ledger", "budget")))
    assert [(b["amount"], b["payer"]) for b in budget] == [
        ("7500.00", "funder"),
        ("7500.00", "partner"),
    ]


def test_an_officer_reverses_an_entry_once(committed):
    client = token_client(committed.officer)
    entry_id = body(client.get(f"{API}/funding/internships/{committed.internship.pk}/ledger"))[
        "items"
    ][0]["id"]
    url = f"{API}/funding/entries/{entry_id}/reverse"
    response = client.post(url, json.dumps({"reason": "typo"}), content_type="application/json")
    assert response.status_code == 201
    assert [line["amount"] for line in body(response)["lines"]] == [
        "-7500.00",
        "-7500.00",
        "15000.00",
    ]
    again = client.post(url, json.dumps({"reason": "typo"}), content_type="application/json")
    assert body(again) == error(422, "reversed", "This entry is already reversed.")


def test_budgets_answer_committed_invoiced_paid_remaining(committed):
    data = body(token_client(committed.officer).get(f"{API}/funding/budgets?fiscal_year=2027"))
    assert data == [
        {
            "funder": "MITACS",
            "program": committed.internship.program.slug,
            "direction": "CA_JP",
            "fiscal_year": 2027,
            "currency": "CAD",
            "budget": "100000.00",
            "committed": "7500.00",
            "invoiced": "7500.00",
            "paid": "0.00",
            "remaining": "92500.00",
        }
    ]
    xlsx = token_client(committed.officer).get(f"{API}/funding/budgets/export?format=xlsx")
    assert xlsx.content[:2] == b"PK"
    csv = token_client(committed.officer).get(f"{API}/funding/budgets/export")
    assert csv.content.decode().splitlines()[1].endswith(",100000.00,7500.00,7500.00,0.00,92500.00")


BOC = """"FILE","FX_RATES_DAILY"
"LANGUAGE","en"
"DESCRIPTION","Invented sample for the tests"

"SERIES"
"id","label","description"
"FXJPYCAD","JPY/CAD","Japanese yen to Canadian dollar daily exchange rate"
"FXUSDCAD","USD/CAD","US dollar to Canadian dollar daily exchange rate"

"OBSERVATIONS"
"date","FXJPYCAD","FXUSDCAD"
"2027-01-04","0.009312","1.3601"
"2027-01-05","","1.3602"
"2027-01-06","0.009305","1.3603"
"""


def test_rates_import_from_the_bank_of_canada_format(funding):
    client = token_client(funding.officer)
    response = client.post(f"{API}/funding/rates/import", BOC, content_type="text/csv")
    assert body(response) == {
        "created": 2,
        "updated": 0,
        "skipped": 0,
        "keys": ["FXJPYCAD:2027-01-04", "FXJPYCAD:2027-01-06"],
    }
    again = body(client.post(f"{API}/funding/rates/import", BOC, content_type="text/csv"))
    assert (again["created"], again["skipped"]) == (0, 2)
    rates = body(client.get(f"{API}/funding/rates"))["items"]
    assert [(r["date"], r["value"]) for r in rates] == [
        ("2027-01-06", "0.00930500"),
        ("2027-01-04", "0.00931200"),
    ]
    assert (
        token_client(funding.intern)
        .post(f"{API}/funding/rates/import", BOC, content_type="text/csv")
        .status_code
        == 403
    )


def test_a_bad_row_rejects_the_whole_rate_file(funding):
    bad = BOC.replace('"2027-01-06","0.009305"', '"2027-01-06","-1"')
    response = token_client(funding.officer).post(
        f"{API}/funding/rates/import", bad, content_type="text/csv"
    )
    assert body(response) == error(
        422,
        "import_rejected",
        "The file was rejected: 1 of 2 rows have errors; nothing was imported.",
        rows=[
            {
                "row": 2,
                "id": "FXJPYCAD:2027-01-06",
                "errors": {"value": ["“-1” is not a positive rate."]},
            }
        ],
    )
    assert not ExchangeRate.objects.exists()


def test_a_file_that_is_not_the_banks_is_refused(funding):
    response = token_client(funding.officer).post(
        f"{API}/funding/rates/import", "date,value\n2027-01-01,1\n", content_type="text/csv"
    )
    assert body(response)["error"]["message"] == (
        "This is not a Bank of Canada file: it has no “OBSERVATIONS” section."
    )


def _same_queries(client, url, grow):
    with CaptureQueriesContext(connection) as ctx:
        first = client.get(url)
    grow()
    with CaptureQueriesContext(connection) as ctx2:
        second = client.get(url)
    assert len(ctx2.captured_queries) == len(ctx.captured_queries), url
    return body(first)["count"], body(second)["count"]


def test_invoice_list_queries_do_not_grow(committed):
    def grow():
        for _ in range(2):
            services.invoice_issue(
                internship=committed.internship,
                funder=committed.funder,
                share=Money("100.00", "CAD"),
                on=DAY,
            )

    counts = _same_queries(token_client(committed.officer), f"{API}/funding/invoices", grow)
    assert counts == (1, 3)


def test_payment_list_queries_do_not_grow(committed):
    Payment.objects.exclude(pk=Payment.objects.order_by("id").first().pk).update(status="cancelled")
    Payment.objects.filter(status="cancelled").delete()

    def grow():
        first = Payment.objects.first()
        for day in (2, 3):
            Payment.objects.create(
                internship=first.internship,
                funder=first.funder,
                label="x",
                due_on=dt.date(2027, 5, day),
                amount=Decimal("1.00"),
                currency="CAD",
            )

    counts = _same_queries(token_client(committed.intern), f"{API}/funding/payments", grow)
    assert counts == (1, 3)


def test_rule_and_ledger_lists_queries_do_not_grow(committed):
    client = token_client(committed.officer)

    def more_rules():
        for kind in ("travel", "award"):
            FundingRule.objects.create(
                program=committed.internship.program,
                funder=committed.funder,
                kind=kind,
                currency="CAD",
                amount=Decimal("10.00"),
                source="x",
                review_date=DAY,
            )

    assert _same_queries(client, f"{API}/funding/rules", more_rules) == (1, 3)

    def more_entries():
        for payment in Payment.objects.order_by("id")[:2]:
            services.payment_record(payment=payment, actor=committed.officer, on=DAY)

    url = f"{API}/funding/internships/{committed.internship.pk}/ledger"
    assert _same_queries(client, url, more_entries) == (2, 4)
