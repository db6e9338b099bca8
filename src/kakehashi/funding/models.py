"""Funding: rules as data, budgets, exchange rates, the ledger, invoices and payments.

The ledger is double-entry: an :class:`Entry` holds :class:`Line` s on :class:`Account` s
whose amounts add up to zero in every currency (a positive amount is a debit, a negative
one a credit). Entries and lines are never changed or deleted; a mistake is undone by a
reversal entry (docs/funding.md).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from kakehashi.core.enums import Direction
from kakehashi.core.fields import actor_field
from kakehashi.core.models import TimestampedModel
from kakehashi.funding.enums import (
    AccountKind,
    Currency,
    EntryKind,
    PaymentStatus,
    Purpose,
    RuleKind,
)
from kakehashi.funding.money import DECIMALS, Money, check_amount
from kakehashi.internships.fields import internship_field
from kakehashi.organisations.fields import organisation_field
from kakehashi.programs.fields import program_field


def fiscal_year(day: dt.date) -> int:
    """The fiscal year (April–March, in Canada and Japan alike) holding `day`, named by
    the year it starts: FY2027 runs from 1 April 2027 to 31 March 2028."""
    return day.year if day.month >= 4 else day.year - 1


def _amount_field(verbose: str, **kwargs) -> models.DecimalField:
    return models.DecimalField(verbose, max_digits=14, decimal_places=2, **kwargs)


def _currency_field(verbose: str = _("currency")) -> models.CharField:
    """The currency an amount beside it is in."""
    return models.CharField(verbose, max_length=3, choices=Currency.choices)


def _check(errors: dict, field: str, amount, currency) -> None:
    if amount is None or currency not in DECIMALS:
        return
    try:
        check_amount(amount, currency)
    except ValidationError as exc:
        errors.setdefault(field, []).extend(exc.messages)


class Funder(TimestampedModel):
    """Who pays: a funding agency or a partner organisation paying from its own budget."""

    code = models.CharField(
        _("code"),
        max_length=20,
        unique=True,
        validators=[
            RegexValidator(r"^[A-Z0-9]+(-[A-Z0-9]+)*$", _("Capitals, digits and hyphens."))
        ],
        help_text=_("Starts its invoice numbers, e.g. MITACS-FY2027-0001."),
    )
    name = models.CharField(_("name"), max_length=200)
    organisation = organisation_field(_("organisation"), related_name="funders", optional=True)
    country = models.CharField(_("country"), max_length=2, choices=[("CA", "CA"), ("JP", "JP")])
    is_example = models.BooleanField(
        _("example"), default=False, help_text=_("Invented for the demo, not a real funder.")
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("funder")
        verbose_name_plural = _("funders")

    def __str__(self) -> str:
        return self.name


class FundingRule(TimestampedModel):
    """One rule of a program's funding, edited by officers: an amount of a kind, in a
    currency, paid by a funder, with the source it was taken from and when it was last
    reviewed."""

    program = program_field(related_name="funding_rule_set")
    funder = models.ForeignKey(
        Funder, on_delete=models.PROTECT, related_name="rules", verbose_name=_("funder")
    )
    direction = models.CharField(
        _("direction"),
        max_length=5,
        choices=Direction.choices,
        blank=True,
        help_text=_("Blank: both directions."),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=RuleKind.choices)
    label = models.CharField(_("label"), max_length=200, blank=True)
    currency = _currency_field()
    amount = _amount_field(
        _("amount"),
        validators=[MinValueValidator(Decimal(0))],
        help_text=_("Per unit, per internship, per month, once, or the cap, by kind."),
    )
    partner_contribution = _amount_field(
        _("partner contribution"),
        default=Decimal(0),
        validators=[MinValueValidator(Decimal(0))],
        help_text=_("Of the amount, what the partner pays (invoiced by the funder); per unit."),
    )
    unit_months_min = models.PositiveSmallIntegerField(_("unit: shortest (months)"), default=4)
    unit_months_max = models.PositiveSmallIntegerField(_("unit: longest (months)"), default=6)
    source = models.CharField(_("source"), max_length=500)
    review_date = models.DateField(_("last reviewed"))
    is_example = models.BooleanField(
        _("example"), default=False, help_text=_("An example for the demo, not a real rule.")
    )

    class Meta:
        ordering = ["program", "funder", "direction", "kind", "id"]
        verbose_name = _("funding rule")
        verbose_name_plural = _("funding rules")

    def __str__(self) -> str:
        return f"{self.program.slug} · {self.funder.code} · {self.get_kind_display()}"

    @property
    def funder_contribution(self) -> Decimal:
        return self.amount - self.partner_contribution

    @property
    def money(self) -> Money:
        return Money(self.amount, self.currency)

    def clean(self) -> None:
        errors: dict[str, list] = {}
        _check(errors, "amount", self.amount, self.currency)
        _check(errors, "partner_contribution", self.partner_contribution, self.currency)
        if self.partner_contribution and self.kind != RuleKind.UNIT:
            errors.setdefault("partner_contribution", []).append(
                _("Only an amount per unit is split with the partner.")
            )
        if (
            self.amount is not None
            and self.partner_contribution is not None
            and self.partner_contribution > self.amount
        ):
            errors.setdefault("partner_contribution", []).append(
                _("The partner's contribution is more than the amount.")
            )
        if self.kind == RuleKind.UNIT and not (
            1 <= (self.unit_months_min or 0) <= (self.unit_months_max or 0)
        ):
            errors.setdefault("unit_months_min", []).append(
                _("A unit's shortest length is at least one month and at most its longest.")
            )
        if errors:
            raise ValidationError(errors)


class Budget(TimestampedModel):
    """What a funder has for a program, a direction and a fiscal year, in one currency."""

    funder = models.ForeignKey(
        Funder, on_delete=models.PROTECT, related_name="budgets", verbose_name=_("funder")
    )
    program = program_field(related_name="funding_budgets")
    direction = models.CharField(_("direction"), max_length=5, choices=Direction.choices)
    fiscal_year = models.PositiveSmallIntegerField(
        _("fiscal year"), help_text=_("The year it starts: 2027 is April 2027 to March 2028.")
    )
    currency = _currency_field()
    amount = _amount_field(_("amount"), validators=[MinValueValidator(Decimal(0))])
    source = models.CharField(_("source"), max_length=500, blank=True)
    caps_placements = models.BooleanField(
        _("caps placements"),
        default=False,
        help_text=_(
            "The money left caps how many interns a match run of the program's calls places "
            "in this direction."
        ),
    )

    class Meta:
        ordering = ["fiscal_year", "funder", "program", "direction"]
        verbose_name = _("budget")
        verbose_name_plural = _("budgets")
        constraints = [
            models.UniqueConstraint(
                fields=["funder", "program", "direction", "fiscal_year", "currency"],
                name="funding_budget_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.funder.code} FY{self.fiscal_year} {self.direction} {self.currency}"

    def clean(self) -> None:
        errors: dict[str, list] = {}
        _check(errors, "amount", self.amount, self.currency)
        if errors:
            raise ValidationError(errors)


class RateImport(models.Model):
    """One imported file of exchange rates: who, when, what it held."""

    filename = models.CharField(_("file name"), max_length=255, blank=True)
    imported_at = models.DateTimeField(_("imported at"), auto_now_add=True)
    imported_by = actor_field(_("imported by"))
    report = models.JSONField(_("report"), default=dict)

    class Meta:
        ordering = ["-imported_at"]
        verbose_name = _("exchange-rate import")
        verbose_name_plural = _("exchange-rate imports")

    def __str__(self) -> str:
        return f"{self.filename} ({self.imported_at:%Y-%m-%d %H:%M})"


class ExchangeRate(models.Model):
    """One observation of a Bank of Canada series: 1 `base` is worth `value` `quote` on
    `date` (FXJPYCAD: CAD per yen)."""

    series = models.CharField(_("series"), max_length=20)
    base = _currency_field(_("from"))
    quote = _currency_field(_("to"))
    date = models.DateField(_("date"))
    value = models.DecimalField(_("rate"), max_digits=18, decimal_places=8)
    imported = models.ForeignKey(
        RateImport,
        on_delete=models.PROTECT,
        related_name="rates",
        verbose_name=_("import"),
        null=True,
        blank=True,
    )

    class Meta:
        ordering = ["series", "-date"]
        verbose_name = _("exchange rate")
        verbose_name_plural = _("exchange rates")
        constraints = [
            models.UniqueConstraint(fields=["series", "date"], name="funding_rate_unique")
        ]

    def __str__(self) -> str:
        return f"{self.series} {self.date}: {self.value}"


class Account(models.Model):
    """An account of the ledger: a holder (funder, partner, intern, program) and what the
    amounts on it are (committed, invoiced, payable, paid, exchange)."""

    kind = models.CharField(_("kind"), max_length=10, choices=AccountKind.choices)
    holder = models.CharField(_("holder"), max_length=40, help_text=_("Its id or code."))
    purpose = models.CharField(_("purpose"), max_length=10, choices=Purpose.choices)
    name = models.CharField(_("name"), max_length=255)

    class Meta:
        ordering = ["kind", "holder", "purpose"]
        verbose_name = _("account")
        verbose_name_plural = _("accounts")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "holder", "purpose"], name="one_account_per_holder_and_purpose"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.holder}:{self.purpose}"


#: Why a ledger record refuses a change or a deletion.
_NEVER_CHANGED = _("Ledger records are never changed: reverse the entry instead.")
_NEVER_DELETED = _("Ledger records are never deleted: reverse the entry instead.")


class _Immutable(models.Model):
    """Written once: a save of an existing row or a delete raises."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None and not kwargs.pop("_allow_update", False):
            raise ValidationError(_NEVER_CHANGED, code="immutable")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_NEVER_DELETED, code="immutable")


