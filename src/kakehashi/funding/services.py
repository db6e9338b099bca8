"""Writes of funding: rules, budgets, rates, and the ledger (commitments, invoices,
payments, refunds, adjustments, reversals). Every write is atomic and audited; a refusal
is a ValidationError with a translated message and changes nothing.

Accounts and what each entry does (positive = debit, negative = credit):

* commitment / adjustment: ``funder:F:committed`` +f, ``partner:P:committed`` +p,
  ``intern:I:payable`` −(f+p);
* invoice (partner share p, in the partner's currency): ``partner:P:invoiced`` +x,
  ``partner:P:committed`` −p (through ``exchange:<currency>`` when the currencies differ);
* payment to the intern: ``intern:I:payable`` +x, ``funder:F:paid`` −x;
* refund (early end): the commitment's lines pro rata, reversed in sign;
* reversal: the reversed entry's lines with the opposite sign.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kakehashi.audit.services import audit_import, audit_record
from kakehashi.core.imports import ImportResult, decode, run_import
from kakehashi.core.roles import is_officer
from kakehashi.funding import calculation
from kakehashi.funding.enums import AccountKind, EntryKind, Payer, PaymentStatus, Purpose
from kakehashi.funding.models import (
    Account,
    Budget,
    Entry,
    ExchangeRate,
    Funder,
    FundingRule,
    Invoice,
    Line,
    Payment,
    RateImport,
    fiscal_year,
)
from kakehashi.funding.money import Money, format_money
from kakehashi.funding.rates import parse_boc_csv, rate_for


def NO_PARTNER() -> str:
    return _("The program's rules ask the industry partner to contribute: name the partner first.")


#: Entries that grant or take back money (not invoices, payments or their reversals).
GRANTING = (EntryKind.COMMITMENT, EntryKind.ADJUSTMENT, EntryKind.REFUND)


def _require_officer(user) -> None:
    if not is_officer(user):
        raise ValidationError(_("Only program officers change funding."), code="forbidden")


def _scope(internship):
    """The audit record an internship's funding is written to: its call's, as the
    internship's own creation."""
    return internship.offer.run.call if internship.offer_id else internship.program


# ---------------------------------------------------------------- rules and budgets


def funding_rule_save(*, rule: FundingRule, actor) -> FundingRule:
    """Create or change a rule (officers), checked and audited in the program's record."""
    _require_officer(actor)
    with transaction.atomic():
        created = rule.pk is None
        rule.full_clean()
        rule.save()
        audit_record(
            scope=rule.program,
            verb="funding.rule_created" if created else "funding.rule_changed",
            actor=actor,
            target=f"funding rule {rule.pk}",
            data={
                "funder": rule.funder.code,
                "kind": rule.kind,
                "direction": rule.direction,
                "amount": str(rule.amount),
                "partner_contribution": str(rule.partner_contribution),
                "currency": rule.currency,
                "source": rule.source,
                "review_date": rule.review_date.isoformat(),
            },
        )
    return rule


def budget_save(*, budget: Budget, actor) -> Budget:
    _require_officer(actor)
    with transaction.atomic():
        budget.full_clean()
        budget.save()
        audit_record(
            scope=budget.program,
            verb="funding.budget_set",
            actor=actor,
            target=f"budget {budget.pk}",
            data={
                "funder": budget.funder.code,
                "fiscal_year": budget.fiscal_year,
                "direction": budget.direction,
                "amount": str(budget.amount),
                "currency": budget.currency,
            },
        )
    return budget


# ---------------------------------------------------------------- exchange rates


