from django.db import models
from django.utils.translation import gettext_lazy as _


class Currency(models.TextChoices):
    CAD = "CAD", _("Canadian dollar (CAD)")
    JPY = "JPY", _("Japanese yen (JPY)")


class RuleKind(models.TextChoices):
    #: An amount per unit of a length (e.g. 4–6 months), split between partner and funder.
    UNIT = "unit", _("Amount per unit of a length")
    #: One award per internship, paid in monthly instalments.
    AWARD = "award", _("Award per internship")
    #: A stipend paid every month of the internship.
    STIPEND = "stipend", _("Monthly stipend")
    #: A travel allowance paid once, at the start.
    TRAVEL = "travel", _("Travel allowance (lump sum)")
    #: The most a funder pays one person in one currency, all rules together.
    CAP = "cap", _("Cap per person")


class Payer(models.TextChoices):
    FUNDER = "funder", _("funder")
    PARTNER = "partner", _("partner")


class EntryKind(models.TextChoices):
    COMMITMENT = "commitment", _("Commitment")
    INVOICE = "invoice", _("Invoice")
    PAYMENT = "payment", _("Payment")
    REFUND = "refund", _("Refund")
    ADJUSTMENT = "adjustment", _("Adjustment")
    REVERSAL = "reversal", _("Reversal")


class AccountKind(models.TextChoices):
    FUNDER = "funder", _("funder")
    PARTNER = "partner", _("partner")
    INTERN = "intern", _("intern")
    PROGRAM = "program", _("program")
    EXCHANGE = "exchange", _("currency exchange")


class Purpose(models.TextChoices):
    COMMITTED = "committed", _("committed")
    INVOICED = "invoiced", _("invoiced")
    PAYABLE = "payable", _("payable")
    PAID = "paid", _("paid")
    EXCHANGE = "exchange", _("exchange")


class PaymentStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    PAID = "paid", _("Paid")
    CANCELLED = "cancelled", _("Cancelled")
