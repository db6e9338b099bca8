"""The money left caps a match run's placements (programs.signals.placement_budget)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from kakehashi.funding.models import Budget, Funder
from kakehashi.funding.receivers import on_placement_budget
from kakehashi.matching.services import run_publish
from kakehashi.programs.models import Call
from tests.kakehashi.funding.conftest import uncommitted_internship, unit_rule


def fund(market, amount: str, caps: bool = True) -> Funder:
    funder = Funder.objects.create(code="MITACS", name="Mitacs-like", country="CA")
    unit_rule(market.call.program, funder)
    Budget.objects.create(
        funder=funder,
        program=market.call.program,
        direction="CA_JP",
        fiscal_year=2027,
        currency="CAD",
        amount=Decimal(amount),
        caps_placements=caps,
    )
    return funder


def placed_in_japan(run) -> int:
    keys = {"p-a", "p-b"}
    return sum(1 for project in run.result["assignments"].values() if project in keys)


def test_without_a_capping_budget_the_run_is_unchanged(market, start):
    fund(market, "10000.00", caps=False)
    run = start(market)
    assert run.policy["caps"] == []
    assert placed_in_japan(run) == 2


def test_the_budget_left_caps_placements_and_the_published_run_stays_within_it(market, start):
    fund(market, "10000.00")
    # Each CA_JP internship costs the funder 7,500 (its half of a unit): one fits.
    assert on_placement_budget(Call, call=market.call) == [
        {"label": "Budget MITACS FY2027", "direction": "CA_JP", "places": 1}
    ]
    run = start(market)
    assert run.policy["caps"] == [
        {
            "label": "Budget MITACS FY2027",
            "kind": "direction",
            "values": ["CA_JP"],
            "capacity": 1,
            "reserves": {},
        }
    ]
    run = run_publish(run=run, user=market.officer)
    assert placed_in_japan(run) * Decimal("7500.00") <= Decimal("10000.00")
    assert placed_in_japan(run) == 1


def test_an_existing_direction_cap_is_lowered_not_duplicated(market, start):
    fund(market, "0.00")
    run = start(
        market,
        policy={
            "caps": [{"label": "Japan", "kind": "direction", "values": ["CA_JP"], "capacity": 5}]
        },
    )
    assert [(c["label"], c["capacity"]) for c in run.policy["caps"]] == [("Japan", 0)]
    assert placed_in_japan(run) == 0


def test_a_capping_budget_needs_student_proposing_matching(market, start):
    fund(market, "10000.00")
    with pytest.raises(ValidationError, match="caps need student-proposing matching"):
        start(market, policy={"mode": "host"})


def test_an_internship_not_yet_committed_counts_against_the_budget(market, start):
    fund(market, "16000.00")
    assert on_placement_budget(Call, call=market.call)[0]["places"] == 2
    # An earlier internship of the program, accepted but not yet committed, costs 7,500.
    uncommitted_internship(market, first_day=dt.date(2027, 5, 1), last_day=dt.date(2027, 8, 31))
    assert on_placement_budget(Call, call=market.call)[0]["places"] == 1


def test_a_run_over_the_money_left_at_publication_is_refused_and_stays_unpublished(market, start):
    funder = fund(market, "20000.00")
    run = start(market)
    assert placed_in_japan(run) == 2
    # Meanwhile an officer lowers the budget: one internship fits now.
    Budget.objects.filter(funder=funder).update(amount=Decimal("10000.00"))
    with pytest.raises(ValidationError) as exc:
        run_publish(run=run, user=market.officer)
    assert exc.value.messages == [
        "The run places 2 interns in CA_JP; the money left (Budget MITACS FY2027) pays for 1. "
        "Run the match again."
    ]
    run.refresh_from_db()
    assert run.published_at is None