def rates_import(
    *, data: bytes | str, format: str = "csv", actor, filename: str = ""
) -> ImportResult:
    """Import observations from a CSV in the Bank of Canada's format, all or nothing.

    A date already known for a series is updated when its value differs, else skipped;
    any bad row rejects the whole file with a per-row report (``ImportRejected``)."""
    _require_officer(actor)
    text = decode(data)
    records = parse_boc_csv(text)
    with transaction.atomic():
        batch = RateImport.objects.create(filename=filename[:255], imported_by=actor)

        def apply(record: dict, result: ImportResult) -> None:
            if record.get("error"):
                raise ValidationError({record["field"]: [record["error"]]})
            existing = ExchangeRate.objects.filter(
                series=record["series"], date=record["date"]
            ).first()
            key = f"{record['series']}:{record['date'].isoformat()}"
            if existing is not None:
                if existing.value == record["value"]:
                    result.skipped += 1
                    return
                existing.value = record["value"]
                existing.imported = batch
                existing.save(update_fields=["value", "imported"])
                result.updated += 1
            else:
                rate = ExchangeRate(
                    imported=batch,
                    **{k: record[k] for k in ("series", "base", "quote", "date", "value")},
                )
                rate.full_clean(exclude=["imported"])
                rate.save()
                result.created += 1
            result.keys.append(key)

        result = run_import(
            records,
            key=lambda r: f"{r.get('series', '')}:{r.get('date_text', '')}",
            apply=apply,
        )
        batch.report = result.as_dict()
        batch.save(update_fields=["report"])
        audit_import(noun="exchange_rates", actor=actor, data=data, format=format, result=result)
    return result


def convert(amount: Money, currency: str, *, on: dt.date) -> tuple[Money, ExchangeRate | None]:
    """`amount` in `currency` at the rate of `on` (or of the last business day before,
    within ``rates.LOOKBACK_DAYS``), and the rate used; a missing rate is refused."""
    if amount.currency == currency:
        return amount, None
    rate, inverse = rate_for(amount.currency, currency, on=on)
    value = amount.amount / rate.value if inverse else amount.amount * rate.value
    return Money.rounded(value, currency), rate


# ---------------------------------------------------------------- the ledger


def account_for(kind: str, holder, purpose: str, name: str = "") -> Account:
    account, _created = Account.objects.get_or_create(
        kind=kind,
        holder=str(holder),
        purpose=purpose,
        defaults={"name": name or f"{kind} {holder}"},
    )
    return account


def _funder_account(funder: Funder, purpose: str) -> Account:
    return account_for(AccountKind.FUNDER, funder.code, purpose, funder.name)


def _partner_account(partner, purpose: str) -> Account:
    return account_for(AccountKind.PARTNER, partner.pk, purpose, partner.display_name)


def _intern_account(internship) -> Account:
    return account_for(AccountKind.INTERN, internship.pk, Purpose.PAYABLE, str(internship.intern))


def _exchange_account(currency: str) -> Account:
    return account_for(AccountKind.EXCHANGE, currency, Purpose.EXCHANGE, currency)


def check_balanced(lines: list[tuple[Account, Money]]) -> None:
    """Refuse lines that do not add up to zero in every currency (or fewer than two)."""
    if len(lines) < 2:
        raise ValidationError(_("An entry needs at least two lines."), code="unbalanced")
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for _account, money in lines:
        totals[money.currency] += money.amount
    bad = {c: t for c, t in totals.items() if t}
    if bad:
        raise ValidationError(
            _("The entry does not balance: %(totals)s left over.")
            % {"totals": ", ".join(format_money(t, c) for c, t in sorted(bad.items()))},
            code="unbalanced",
        )


def entry_post(
    *,
    kind: str,
    funder: Funder,
    internship,
    lines: list[tuple[Account, Money]],
    actor=None,
    memo: str = "",
    occurred_on: dt.date | None = None,
    reverses: Entry | None = None,
) -> Entry:
    """Write one balanced entry; lines of zero are left out."""
    lines = [(a, m) for a, m in lines if m.amount]
    check_balanced(lines)
    with transaction.atomic():
        entry = Entry.objects.create(
            kind=kind,
            internship=internship,
            funder=funder,
            program_id=internship.program_id,
            direction=internship.direction,
            fiscal_year=fiscal_year(internship.start_date),
            occurred_on=occurred_on or timezone.localdate(),
            memo=memo[:500],
            reverses=reverses,
            created_by=actor if actor is not None and actor.is_authenticated else None,
        )
        Line.objects.bulk_create(
            [Line(entry=entry, account=a, amount=m.amount, currency=m.currency) for a, m in lines]
        )
    return entry


