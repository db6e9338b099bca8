"""What a program's funding rules give one internship: budget lines and a payment schedule.

Pure arithmetic on the rules and the dates (no writes). Lengths are counted in monthly
periods from the start date (1 June → 1 July → …): every whole period is one month, the
last one counts the share of its days the internship covers. An amount per unit counts
``ceil(months / longest unit)`` units, at least one; an internship shorter than the
shortest unit is refused.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from kakehashi.funding.enums import Payer, RuleKind
from kakehashi.funding.money import Money, quantum

#: Months are shown and computed to four decimals.
MONTHS_PLACES = Decimal("0.0001")


def add_months(day: dt.date, months: int) -> dt.date:
    """`day` moved by whole months, the day clamped to the month's length (31 Jan + 1 →
    28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


@dataclass(frozen=True)
class Period:
    """One monthly period: its first day, its last day within the internship, and the
    share of a whole period it covers (1 for every period but maybe the last)."""

    start: dt.date
    end: dt.date
    fraction: Decimal


def periods(start: dt.date, last_day: dt.date) -> list[Period]:
    if last_day < start:
        raise ValidationError(_("The internship ends before it starts."), code="dates")
    out = []
    k = 0
    while True:
        begin = add_months(start, k)
        if begin > last_day:
            break
        full_end = add_months(start, k + 1) - dt.timedelta(days=1)
        end = min(full_end, last_day)
        if end == full_end:
            fraction = Decimal(1)
        else:
            fraction = (
                Decimal((end - begin).days + 1) / Decimal((full_end - begin).days + 1)
            ).quantize(MONTHS_PLACES, rounding=ROUND_HALF_UP)
        out.append(Period(begin, end, fraction))
        k += 1
    return out


def months(start: dt.date, last_day: dt.date) -> Decimal:
    return sum((p.fraction for p in periods(start, last_day)), Decimal(0))


@dataclass(frozen=True)
class BudgetLine:
    funder_id: int
    funder: str
    rule_id: int | None
    kind: str
    payer: str
    label: str
    money: Money
    source: str

    def as_data(self) -> dict:
        """The shape ``internships.signals.agreement_budget`` asks for, and ours."""
        return {
            "funder": self.funder,
            "label": self.label,
            "amount": str(self.money.amount),
            "currency": self.money.currency,
            "source": self.source,
            "payer": self.payer,
            "kind": self.kind,
            "rule": self.rule_id,
        }


def rules_for(rules, direction: str) -> list:
    return [r for r in rules if not r.direction or r.direction == direction]


def funder_share(lines, *, funder_id: int, currency: str) -> Decimal:
    """What the funder `funder_id` itself pays in `currency` on budget `lines`."""
    return sum(
        (
            line.money.amount
            for line in lines
            if line.funder_id == funder_id
            and line.payer == Payer.FUNDER
            and line.money.currency == currency
        ),
        Decimal(0),
    )


