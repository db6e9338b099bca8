"""What the rules give an internship's dates: months, units, stipends, caps, schedule."""

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError

from kakehashi.funding import calculation
from kakehashi.funding.money import Money


def rule(kind, amount, currency="CAD", partner="0", pk=1, funder_id=1, code="F", **kw):
    values = dict(
        pk=pk,
        funder_id=funder_id,
        funder=SimpleNamespace(code=code),
        direction="",
        kind=kind,
        label=kind,
        currency=currency,
        amount=Decimal(amount),
        partner_contribution=Decimal(partner),
        funder_contribution=Decimal(amount) - Decimal(partner),
        unit_months_min=4,
        unit_months_max=6,
        source="Invented",
        money=Money(amount, currency),
    )
    values.update(kw)
    return SimpleNamespace(**values, get_kind_display=lambda: kind)


def test_months_count_whole_periods_and_the_share_of_the_last():
    assert calculation.months(dt.date(2027, 5, 1), dt.date(2027, 8, 31)) == Decimal(4)
    # 10 May – 24 September: four whole periods (to 9 September), then 15 of 30 days.
    assert calculation.months(dt.date(2027, 5, 10), dt.date(2027, 9, 24)) == Decimal("4.5")
    # 31 January + one month is 28 February (clamped).
    assert calculation.add_months(dt.date(2027, 1, 31), 1) == dt.date(2027, 2, 28)


def test_a_unit_is_split_between_partner_and_funder():
    lines = calculation.budget_lines(
        rules=[rule("unit", "15000.00", partner="7500.00")],
        direction="CA_JP",
        start=dt.date(2027, 5, 1),
        last_day=dt.date(2027, 9, 30),
    )
    assert [(line.payer, line.money) for line in lines] == [
        ("funder", Money("7500.00", "CAD")),
        ("partner", Money("7500.00", "CAD")),
    ]


def test_longer_than_a_unit_counts_two_units():
    lines = calculation.budget_lines(
        rules=[rule("unit", "15000.00", partner="7500.00")],
        direction="CA_JP",
        start=dt.date(2027, 5, 1),
        last_day=dt.date(2027, 11, 30),
    )
    assert [line.money.amount for line in lines] == [Decimal("15000.00"), Decimal("15000.00")]


def test_shorter_than_a_unit_is_refused():
    with pytest.raises(ValidationError) as exc:
        calculation.budget_lines(
            rules=[rule("unit", "15000.00", partner="7500.00")],
            direction="CA_JP",
            start=dt.date(2027, 5, 1),
            last_day=dt.date(2027, 7, 31),
        )
    assert exc.value.messages == [
        "The internship lasts 3 months; a unit of “unit” lasts at least 4 months."
    ]


def test_a_yen_stipend_and_travel_with_a_cap():
    rules = [
        rule("stipend", "200000", currency="JPY"),
        rule("travel", "250000", currency="JPY", pk=2),
        rule("cap", "900000", currency="JPY", pk=3),
    ]
    lines = calculation.budget_lines(
        rules=rules, direction="JP_CA", start=dt.date(2027, 6, 1), last_day=dt.date(2027, 9, 15)
    )
    # 3 whole months and 15 of 30 days: 3.5 × 200,000 = 700,000; with 250,000 of travel
    # it is over the cap of 900,000.
    assert [(line.kind, line.money.amount) for line in lines] == [
        ("stipend", Decimal("700000")),
        ("travel", Decimal("250000")),
        ("cap", Decimal("-50000")),
    ]


def test_rules_of_the_other_direction_give_nothing():
    lines = calculation.budget_lines(
        rules=[rule("award", "6000.00", direction="CA_JP")],
        direction="JP_CA",
        start=dt.date(2027, 6, 1),
        last_day=dt.date(2027, 9, 15),
    )
    assert lines == []


def test_the_schedule_pays_travel_first_and_the_rest_monthly_to_the_cent():
    lines = calculation.budget_lines(
        rules=[rule("award", "6000.00"), rule("travel", "1500.00", pk=2)],
        direction="CA_JP",
        start=dt.date(2027, 6, 1),
        last_day=dt.date(2027, 8, 20),
    )
    payments = calculation.schedule(
        lines=lines, start=dt.date(2027, 6, 1), last_day=dt.date(2027, 8, 20)
    )
    # Periods: June (1), July (1), 1–20 August (20/31 = 0.6452): 6000 × 1/2.6452 = 2268.26.
    assert [(p.due_on, p.money.amount) for p in payments] == [
        (dt.date(2027, 6, 1), Decimal("1500.00")),
        (dt.date(2027, 6, 1), Decimal("2268.26")),
        (dt.date(2027, 7, 1), Decimal("2268.26")),
        (dt.date(2027, 8, 1), Decimal("1463.48")),
    ]
    assert sum(p.money.amount for p in payments) == Decimal("7500.00")


def test_pro_rata_counts_days_inclusively():
    # 1 May – 31 August: 123 days; ended 30 June leaves 62 unused: 7500 × 62/123.
    refund = calculation.pro_rata(
        Money("7500.00", "CAD"),
        start=dt.date(2027, 5, 1),
        end=dt.date(2027, 8, 31),
        ended_on=dt.date(2027, 6, 30),
    )
    assert refund == Money("3780.49", "CAD")
    yen = calculation.pro_rata(
        Money("700001", "JPY"),
        start=dt.date(2027, 5, 1),
        end=dt.date(2027, 8, 31),
        ended_on=dt.date(2027, 6, 30),
    )
    # 700001 × 62 / 123 = 352846.0975…: yen rounded to a whole yen.
    assert yen == Money("352846", "JPY")
