"""Reads of funding: rules, ledgers, invoices, payments, budgets, rates."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch, Q, QuerySet, Sum

from kakehashi.core.roles import visible_to
from kakehashi.funding.enums import AccountKind, EntryKind, Purpose
from kakehashi.funding.models import (
    Budget,
    Entry,
    ExchangeRate,
    FundingRule,
    Invoice,
    Line,
    Payment,
)
from kakehashi.funding.money import Money, plain


def rule_list(*, program=None) -> QuerySet[FundingRule]:
    rules = FundingRule.objects.select_related("program", "funder")
    return rules.filter(program=program) if program is not None else rules


def entry_list(*, internship) -> QuerySet[Entry]:
    """An internship's ledger, oldest first, with lines and accounts."""
    return (
        Entry.objects.filter(internship=internship)
        .select_related("funder", "reverses")
        .prefetch_related(
            Prefetch("lines", queryset=Line.objects.select_related("account").order_by("id"))
        )
        .order_by("created_at", "id")
    )


def _admin_org_ids(user) -> list[int]:
    return list(user.affiliations.filter(role="admin").values_list("organisation_id", flat=True))


def invoice_list_visible(*, user) -> QuerySet[Invoice]:
    """Officers see every invoice; an organisation's admins its own; nobody else any."""
    invoices = Invoice.objects.select_related(
        "funder", "partner", "rate", "internship", "internship__intern", "internship__program"
    ).order_by("funder__code", "fiscal_year", "sequence")
    return visible_to(
        invoices, user=user, mine=lambda qs: qs.filter(partner_id__in=_admin_org_ids(user))
    )


def payment_list_visible(*, user) -> QuerySet[Payment]:
    """Officers see every payment; an intern their own."""
    payments = Payment.objects.select_related(
        "funder", "internship", "internship__intern"
    ).order_by("internship_id", "due_on", "id")
    return visible_to(payments, user=user, mine=lambda qs: qs.filter(internship__intern_id=user.pk))


def rate_list(*, series: str = "") -> QuerySet[ExchangeRate]:
    rates = ExchangeRate.objects.order_by("series", "-date")
    return rates.filter(series=series) if series else rates


@dataclass
class BudgetRow:
    """One funder, program, direction, fiscal year and currency: what it has and how
    much of it is committed, invoiced and paid."""

    funder: str
    funder_name: str
    program: str
    direction: str
    fiscal_year: int
    currency: str
    budget: Decimal | None
    committed: Decimal
    invoiced: Decimal
    paid: Decimal

    @property
    def remaining(self) -> Decimal | None:
        return None if self.budget is None else self.budget - self.committed

    def money(self, field: str) -> str:
        value = getattr(self, field)
        return "" if value is None else str(Money(value, self.currency))

    def as_data(self) -> dict:
        def text(value):
            return None if value is None else plain(value, self.currency)

        return {
            "funder": self.funder,
            "program": self.program,
            "direction": self.direction,
            "fiscal_year": self.fiscal_year,
            "currency": self.currency,
            "budget": text(self.budget),
            "committed": text(self.committed),
            "invoiced": text(self.invoiced),
            "paid": text(self.paid),
            "remaining": text(self.remaining),
        }


def _exact(item: dict) -> Decimal:
    """A sum in its currency's decimals (SQLite sums decimals as floats' text)."""
    return Money.rounded(item["total"], item["currency"]).amount


def budget_report(
    *, funder: str = "", program: str = "", direction: str = "", fiscal_year: int | None = None
) -> list[BudgetRow]:
    """Per funder, program, direction, fiscal year (of the internships' start) and
    currency: the budget, what is committed (the funder's own share, net of refunds and
    adjustments), invoiced to partners (in the rules' currency) and paid to interns.
    Four queries, whatever the number of rows."""
    entries = Q()
    budgets = Budget.objects.select_related("funder", "program")
    for lookup, value in (
        ("funder__code", funder),
        ("program__slug", program),
        ("direction", direction),
        ("fiscal_year", fiscal_year),
    ):
        if value:
            entries &= Q(**{f"entry__{lookup}": value})
            budgets = budgets.filter(**{lookup: value})
    keys = (
        "entry__funder__code",
        "entry__funder__name",
        "entry__program__slug",
        "entry__direction",
        "entry__fiscal_year",
        "currency",
    )
    rows: dict[tuple, BudgetRow] = {}

    def row(code, name, slug, dirn, year, currency) -> BudgetRow:
        key = (code, slug, dirn, year, currency)
        if key not in rows:
            rows[key] = BudgetRow(
                code, name, slug, dirn, year, currency, None, Decimal(0), Decimal(0), Decimal(0)
            )
        return rows[key]

    for b in budgets:
        r = row(
            b.funder.code, b.funder.name, b.program.slug, b.direction, b.fiscal_year, b.currency
        )
        r.budget = (r.budget or Decimal(0)) + b.amount

    def totals(*conditions, **filters):
        """The lines' totals per row key."""
        return (
            Line.objects.filter(entries, *conditions, **filters)
            .values(*keys)
            .annotate(total=Sum("amount"))
        )

    for item in totals(account__kind=AccountKind.FUNDER, account__purpose=Purpose.COMMITTED):
        row(*(item[k] for k in keys)).committed += _exact(item)
    for item in totals(account__kind=AccountKind.FUNDER, account__purpose=Purpose.PAID):
        row(*(item[k] for k in keys)).paid -= _exact(item)
    # What partners were invoiced, in the rules' currency: the partner's committed
    # account credited by invoices (and their reversals).
    invoiced = totals(
        Q(entry__kind=EntryKind.INVOICE) | Q(entry__reverses__kind=EntryKind.INVOICE),
        account__kind=AccountKind.PARTNER,
        account__purpose=Purpose.COMMITTED,
    )
    for item in invoiced:
        row(*(item[k] for k in keys)).invoiced -= _exact(item)
    return sorted(
        rows.values(), key=lambda r: (r.fiscal_year, r.funder, r.program, r.direction, r.currency)
    )


def balances(*, internship=None) -> dict[str, dict[str, Decimal]]:
    """Per currency, per account (``kind:holder:purpose``): the balance (one query)."""
    lines = Line.objects.all()
    if internship is not None:
        lines = lines.filter(entry__internship=internship)
    out: dict[str, dict[str, Decimal]] = defaultdict(dict)
    for kind, holder, purpose, currency, total in (
        lines.values_list("account__kind", "account__holder", "account__purpose", "currency")
        .annotate(total=Sum("amount"))
        .order_by()
    ):
        out[currency][f"{kind}:{holder}:{purpose}"] = Money.rounded(total, currency).amount
    return out
