"""The ledger answers the internships signals: commitment on approval, adjustment on an
amendment, pro-rata refund on an early end; invoices numbered per funder and fiscal
year; payments; reversals; nothing deleted; refusals change nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from kakehashi.audit.models import AuditEntry
from kakehashi.funding import services
from kakehashi.funding.models import Entry, Invoice, Line, Payment
from kakehashi.funding.money import Money
from kakehashi.funding.receivers import on_agreement_blockers
from kakehashi.funding.selectors import balances, budget_report
from kakehashi.internships import signals
from kakehashi.internships.models import Internship
from tests.kakehashi.funding.conftest import rate

AGREEMENT = SimpleNamespace(pk=1, budget=None)


def approve(funding):
    signals.agreement_approved.send(
        sender=Internship, internship=funding.internship, agreement=AGREEMENT, actor=funding.officer
    )


def lines_of(entry) -> list[tuple[str, Decimal, str]]:
    return [(str(x.account), x.amount, x.currency) for x in entry.lines.order_by("id")]


def assert_balanced():
    for entry in Entry.objects.prefetch_related("lines"):
        totals: dict[str, Decimal] = {}
        for line in entry.lines.all():
            totals[line.currency] = totals.get(line.currency, Decimal(0)) + line.amount
        assert all(t == 0 for t in totals.values()), (entry, totals)


@pytest.fixture
def today_rate(db):
    return rate(timezone.localdate())


def test_the_budget_signal_answers_the_rules_lines(funding):
    answers = signals.agreement_budget.send(
        sender=Internship, internship=funding.internship, agreement=AGREEMENT
    )
    lines = dict(answers)[
        next(r for r, _a in answers if r.__module__ == "kakehashi.funding.receivers")
    ]
    assert [(x["funder"], x["amount"], x["currency"], x["payer"]) for x in lines] == [
        ("MITACS", "7500.00", "CAD", "funder"),
        ("MITACS", "7500.00", "CAD", "partner"),
    ]
    assert lines[0]["source"] == "Invented for the tests"


def test_approval_commits_invoices_the_partner_in_yen_and_schedules_payments(funding, today_rate):
    approve(funding)

    commitment = Entry.objects.get(kind="commitment")
    partner = funding.partner.pk
    intern = funding.internship.pk
    assert lines_of(commitment) == [
        ("funder:MITACS:committed", Decimal("7500.00"), "CAD"),
        (f"partner:{partner}:committed", Decimal("7500.00"), "CAD"),
        (f"intern:{intern}:payable", Decimal("-15000.00"), "CAD"),
    ]
    invoice = Invoice.objects.get()
    year = today_rate.date.year if today_rate.date.month >= 4 else today_rate.date.year - 1
    # 7,500 CAD at 0.0093 CAD per yen: 806,451.6… → 806,452 yen.
    assert (invoice.number, invoice.language, invoice.amount, invoice.currency) == (
        f"MITACS-FY{year}-0001",
        "ja",
        Decimal("806452"),
        "JPY",
    )
    assert (invoice.original_amount, invoice.original_currency, invoice.rate) == (
        Decimal("7500.00"),
        "CAD",
        today_rate,
    )
    assert lines_of(invoice.entry) == [
        (f"partner:{partner}:invoiced", Decimal("806452"), "JPY"),
        ("exchange:JPY:exchange", Decimal("-806452"), "JPY"),
        ("exchange:CAD:exchange", Decimal("7500.00"), "CAD"),
        (f"partner:{partner}:committed", Decimal("-7500.00"), "CAD"),
    ]
    assert list(Payment.objects.values_list("due_on", "amount", "currency")) == [
        (dt.date(2027, 5, 1), Decimal("3750.00"), "CAD"),
        (dt.date(2027, 6, 1), Decimal("3750.00"), "CAD"),
        (dt.date(2027, 7, 1), Decimal("3750.00"), "CAD"),
        (dt.date(2027, 8, 1), Decimal("3750.00"), "CAD"),
    ]
    assert AuditEntry.objects.get(verb="funding.committed").data["invoices"] == [invoice.number]
    assert_balanced()


def test_dates_too_short_for_a_unit_draft_no_lines_and_block_the_approval(funding):
    funding.internship.end_date = dt.date(2027, 6, 30)
    answers = signals.agreement_budget.send(
        sender=Internship, internship=funding.internship, agreement=AGREEMENT
    )
    assert [a for _r, a in answers if _r.__module__.startswith("kakehashi.funding")] == [[]]
    assert on_agreement_blockers(Internship, internship=funding.internship) == [
        "The internship lasts 2 months; a unit of “Accelerate-like unit” lasts at least 4 months."
    ]


def test_a_second_approval_commits_nothing_more(funding, today_rate):
    approve(funding)
    approve(funding)
    assert Entry.objects.filter(kind="commitment").count() == 1
    assert Invoice.objects.count() == 1


def test_a_missing_rate_refuses_the_commitment_and_changes_nothing(funding):
    rate(timezone.localdate() - dt.timedelta(days=30))
    with pytest.raises(ValidationError) as exc:
        approve(funding)
    assert exc.value.messages[0].startswith(
        f"No exchange rate from CAD to JPY for {timezone.localdate().isoformat()} (nor the 5 days"
    )
    assert "The last known rate is of" in exc.value.messages[0]
    assert not Entry.objects.exists() and not Invoice.objects.exists()
    assert not Payment.objects.exists()


def test_blockers_say_why_before_the_approval(funding):
    reasons = on_agreement_blockers(Internship, internship=funding.internship)
    assert len(reasons) == 1 and reasons[0].startswith("No exchange rate from CAD to JPY")
    funding.internship.partner = None
    assert on_agreement_blockers(Internship, internship=funding.internship) == [
        "The program's rules ask the industry partner to contribute: name the partner first."
    ]


def test_an_early_end_refunds_pro_rata_with_a_credit_note(funding, today_rate):
    approve(funding)
    signals.internship_ended_early.send(
        sender=Internship,
        internship=funding.internship,
        ended_on=dt.date(2027, 6, 30),
        reason="health",
        actor=funding.officer,
    )
    refund = Entry.objects.get(kind="refund")
    partner = funding.partner.pk
    # 1 May – 31 August is 123 days; 62 after 30 June: 7,500 × 62 / 123 = 3,780.49 each.
    assert lines_of(refund) == [
        ("funder:MITACS:committed", Decimal("-3780.49"), "CAD"),
        (f"partner:{partner}:committed", Decimal("-3780.49"), "CAD"),
        (f"intern:{funding.internship.pk}:payable", Decimal("7560.98"), "CAD"),
    ]
    credit = Invoice.objects.get(amount__lt=0)
    assert (credit.original_amount, credit.credits.number) == (
        Decimal("-3780.49"),
        Invoice.objects.get(amount__gt=0).number,
    )
    assert credit.number.endswith("-0002")
    # What is still owed (15,000 − 7,560.98) is spread over May and June only.
    scheduled = list(Payment.objects.filter(status="scheduled").values_list("due_on", "amount"))
    assert scheduled == [
        (dt.date(2027, 5, 1), Decimal("3719.51")),
        (dt.date(2027, 6, 1), Decimal("3719.51")),
    ]
    (row,) = budget_report()
    assert (row.committed, row.invoiced, row.remaining) == (
        Decimal("3719.51"),
        Decimal("3719.51"),
        Decimal("96280.49"),
    )
    assert_balanced()


def test_an_early_end_amendment_refunds_once(funding, today_rate):
    """internships sends an early end twice: as an approved amendment, then as the end."""
    approve(funding)
    ended = dt.date(2027, 6, 30)
    signals.amendment_approved.send(
        sender=Internship, internship=funding.internship, amendment=None,
        changes={"ended_on": [None, ended.isoformat()]}, actor=funding.officer,
    )  # fmt: skip
    signals.internship_ended_early.send(
        sender=Internship, internship=funding.internship, ended_on=ended, reason="",
        actor=funding.officer,
    )  # fmt: skip
    assert Entry.objects.filter(kind="refund").count() == 1
    assert not Entry.objects.filter(kind="adjustment").exists()
    assert_balanced()


def test_an_amendment_extending_the_dates_commits_a_second_unit(funding, today_rate):
    approve(funding)
    signals.amendment_approved.send(
        sender=Internship,
        internship=funding.internship,
        amendment=SimpleNamespace(pk=1),
        changes={"end_date": ["2027-08-31", "2027-12-31"]},
        actor=funding.officer,
    )
    adjustment = Entry.objects.get(kind="adjustment")
    assert [line[1] for line in lines_of(adjustment)] == [
        Decimal("7500.00"),
        Decimal("7500.00"),
        Decimal("-15000.00"),
    ]
    assert Invoice.objects.count() == 2
    assert sum(Payment.objects.filter(status="scheduled").values_list("amount", flat=True)) == (
        Decimal("30000.00")
    )
    assert_balanced()


def test_an_amendment_too_short_for_a_unit_is_refused_and_changes_nothing(funding, today_rate):
    approve(funding)
    before = (Entry.objects.count(), Payment.objects.filter(status="scheduled").count())
    with pytest.raises(ValidationError, match="lasts at least 4 months"):
        signals.amendment_approved.send(
            sender=Internship,
            internship=funding.internship,
            amendment=SimpleNamespace(pk=1),
            changes={"end_date": ["2027-08-31", "2027-06-30"]},
            actor=funding.officer,
        )
    assert (Entry.objects.count(), Payment.objects.filter(status="scheduled").count()) == before


def test_a_payment_then_its_reversal(funding, today_rate):
    approve(funding)
    payment = Payment.objects.order_by("due_on").first()
    entry = services.payment_record(payment=payment, actor=funding.officer)
    assert lines_of(entry) == [
        (f"intern:{funding.internship.pk}:payable", Decimal("3750.00"), "CAD"),
        ("funder:MITACS:paid", Decimal("-3750.00"), "CAD"),
    ]
    with pytest.raises(ValidationError, match="Only a scheduled payment can be paid"):
        services.payment_record(payment=payment, actor=funding.officer)

    reversal = services.entry_reverse(entry=entry, actor=funding.officer, reason="bank error")
    assert [x[1] for x in lines_of(reversal)] == [Decimal("-3750.00"), Decimal("3750.00")]
    assert reversal.reverses_id == entry.pk
    with pytest.raises(ValidationError, match="already reversed"):
        services.entry_reverse(entry=entry, actor=funding.officer, reason="again")
    # The reversed payment is due again.
    assert Payment.objects.filter(status="scheduled", due_on=payment.due_on).count() == 1
    assert balances()["CAD"]["funder:MITACS:paid"] == Decimal(0)


def test_only_officers_pay_and_reverse(funding, today_rate):
    approve(funding)
    payment = Payment.objects.first()
    with pytest.raises(ValidationError, match="Only program officers"):
        services.payment_record(payment=payment, actor=funding.intern)
    with pytest.raises(ValidationError, match="Only program officers"):
        services.entry_reverse(entry=Entry.objects.first(), actor=funding.intern, reason="x")


def test_nothing_in_the_ledger_is_deleted_or_changed(funding, today_rate):
    approve(funding)
    entry = Entry.objects.first()
    with pytest.raises(ValidationError, match="never deleted"):
        entry.delete()
    with pytest.raises(ValidationError, match="never deleted"):
        Line.objects.all().delete()
    with pytest.raises(ValidationError, match="never changed"):
        Line.objects.update(amount=0)
    entry.memo = "changed"
    with pytest.raises(ValidationError, match="never changed"):
        entry.save()


def test_an_unbalanced_entry_is_refused(funding):
    account = services.account_for("funder", "MITACS", "committed")
    other = services.account_for("intern", "1", "payable")
    with pytest.raises(ValidationError) as exc:
        services.entry_post(
            kind="adjustment",
            funder=funding.funder,
            internship=funding.internship,
            lines=[(account, Money("10.00", "CAD")), (other, Money("-10", "JPY"))],
        )
    assert exc.value.messages == ["The entry does not balance: CAD 10.00, JPY -10 left over."]
    assert not Entry.objects.exists()


def test_invoice_numbers_restart_each_fiscal_year(funding):
    rate(dt.date(2027, 3, 31))
    rate(dt.date(2027, 4, 1))
    share = Money("100.00", "CAD")
    numbers = [
        services.invoice_issue(
            internship=funding.internship, funder=funding.funder, share=share, on=day
        ).number
        for day in (dt.date(2027, 3, 31), dt.date(2027, 4, 1), dt.date(2027, 4, 2))
    ]
    assert numbers == ["MITACS-FY2026-0001", "MITACS-FY2027-0001", "MITACS-FY2027-0002"]


def test_reversing_an_invoice_issues_its_credit_note(funding, today_rate):
    approve(funding)
    invoice = Invoice.objects.get()
    reversal = services.entry_reverse(entry=invoice.entry, actor=funding.officer, reason="error")
    credit = Invoice.objects.get(entry=reversal)
    assert (credit.amount, credit.original_amount, credit.credits, credit.rate) == (
        Decimal("-806452"),
        Decimal("-7500.00"),
        invoice,
        invoice.rate,
    )
    assert credit.number.endswith("-0002")
    (row,) = budget_report()
    assert row.invoiced == Decimal("0.00")
    assert_balanced()
