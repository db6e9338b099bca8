"""Property: after any sequence of commitments, invoices, payments, refunds, amendments
and reversals, every entry balances in each currency, the whole ledger does too, no
line mixes currencies with the wrong decimals, and a refused step changes nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kakehashi.funding import services
from kakehashi.funding.models import Entry, FundingRule, Line, Payment
from kakehashi.funding.money import DECIMALS, Money
from kakehashi.funding.selectors import balances
from tests.kakehashi.funding.conftest import REVIEWED, rate

START, END = dt.date(2027, 5, 1), dt.date(2027, 8, 31)

steps = st.lists(
    st.one_of(
        st.tuples(st.just("commit")),
        st.tuples(
            st.just("invoice"), st.integers(-500_00, 500_00), st.sampled_from(["CAD", "JPY"])
        ),
        st.tuples(st.just("pay"), st.integers(0, 10)),
        st.tuples(st.just("refund"), st.integers(0, (END - START).days)),
        st.tuples(st.just("amend"), st.integers(60, 400)),
        st.tuples(st.just("reverse"), st.integers(0, 30)),
    ),
    min_size=1,
    max_size=8,
)


class Rollback(Exception):
    pass


def snapshot():
    return (
        list(Line.objects.order_by("id").values_list("id", "amount", "currency")),
        list(Payment.objects.order_by("id").values_list("id", "status")),
    )


def check_ledger():
    totals: dict[str, Decimal] = {}
    for entry in Entry.objects.prefetch_related("lines"):
        per_entry: dict[str, Decimal] = {}
        for line in entry.lines.all():
            # Each amount holds exactly its currency's decimals.
            assert line.amount == Money(line.amount, line.currency).amount
            assert line.amount == line.amount.quantize(Decimal(1).scaleb(-DECIMALS[line.currency]))
            per_entry[line.currency] = per_entry.get(line.currency, Decimal(0)) + line.amount
        assert all(v == 0 for v in per_entry.values()), (entry.kind, per_entry)
        for currency, v in per_entry.items():
            totals[currency] = totals.get(currency, Decimal(0)) + v
    assert all(v == 0 for v in totals.values())
    # Per-currency balances: each account's total is kept per currency, never summed across.
    for currency, accounts in balances().items():
        assert sum(accounts.values(), Decimal(0)) == 0, currency


@pytest.mark.django_db
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(sequence=steps)
def test_the_ledger_balances_after_any_sequence(funding, sequence):
    internship = funding.internship
    officer = funding.officer
    try:
        with transaction.atomic():
            # A yen rule too, so two currencies meet in one internship.
            FundingRule.objects.create(
                program=internship.program,
                funder=funding.funder,
                direction="CA_JP",
                kind="stipend",
                currency="JPY",
                amount=Decimal("100000"),
                source="Invented",
                review_date=REVIEWED,
            )
            rate(dt.date(2026, 1, 1))
            for step in sequence:
                before = snapshot()
                try:
                    with transaction.atomic():
                        apply(step, internship, funding, officer)
                except ValidationError:
                    assert snapshot() == before
                check_ledger()
            raise Rollback
    except Rollback:
        pass


def apply(step, internship, funding, officer):
    kind = step[0]
    on = dt.date(2026, 1, 2)
    if kind == "commit":
        services.commitment_create(internship=internship, actor=officer, on=on)
    elif kind == "invoice":
        cents, currency = step[1], step[2]
        amount = Decimal(cents).scaleb(-2) if currency == "CAD" else Decimal(cents)
        services.invoice_issue(
            internship=internship, funder=funding.funder, share=Money(amount, currency), on=on
        )
    elif kind == "pay":
        payments = list(Payment.objects.filter(status="scheduled").order_by("id"))
        if payments:
            services.payment_record(payment=payments[step[1] % len(payments)], actor=officer, on=on)
    elif kind == "refund":
        services.refund_pro_rata(
            internship=internship,
            ended_on=START + dt.timedelta(days=step[1]),
            actor=officer,
            on=on,
        )
    elif kind == "amend":
        services.commitment_adjust(
            internship=internship,
            start=START,
            last_day=START + dt.timedelta(days=step[1]),
            actor=officer,
            on=on,
        )
    elif kind == "reverse":
        entries = list(Entry.objects.order_by("id"))
        if entries:
            services.entry_reverse(
                entry=entries[step[1] % len(entries)], actor=officer, reason="property"
            )