def entry_reverse(*, entry: Entry, actor, reason: str) -> Entry:
    """Undo `entry` with a new one of opposite lines (officers); once only. Its invoice
    or payment follows: a reversed payment is scheduled again, a reversed invoice gets a
    credit note (the reversal, numbered in the funder's sequence of the day's fiscal
    year, at the invoice's own rate)."""
    _require_officer(actor)
    if not reason.strip():
        raise ValidationError({"reason": [_("Say why the entry is reversed.")]})
    with transaction.atomic():
        entry = Entry.objects.select_for_update().get(pk=entry.pk)
        if entry.kind == EntryKind.REVERSAL:
            raise ValidationError(
                _("A reversal is not reversed: post a new entry."), code="reversal"
            )
        if Entry.objects.filter(reverses=entry).exists():
            raise ValidationError(_("This entry is already reversed."), code="reversed")
        lines = [
            (line.account, -Money(line.amount, line.currency))
            for line in entry.lines.select_related("account")
        ]
        reversal = entry_post(
            kind=EntryKind.REVERSAL,
            funder=entry.funder,
            internship=entry.internship,
            lines=lines,
            actor=actor,
            memo=reason,
            reverses=entry,
        )
        invoice = Invoice.objects.filter(entry=entry).first()
        if invoice is not None:
            # The reversal is the invoice's credit note, numbered in the same sequence.
            on = timezone.localdate()
            year = fiscal_year(on)
            sequence, number = _invoice_number(invoice.funder, year)
            Invoice.objects.create(
                number=number,
                funder=invoice.funder,
                fiscal_year=year,
                sequence=sequence,
                partner=invoice.partner,
                internship=invoice.internship,
                issued_on=on,
                language=invoice.language,
                amount=-invoice.amount,
                currency=invoice.currency,
                original_amount=-invoice.original_amount,
                original_currency=invoice.original_currency,
                rate=invoice.rate,
                entry=reversal,
                credits=invoice,
            )
        payment = Payment.objects.filter(entry=entry).first()
        if payment is not None:
            Payment.objects.create(
                internship=payment.internship,
                funder=payment.funder,
                label=payment.label,
                due_on=payment.due_on,
                amount=payment.amount,
                currency=payment.currency,
            )
        audit_record(
            scope=_scope(entry.internship),
            verb="funding.entry_reversed",
            actor=actor,
            target=f"ledger entry {entry.pk}",
            data={"reversal": reversal.pk, "reason": reason[:500]},
        )
    return reversal


# ---------------------------------------------------------------- what an internship gets


def internship_budget_lines(
    internship, *, start=None, last_day=None
) -> list[calculation.BudgetLine]:
    rules = list(
        FundingRule.objects.filter(program_id=internship.program_id).select_related("funder")
    )
    return calculation.budget_lines(
        rules=rules,
        direction=internship.direction,
        start=start or internship.start_date,
        last_day=last_day or internship.last_day,
    )


def _granted(internship) -> dict[tuple[int, str, str], Decimal]:
    """What the ledger grants the internship now: (funder id, payer, currency) → amount,
    from commitments, adjustments, refunds and their reversals."""
    out: dict[tuple[int, str, str], Decimal] = defaultdict(Decimal)
    lines = Line.objects.filter(
        entry__internship=internship,
        account__purpose=Purpose.COMMITTED,
    ).select_related("entry", "entry__reverses", "account")
    for line in lines:
        entry = line.entry
        kind = entry.reverses.kind if entry.kind == EntryKind.REVERSAL else entry.kind
        if kind not in GRANTING:
            continue
        payer = Payer.FUNDER if line.account.kind == AccountKind.FUNDER else Payer.PARTNER
        out[(entry.funder_id, payer, line.currency)] += line.amount
    return out


def _targets(lines: list[calculation.BudgetLine]) -> dict[tuple[int, str, str], Decimal]:
    out: dict[tuple[int, str, str], Decimal] = defaultdict(Decimal)
    for line in lines:
        out[(line.funder_id, line.payer, line.money.currency)] += line.money.amount
    return out


def _grant_entries(*, internship, deltas, kind, actor, memo, on=None) -> list[Entry]:
    """One entry per funder and currency moving `deltas` ((funder, payer, currency) →
    amount) onto the committed accounts and the intern's payable."""
    by_funder: dict[tuple[int, str], dict[str, Decimal]] = defaultdict(dict)
    for (funder_id, payer, currency), amount in deltas.items():
        if amount:
            by_funder[(funder_id, currency)][payer] = amount
    if any(Payer.PARTNER in v for v in by_funder.values()) and internship.partner_id is None:
        raise ValidationError(
            NO_PARTNER(),
            code="no_partner",
        )
    entries = []
    funders = Funder.objects.in_bulk([f for f, _c in by_funder])
    for (funder_id, currency), shares in sorted(by_funder.items()):
        funder = funders[funder_id]
        f = Money(shares.get(Payer.FUNDER, Decimal(0)), currency)
        p = Money(shares.get(Payer.PARTNER, Decimal(0)), currency)
        lines = [(_funder_account(funder, Purpose.COMMITTED), f)]
        if p.amount:
            lines.append((_partner_account(internship.partner, Purpose.COMMITTED), p))
        lines.append((_intern_account(internship), -(f + p)))
        entries.append(
            entry_post(
                kind=kind,
                funder=funder,
                internship=internship,
                lines=lines,
                actor=actor,
                memo=memo,
                occurred_on=on,
            )
        )
    return entries


