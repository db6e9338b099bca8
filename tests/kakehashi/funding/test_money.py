"""Money: exact decimals with their currency; JPY has none, CAD two; no mixing."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from kakehashi.funding.models import FundingRule
from kakehashi.funding.money import Money, check_amount, format_money


def test_a_yen_amount_with_decimals_is_refused_with_a_clear_message():
    with pytest.raises(ValidationError) as exc:
        Money(Decimal("1000.5"), "JPY")
    assert exc.value.messages == ["JPY has no decimals: 1000.5 cannot be paid in JPY."]


def test_a_dollar_amount_with_three_decimals_is_refused():
    with pytest.raises(ValidationError) as exc:
        check_amount("10.005", "CAD")
    assert exc.value.messages == ["CAD has 2 decimals: 10.005 has more."]


def test_whole_decimals_are_accepted_and_normalised():
    assert Money("800000.00", "JPY").amount == Decimal("800000")
    assert Money("7500", "CAD").amount == Decimal("7500.00")


def test_computed_figures_round_half_up_to_the_currency():
    assert Money.rounded("1000.5", "JPY").amount == Decimal("1001")
    assert Money.rounded("1000.49", "JPY").amount == Decimal("1000")
    assert Money.rounded("7459.015", "CAD").amount == Decimal("7459.02")
    assert Money("15000.00", "CAD").times(Decimal("0.3333")).amount == Decimal("5000.00") - Decimal(
        "0.50"
    )


def test_floats_and_unknown_currencies_are_refused():
    with pytest.raises(ValidationError, match="not floats"):
        Money(0.1, "CAD")
    with pytest.raises(ValidationError, match="Unknown currency USD"):
        Money("1", "USD")


def test_currencies_never_mix():
    with pytest.raises(ValueError, match="Cannot mix currencies: CAD and JPY"):
        Money("1", "CAD") + Money("1", "JPY")
    with pytest.raises(ValueError):
        assert Money("1", "CAD") < Money("1", "JPY")


def test_amounts_are_written_with_their_currency():
    assert str(Money("7500", "CAD")) == "CAD 7,500.00"
    assert format_money(Decimal("806452"), "JPY") == "JPY 806,452"


def test_a_yen_rule_with_decimals_is_refused_by_the_model(funding):
    rule = FundingRule(
        program=funding.internship.program,
        funder=funding.funder,
        kind="stipend",
        currency="JPY",
        amount=Decimal("200000.50"),
        source="Invented",
        review_date=funding.rule.review_date,
    )
    with pytest.raises(ValidationError) as exc:
        rule.full_clean()
    assert exc.value.message_dict["amount"] == [
        "JPY has no decimals: 200000.50 cannot be paid in JPY."
    ]


def test_a_partner_share_larger_than_the_amount_is_refused(funding):
    rule = funding.rule
    rule.partner_contribution = Decimal("15000.01")
    with pytest.raises(ValidationError) as exc:
        rule.full_clean()
    assert exc.value.message_dict["partner_contribution"] == [
        "The partner's contribution is more than the amount."
    ]