def budget_lines(*, rules, direction: str, start: dt.date, last_day: dt.date) -> list[BudgetLine]:
    """The budget lines `rules` give an internship of `direction` from `start` to
    `last_day`, in the rules' order; caps per person come last, as negative lines."""
    length = months(start, last_day)
    out: list[BudgetLine] = []
    caps = []
    for rule in rules_for(rules, direction):
        code = rule.funder.code
        label = rule.label or rule.get_kind_display()

        def line(amount: Money, payer: str, text: str, rule=rule, code=code) -> None:
            if amount.amount:
                out.append(
                    BudgetLine(
                        rule.funder_id, code, rule.pk, rule.kind, payer, text, amount, rule.source
                    )
                )

        if rule.kind == RuleKind.UNIT:
            if length < rule.unit_months_min:
                raise ValidationError(
                    _(
                        "The internship lasts %(months)s months; a unit of “%(rule)s” lasts "
                        "at least %(min)d months."
                    )
                    % {"months": length.normalize(), "rule": label, "min": rule.unit_months_min},
                    code="too_short",
                )
            units = max(1, math.ceil(length / rule.unit_months_max))
            partner = Money(rule.partner_contribution, rule.currency).times(units)
            funder = Money(rule.funder_contribution, rule.currency).times(units)
            line(
                funder,
                Payer.FUNDER,
                _("%(label)s: %(units)d unit(s), funder's share")
                % {"label": label, "units": units},
            )
            line(
                partner,
                Payer.PARTNER,
                _("%(label)s: %(units)d unit(s), partner's share (invoiced)")
                % {"label": label, "units": units},
            )
        elif rule.kind == RuleKind.STIPEND:
            line(
                rule.money.times(length),
                Payer.FUNDER,
                _("%(label)s: %(months)s months") % {"label": label, "months": length.normalize()},
            )
        elif rule.kind in (RuleKind.AWARD, RuleKind.TRAVEL):
            line(rule.money, Payer.FUNDER, label)
        elif rule.kind == RuleKind.CAP:
            caps.append(rule)
    for cap in caps:
        total = funder_share(out, funder_id=cap.funder_id, currency=cap.currency)
        if total > cap.amount:
            out.append(
                BudgetLine(
                    cap.funder_id,
                    cap.funder.code,
                    cap.pk,
                    cap.kind,
                    Payer.FUNDER,
                    _("Cap per person: %(cap)s") % {"cap": cap.money},
                    Money(cap.amount - total, cap.currency),
                    cap.source,
                )
            )
    return out


@dataclass(frozen=True)
class ScheduledPayment:
    funder_id: int
    label: str
    due_on: dt.date
    money: Money


def split(total: Money, weights: list[Decimal]) -> list[Money]:
    """`total` in parts proportional to `weights`, each rounded to the currency, the
    rounding left on the last part so the parts add up to `total` exactly."""
    weight = sum(weights, Decimal(0))
    if not weights or not weight:
        return []
    parts = [Money.rounded(total.amount * w / weight, total.currency) for w in weights[:-1]]
    done = sum((p.amount for p in parts), Decimal(0))
    parts.append(Money((total.amount - done).quantize(quantum(total.currency)), total.currency))
    return parts


def schedule(
    *, lines: list[BudgetLine], start: dt.date, last_day: dt.date
) -> list[ScheduledPayment]:
    """The intern's payments: travel allowances on the first day; everything else
    (stipends, awards, units, less caps) per funder and currency in monthly instalments on
    each period's first day, in proportion to the share of the period covered."""
    spans = periods(start, last_day)
    weights = [p.fraction for p in spans]
    out: list[ScheduledPayment] = []
    monthly: dict[tuple[int, str], Decimal] = {}
    for line in lines:
        if line.kind == RuleKind.TRAVEL:
            out.append(ScheduledPayment(line.funder_id, line.label, start, line.money))
        else:
            key = (line.funder_id, line.money.currency)
            monthly[key] = monthly.get(key, Decimal(0)) + line.money.amount
    for (funder_id, currency), amount in monthly.items():
        if amount <= 0:
            continue
        for period, part in zip(spans, split(Money(amount, currency), weights), strict=True):
            if part.amount:
                out.append(
                    ScheduledPayment(
                        funder_id,
                        _("Stipend %(start)s – %(end)s")
                        % {"start": period.start.isoformat(), "end": period.end.isoformat()},
                        period.start,
                        part,
                    )
                )
    return sorted(out, key=lambda p: (p.due_on, p.funder_id, p.money.currency))


def pro_rata(amount: Money, *, start: dt.date, end: dt.date, ended_on: dt.date) -> Money:
    """The share of `amount` for the days after `ended_on` up to `end` (both counted
    inclusively from `start`), rounded half up to the currency: what an early end gives
    back."""
    total = (end - start).days + 1
    unused = (end - ended_on).days
    if unused <= 0 or total <= 0:
        return Money.zero(amount.currency)
    return Money.rounded(amount.amount * Decimal(unused) / Decimal(total), amount.currency)