def partner_terms(partner) -> tuple[str, str]:
    """(language, currency) of invoices to `partner`: Japanese and yen in Japan;
    in Canada dollars, French in Québec and English elsewhere."""
    if partner.country == "JP":
        return "ja", "JPY"
    return ("fr" if partner.region == "CA-QC" else "en"), "CAD"


def _invoice_number(funder: Funder, year: int) -> tuple[int, str]:
    last = (
        Invoice.objects.select_for_update()
        .filter(funder=funder, fiscal_year=year)
        .order_by("-sequence")
        .values_list("sequence", flat=True)
        .first()
    )
    sequence = (last or 0) + 1
    return sequence, f"{funder.code}-FY{year}-{sequence:04d}"


def invoice_issue(
    *, internship, funder: Funder, share: Money, actor=None, on: dt.date | None = None, credits=None
) -> Invoice:
    """Invoice `share` (the partner's contribution, negative for a credit note) to the
    internship's partner, in the partner's currency at the day's rate, numbered per
    funder and fiscal year of the issue date."""
    on = on or timezone.localdate()
    partner = internship.partner
    if partner is None:
        raise ValidationError(
            _("The internship has no industry partner to invoice."), code="no_partner"
        )
    language, currency = partner_terms(partner)
    with transaction.atomic():
        billed, rate = convert(share, currency, on=on)
        lines = [(_partner_account(partner, Purpose.INVOICED), billed)]
        if rate is not None:
            lines += [
                (_exchange_account(currency), -billed),
                (_exchange_account(share.currency), share),
            ]
        lines.append((_partner_account(partner, Purpose.COMMITTED), -share))
        entry = entry_post(
            kind=EntryKind.INVOICE,
            funder=funder,
            internship=internship,
            lines=lines,
            actor=actor,
            memo=_("Partner contribution"),
            occurred_on=on,
        )
        year = fiscal_year(on)
        sequence, number = _invoice_number(funder, year)
        invoice = Invoice.objects.create(
            number=number,
            funder=funder,
            fiscal_year=year,
            sequence=sequence,
            partner=partner,
            internship=internship,
            issued_on=on,
            language=language,
            amount=billed.amount,
            currency=billed.currency,
            original_amount=share.amount,
            original_currency=share.currency,
            rate=rate,
            entry=entry,
            credits=credits,
        )
        audit_record(
            scope=_scope(internship),
            verb="funding.invoice_issued",
            actor=actor,
            target=number,
            data={
                "internship": internship.pk,
                "amount": str(billed.amount),
                "currency": billed.currency,
                "original": str(share.amount),
                "original_currency": share.currency,
                "rate": str(rate.value) if rate else None,
                "rate_date": rate.date.isoformat() if rate else None,
            },
        )
    return invoice


def _invoiced(internship) -> dict[tuple[int, str], Decimal]:
    out: dict[tuple[int, str], Decimal] = defaultdict(Decimal)
    for funder_id, currency, amount in Invoice.objects.filter(internship=internship).values_list(
        "funder_id", "original_currency", "original_amount"
    ):
        out[(funder_id, currency)] += amount
    return out


def _invoice_to(internship, granted, *, actor, on) -> list[Invoice]:
    """Invoices (or credit notes) bringing what the partner was invoiced to what it is
    granted now, per funder and currency."""
    invoiced = _invoiced(internship)
    out = []
    funders = Funder.objects.in_bulk([f for (f, _p, _c) in granted])
    for (funder_id, payer, currency), amount in sorted(granted.items()):
        if payer != Payer.PARTNER:
            continue
        delta = amount - invoiced.get((funder_id, currency), Decimal(0))
        if delta:
            previous = (
                Invoice.objects.filter(internship=internship, funder_id=funder_id, amount__gt=0)
                .order_by("-id")
                .first()
                if delta < 0
                else None
            )
            out.append(
                invoice_issue(
                    internship=internship,
                    funder=funders[funder_id],
                    share=Money(delta, currency),
                    actor=actor,
                    on=on,
                    credits=previous,
                )
            )
    return out