class EntryQuerySet(models.QuerySet):
    def delete(self):
        raise ValidationError(_NEVER_DELETED, code="immutable")

    def update(self, **kwargs):
        raise ValidationError(_NEVER_CHANGED, code="immutable")


class Entry(_Immutable):
    """One event of the ledger, its lines balancing in every currency."""

    kind = models.CharField(_("kind"), max_length=10, choices=EntryKind.choices)
    internship = internship_field(related_name="ledger_entries", optional=True)
    funder = models.ForeignKey(
        Funder, on_delete=models.PROTECT, related_name="entries", verbose_name=_("funder")
    )
    program = program_field(related_name="ledger_entries")
    direction = models.CharField(_("direction"), max_length=5, choices=Direction.choices)
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"))
    occurred_on = models.DateField(_("date"))
    memo = models.CharField(_("memo"), max_length=500, blank=True)
    reverses = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        related_name="reversed_by",
        verbose_name=_("reverses"),
        null=True,
        blank=True,
    )
    created_by = actor_field(_("created by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = EntryQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")

    def __str__(self) -> str:
        return f"#{self.pk} {self.kind} {self.occurred_on}"


class Line(_Immutable):
    entry = models.ForeignKey(
        Entry, on_delete=models.PROTECT, related_name="lines", verbose_name=_("entry")
    )
    account = models.ForeignKey(
        Account, on_delete=models.PROTECT, related_name="lines", verbose_name=_("account")
    )
    amount = _amount_field(_("amount"), help_text=_("Positive: debit; negative: credit."))
    currency = _currency_field()

    objects = EntryQuerySet.as_manager()

    class Meta:
        ordering = ["entry", "id"]
        verbose_name = _("ledger line")
        verbose_name_plural = _("ledger lines")

    def __str__(self) -> str:
        return f"{self.account} {self.currency} {self.amount}"


class Invoice(models.Model):
    """A funder's invoice (or credit note, negative) to a partner organisation, numbered
    per funder and fiscal year, in the partner's language and currency."""

    number = models.CharField(_("number"), max_length=40, unique=True)
    funder = models.ForeignKey(
        Funder, on_delete=models.PROTECT, related_name="invoices", verbose_name=_("funder")
    )
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"))
    sequence = models.PositiveIntegerField(_("sequence"))
    partner = organisation_field(_("partner"), related_name="funding_invoices")
    internship = internship_field(related_name="invoices")
    issued_on = models.DateField(_("issued on"))
    language = models.CharField(_("language"), max_length=2)
    amount = _amount_field(_("amount"))
    currency = _currency_field()
    original_amount = _amount_field(_("original amount"))
    original_currency = _currency_field(_("original currency"))
    rate = models.ForeignKey(
        ExchangeRate,
        on_delete=models.PROTECT,
        related_name="invoices",
        verbose_name=_("exchange rate"),
        null=True,
        blank=True,
    )
    entry = models.OneToOneField(
        Entry, on_delete=models.PROTECT, related_name="invoice", verbose_name=_("ledger entry")
    )
    credits = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        related_name="credit_notes",
        verbose_name=_("credit note of"),
        null=True,
        blank=True,
    )

    class Meta:
        ordering = ["funder", "fiscal_year", "sequence"]
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        constraints = [
            models.UniqueConstraint(
                fields=["funder", "fiscal_year", "sequence"], name="funding_invoice_sequence"
            )
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_credit_note(self) -> bool:
        return self.amount < 0


class Payment(models.Model):
    """One payment of an intern's schedule: due on a date, then paid (a ledger entry) or
    cancelled (an early end, an amendment)."""

    internship = internship_field(related_name="payments")
    funder = models.ForeignKey(
        Funder, on_delete=models.PROTECT, related_name="payments", verbose_name=_("funder")
    )
    label = models.CharField(_("label"), max_length=200)
    due_on = models.DateField(_("due on"))
    amount = _amount_field(_("amount"))
    currency = _currency_field()
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=PaymentStatus.choices,
        default=PaymentStatus.SCHEDULED,
    )
    entry = models.OneToOneField(
        Entry,
        on_delete=models.PROTECT,
        related_name="payment",
        verbose_name=_("ledger entry"),
        null=True,
        blank=True,
    )

    class Meta:
        ordering = ["internship", "due_on", "id"]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")

    def __str__(self) -> str:
        return f"{self.due_on} {self.currency} {self.amount}"
