"""Money: a ``Decimal`` amount with its ISO 4217 currency, never one without the other.

CAD has two decimals, JPY none. :func:`money` is the strict constructor for what people
type (an amount with more decimals than its currency has is refused with a message);
:meth:`Money.rounded` is for what the ledger computes (a pro-rata share, a converted
figure): rounded half up to the currency's decimals. Adding or comparing two amounts in
different currencies raises: totals never mix currencies.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

#: Decimals per currency (ISO 4217 minor units).
DECIMALS = {"CAD": 2, "JPY": 0}
#: The largest amount the database columns hold (max_digits=14).
MAX_AMOUNT = Decimal("999999999999")


def quantum(currency: str) -> Decimal:
    return Decimal(1).scaleb(-DECIMALS[currency])


def check_currency(currency: str) -> str:
    if currency not in DECIMALS:
        raise ValidationError(
            _("Unknown currency %(currency)s: use one of %(known)s.")
            % {"currency": currency, "known": ", ".join(DECIMALS)},
            code="currency",
        )
    return currency


def to_decimal(value: Any) -> Decimal:
    """A Decimal from a Decimal, an int or a string; never from a float (inexact)."""
    if isinstance(value, float | bool):
        raise ValidationError(_("Give amounts as text or whole numbers, not floats."), code="float")
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except InvalidOperation as exc:
        raise ValidationError(
            _("“%(value)s” is not an amount.") % {"value": value}, code="amount"
        ) from exc
    if not amount.is_finite():
        raise ValidationError(_("“%(value)s” is not an amount.") % {"value": value}, code="amount")
    return amount


def check_amount(amount: Any, currency: str) -> Decimal:
    """`amount` as a Decimal if `currency` can hold it exactly, else a ValidationError
    (JPY with decimals, CAD with more than two)."""
    check_currency(currency)
    amount = to_decimal(amount)
    if abs(amount) > MAX_AMOUNT:
        raise ValidationError(
            _("%(amount)s is more than the largest amount (%(max)s).")
            % {"amount": amount, "max": MAX_AMOUNT},
            code="too_large",
        )
    places = DECIMALS[currency]
    if amount != amount.quantize(quantum(currency), rounding=ROUND_HALF_UP):
        if places == 0:
            message = _("%(currency)s has no decimals: %(amount)s cannot be paid in %(currency)s.")
        else:
            message = _("%(currency)s has %(places)d decimals: %(amount)s has more.")
        raise ValidationError(
            message % {"currency": currency, "amount": amount, "places": places},
            code="decimals",
        )
    return amount.quantize(quantum(currency))


@dataclass(frozen=True, order=False)
class Money:
    amount: Decimal
    currency: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "amount", check_amount(self.amount, self.currency))

    @classmethod
    def rounded(cls, amount: Any, currency: str) -> Money:
        """`amount` rounded half up to `currency`'s decimals (a computed figure)."""
        check_currency(currency)
        value = to_decimal(amount).quantize(quantum(currency), rounding=ROUND_HALF_UP)
        return cls(value, currency)

    @classmethod
    def zero(cls, currency: str) -> Money:
        return cls(Decimal(0), currency)

    def _same(self, other: Money) -> None:
        if not isinstance(other, Money):
            raise TypeError("Money only adds to Money")
        if other.currency != self.currency:
            raise ValueError(f"Cannot mix currencies: {self.currency} and {other.currency}")

    def __add__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount - other.amount, self.currency)

    def __neg__(self) -> Money:
        return Money(-self.amount, self.currency)

    def __lt__(self, other: Money) -> bool:
        self._same(other)
        return self.amount < other.amount

    def __le__(self, other: Money) -> bool:
        self._same(other)
        return self.amount <= other.amount

    def times(self, factor: Any) -> Money:
        """This amount times `factor` (a Decimal or int), rounded to the currency."""
        return Money.rounded(self.amount * to_decimal(factor), self.currency)

    def __str__(self) -> str:
        return format_money(self.amount, self.currency)


def format_money(amount: Decimal, currency: str) -> str:
    """``CAD 7,500.00``, ``JPY 800,000``: the code first, so no reader guesses the currency."""
    places = DECIMALS.get(currency, 2)
    return f"{currency} {amount:,.{places}f}"


def plain(amount: Decimal, currency: str) -> str:
    """The amount as exact text in its currency's decimals: ``"7500.00"``, ``"806452"``."""
    return str(amount.quantize(quantum(currency)))