def _schedule_create(internship, lines, *, start, last_day) -> None:
    Payment.objects.bulk_create(
        [
            Payment(
                internship=internship,
                funder_id=p.funder_id,
                label=p.label,
                due_on=p.due_on,
                amount=p.money.amount,
                currency=p.money.currency,
            )
            for p in calculation.schedule(lines=lines, start=start, last_day=last_day)
        ]
    )


def _payable(internship) -> dict[tuple[int, str], Decimal]:
    """What the intern is still owed per funder and currency (the payable's credit)."""
    out: dict[tuple[int, str], Decimal] = defaultdict(Decimal)
    for funder_id, currency, amount in Line.objects.filter(
        entry__internship=internship, account__kind=AccountKind.INTERN
    ).values_list("entry__funder_id", "currency", "amount"):
        out[(funder_id, currency)] -= amount
    return out


def schedule_rebuild(internship, *, last_day: dt.date) -> None:
    """Cancel what is scheduled and spread what the intern is still owed over the monthly
    periods up to `last_day` not yet paid (or the last day, when every one is)."""
    Payment.objects.filter(internship=internship, status=PaymentStatus.SCHEDULED).update(
        status=PaymentStatus.CANCELLED
    )
    paid_until = (
        Payment.objects.filter(internship=internship, status=PaymentStatus.PAID)
        .order_by("-due_on")
        .values_list("due_on", flat=True)
        .first()
    )
    spans = [
        p
        for p in calculation.periods(internship.start_date, last_day)
        if paid_until is None or p.start > paid_until
    ]
    new = []
    for (funder_id, currency), amount in sorted(_payable(internship).items()):
        if amount <= 0:
            continue
        if spans:
            parts = calculation.split(Money(amount, currency), [p.fraction for p in spans])
            dated = [(p.start, p.end, part) for p, part in zip(spans, parts, strict=True)]
        else:
            dated = [(last_day, last_day, Money(amount, currency))]
        for begin, end, part in dated:
            if part.amount:
                new.append(
                    Payment(
                        internship=internship,
                        funder_id=funder_id,
                        label=_("Stipend %(start)s – %(end)s")
                        % {"start": begin.isoformat(), "end": end.isoformat()},
                        due_on=begin,
                        amount=part.amount,
                        currency=currency,
                    )
                )
    Payment.objects.bulk_create(new)


def commitment_create(
    *, internship, actor=None, lines=None, on: dt.date | None = None
) -> list[Entry]:
    """Commit what the rules (or the approved agreement's `lines`) give the internship:
    one entry per funder and currency, the partner's invoices and the intern's schedule.
    Once: an internship already committed is left as it is."""
    with transaction.atomic():
        if Entry.objects.filter(internship=internship, kind=EntryKind.COMMITMENT).exists():
            return []
        computed = internship_budget_lines(internship)
        targets = _targets(computed if lines is None else lines)
        return _grant_book(
            internship,
            targets,
            kind=EntryKind.COMMITMENT,
            memo=_("Commitment on the agreement"),
            actor=actor,
            on=on,
            reschedule=lambda: _schedule_create(
                internship, computed, start=internship.start_date, last_day=internship.last_day
            ),
            verb="funding.committed",
            data=lambda entries, invoices: {
                "entries": [e.pk for e in entries],
                "invoices": [i.number for i in invoices],
                "totals": _keyed(targets, zeros=True),
            },
        )


def _keyed(amounts: dict, *, negate: bool = False, zeros: bool = False) -> dict[str, str]:
    """Amounts by (funder, payer, currency) as ``{"funder:payer:currency": "amount"}``,
    sorted, without the zeros unless `zeros`."""
    return {
        f"{f}:{p}:{c}": str(-a if negate else a)
        for (f, p, c), a in sorted(amounts.items())
        if a or zeros
    }


