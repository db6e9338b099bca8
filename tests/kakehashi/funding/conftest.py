"""Funding's world: the offers' published world, the candidate's offer accepted (an
internship at a Japanese host, 1 May – 31 August 2027, CA_JP), a Japanese company as
its industry partner, a Mitacs-like rule on the call's program and the yen rate."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest

from kakehashi.funding.models import Budget, ExchangeRate, Funder, FundingRule
from kakehashi.internships.models import Internship
from kakehashi.offers.models import Offer
from kakehashi.offers.services import offer_accept
from tests import factories
from tests.kakehashi.matching.conftest import market, start  # noqa: F401  (fixtures reused)
from tests.kakehashi.offers.conftest import (  # noqa: F401  (fixtures reused by name)
    DEADLINE,
    before_deadline,
    publish_run,
    published,
    world,
)

REVIEWED = dt.date(2026, 11, 1)
SOURCE = "Invented for the tests"


def unit_rule(program, funder, **kwargs) -> FundingRule:
    values = dict(
        program=program,
        funder=funder,
        direction="CA_JP",
        kind="unit",
        label="Accelerate-like unit",
        currency="CAD",
        amount=Decimal("15000.00"),
        partner_contribution=Decimal("7500.00"),
        unit_months_min=4,
        unit_months_max=6,
        source=SOURCE,
        review_date=REVIEWED,
    )
    values.update(kwargs)
    rule = FundingRule(**values)
    rule.full_clean()
    rule.save()
    return rule


def rate(day: dt.date, value: str = "0.0093", series: str = "FXJPYCAD") -> ExchangeRate:
    return ExchangeRate.objects.create(
        series=series, base=series[2:5], quote=series[5:8], date=day, value=Decimal(value)
    )


@pytest.fixture
def funding(world, published, before_deadline):  # noqa: F811  (the fixtures above)
    offer_accept(offer=published.offer, candidate=world.candidate, now=before_deadline)
    internship = Internship.objects.select_related("program", "partner", "intern").get()
    partner = factories.OrganisationFactory(
        name="Kansai Robotics KK", name_ja="関西ロボティクス株式会社", type="company"
    )
    internship.partner = partner
    internship.direction = "CA_JP"
    internship.save()
    mitacs = Funder.objects.create(code="MITACS", name="Mitacs-like funder", country="CA")
    rule = unit_rule(internship.program, mitacs)
    budget = Budget.objects.create(
        funder=mitacs,
        program=internship.program,
        direction="CA_JP",
        fiscal_year=2027,
        currency="CAD",
        amount=Decimal("100000.00"),
    )
    return SimpleNamespace(
        internship=internship,
        partner=partner,
        funder=mitacs,
        rule=rule,
        budget=budget,
        officer=world.officer,
        intern=world.candidate,
    )


def uncommitted_internship(program_market, *, first_day, last_day) -> Internship:
    """An internship of the market's program, as an accepted offer of an earlier call
    would have started it (no agreement yet, so nothing committed)."""
    earlier = factories.CallFactory(program=program_market.call.program, slug="earlier")
    project = factories.ProjectFactory(
        call=earlier, host=program_market.kyoto, start_date=first_day, end_date=last_day
    )
    person = factories.candidate(user__username="earlier-intern")
    run = publish_run(
        call=earlier,
        instance={
            "students": {f"c{person.pk}": [project.key]},
            "projects": {project.key: {"capacity": 1, "ranking": []}},
            "supervisors": {},
        },
    )
    offer = Offer.objects.create(
        run=run, candidate=person, project=project, deadline=run.published_at
    )
    return Internship.objects.create(
        offer=offer,
        intern=person,
        project=project,
        program=program_market.call.program,
        direction="CA_JP",
        level="phd",
        host=program_market.kyoto,
        region="JP-26",
        start_date=first_day,
        end_date=last_day,
        working_language="en",
    )