def _grant_book(
    internship, deltas: dict, *, kind, memo: str, actor, on, reschedule, verb: str, data
) -> list[Entry]:
    """One change of the grant: book `deltas` as ledger entries of `kind`, invoice (or
    credit) the partner the difference, `reschedule()` the intern's payments, and record
    `verb` with `data(entries, invoices)` in the call's audit record when anything was
    booked."""
    entries = _grant_entries(
        internship=internship, deltas=deltas, kind=kind, actor=actor, memo=memo, on=on
    )
    invoices = _invoice_to(internship, _granted(internship), actor=actor, on=on)
    reschedule()
    if entries:
        audit_record(
            scope=_scope(internship),
            verb=verb,
            actor=actor,
            target=f"internship {internship.pk}",
            data=data(entries, invoices),
        )
    return entries


def commitment_adjust(
    *, internship, start: dt.date, last_day: dt.date, actor=None, on=None
) -> list[Entry]:
    """After an amendment: bring the grant to what the rules give the new dates, invoice
    or credit the partner the difference, and spread what is owed anew."""
    with transaction.atomic():
        if not Entry.objects.filter(internship=internship, kind=EntryKind.COMMITMENT).exists():
            return []
        targets = _targets(internship_budget_lines(internship, start=start, last_day=last_day))
        granted = _granted(internship)
        keys = set(targets) | set(granted)
        deltas = {k: targets.get(k, Decimal(0)) - granted.get(k, Decimal(0)) for k in keys}
        return _grant_book(
            internship,
            deltas,
            kind=EntryKind.ADJUSTMENT,
            memo=_("Adjustment on the amendment"),
            actor=actor,
            on=on,
            reschedule=lambda: schedule_rebuild(internship, last_day=last_day),
            verb="funding.adjusted",
            data=lambda entries, invoices: {
                "entries": [e.pk for e in entries],
                "invoices": [i.number for i in invoices],
                "deltas": _keyed(deltas),
            },
        )


def refund_pro_rata(*, internship, ended_on: dt.date, actor=None, on=None) -> list[Entry]:
    """An early end gives back, per funder, payer and currency, the share of the grant
    for the days after `ended_on`; the partner gets a credit note; the schedule is cut."""
    if not (internship.start_date <= ended_on <= internship.end_date):
        raise ValidationError(
            {"ended_on": [_("An early end must fall within the internship's dates.")]}
        )
    with transaction.atomic():
        granted = _granted(internship)
        deltas = {
            key: -calculation.pro_rata(
                Money(amount, key[2]),
                start=internship.start_date,
                end=internship.end_date,
                ended_on=ended_on,
            ).amount
            for key, amount in granted.items()
            if amount > 0
        }
        return _grant_book(
            internship,
            deltas,
            kind=EntryKind.REFUND,
            memo=_("Pro-rata refund: ended on %(day)s") % {"day": ended_on.isoformat()},
            actor=actor,
            on=on,
            reschedule=lambda: schedule_rebuild(internship, last_day=ended_on),
            verb="funding.refunded",
            data=lambda entries, invoices: {
                "ended_on": ended_on.isoformat(),
                "entries": [e.pk for e in entries],
                "credit_notes": [i.number for i in invoices],
                "refunds": _keyed(deltas, negate=True),
            },
        )


def payment_record(*, payment: Payment, actor, on: dt.date | None = None) -> Entry:
    """Record that a scheduled payment was made to the intern (officers)."""
    _require_officer(actor)
    with transaction.atomic():
        payment = (
            Payment.objects.select_for_update()
            .select_related("funder", "internship")
            .get(pk=payment.pk)
        )
        if payment.status != PaymentStatus.SCHEDULED:
            raise ValidationError(
                _("Only a scheduled payment can be paid; this one is %(status)s.")
                % {"status": payment.get_status_display()},
                code="not_scheduled",
            )
        money = Money(payment.amount, payment.currency)
        entry = entry_post(
            kind=EntryKind.PAYMENT,
            funder=payment.funder,
            internship=payment.internship,
            lines=[
                (_intern_account(payment.internship), money),
                (_funder_account(payment.funder, Purpose.PAID), -money),
            ],
            actor=actor,
            memo=payment.label,
            occurred_on=on,
        )
        payment.status = PaymentStatus.PAID
        payment.entry = entry
        payment.save(update_fields=["status", "entry"])
        audit_record(
            scope=_scope(payment.internship),
            verb="funding.paid",
            actor=actor,
            target=f"payment {payment.pk}",
            data={"amount": str(money.amount), "currency": money.currency, "entry": entry.pk},
        )
    return entry
