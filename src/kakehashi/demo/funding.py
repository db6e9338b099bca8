"""The demo's funding: three example rule sets, budgets and an invented rate file.

Everything here is an EXAMPLE, labelled so on every row (``is_example``, "(example)"
in names and labels): the amounts follow the shape of real schemes (a Mitacs
Accelerate-like unit split half and half with the partner; a research award; a yen
stipend and travel allowance paid by a Japanese partner) but are not their terms.
The exchange rates are an invented file in the Bank of Canada's format.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from kakehashi.funding.models import Budget, ExchangeRate, Funder, FundingRule
from kakehashi.funding.services import rates_import
from kakehashi.people.models import User
from kakehashi.programs.models import Program

RATES_FILE = "fx_rates_invented.csv"
REVIEWED = dt.date(2026, 12, 1)
EXAMPLE_SOURCE = "Example for the demo (invented; shaped like {scheme}): not the scheme's terms"

FUNDERS = [
    ("MITACS", "Mitacs Accelerate-like funder (example)", "CA"),
    ("CARA", "Canadian research award for Japan (example)", "CA"),
    ("JPPARTNER", "Japanese industry partner fund (example)", "JP"),
]

AWARD_PROGRAM = {
    "slug": "example-research-award-japan",
    "name_en": "Research award for Canadian students in Japan (example)",
    "name_fr": "Bourse de recherche pour les étudiants canadiens au Japon (exemple)",
    "name_ja": "カナダ人学生の日本での研究奨励金（例）",
    "directions": ["CA_JP"],
    "eligible_levels": ["masters", "phd"],
    "unit_weeks_min": 12,
    "unit_weeks_max": 24,
}

#: The Japanese partner's rules (Globalink, Japan to Canada, in yen): kind, label,
#: amount, and the partner's scheme each is shaped like.
PARTNER_RULES = [
    ("stipend", "Monthly stipend in Canada (example)", "200000", "overseas stipend"),
    ("travel", "Travel allowance to Canada (example)", "250000", "travel allowance"),
    ("cap", "Cap per person (example)", "1500000", "cap"),
]


def _rules(globalink: Program, award: Program, funders: dict[str, Funder]) -> list[FundingRule]:
    return [
        FundingRule(
            program=globalink,
            funder=funders["MITACS"],
            direction="CA_JP",
            kind="unit",
            label="Industrial internship unit, Canada to Japan (example)",
            currency="CAD",
            amount=Decimal("15000.00"),
            partner_contribution=Decimal("7500.00"),
            unit_months_min=4,
            unit_months_max=6,
            source=EXAMPLE_SOURCE.format(scheme="Mitacs Accelerate"),
        ),
        FundingRule(
            program=award,
            funder=funders["CARA"],
            direction="CA_JP",
            kind="award",
            label="Research award (example)",
            currency="CAD",
            amount=Decimal("6000.00"),
            source=EXAMPLE_SOURCE.format(scheme="Globalink Research Award"),
        ),
        *(
            FundingRule(
                program=globalink,
                funder=funders["JPPARTNER"],
                direction="JP_CA",
                kind=kind,
                label=label,
                currency="JPY",
                amount=Decimal(amount),
                source=EXAMPLE_SOURCE.format(scheme=f"a Japanese partner's {scheme}"),
            )
            for kind, label, amount, scheme in PARTNER_RULES
        ),
    ]


def funding_demo(report, *, data_dir) -> None:
    """Create the example funders, rules, budgets and rates that are missing."""
    funders = {}
    for code, name, country in FUNDERS:
        funder, created = Funder.objects.get_or_create(
            code=code, defaults={"name": name, "country": country, "is_example": True}
        )
        funders[code] = funder
        if created:
            report.add("funders")
    globalink = Program.objects.filter(slug="kakehashi-globalink").first()
    if globalink is None:
        return
    award = Program.objects.filter(slug=AWARD_PROGRAM["slug"]).first()
    if award is None:
        award = Program(**AWARD_PROGRAM)
        award.full_clean()
        award.save()
        report.add("programs")
    if not FundingRule.objects.filter(funder__in=funders.values()).exists():
        for rule in _rules(globalink, award, funders):
            rule.review_date = REVIEWED
            rule.is_example = True
            rule.full_clean()
            rule.save()
            report.add("funding rules")
    budgets = [
        (funders["MITACS"], globalink, "CA_JP", "CAD", Decimal("150000.00")),
        (funders["CARA"], award, "CA_JP", "CAD", Decimal("60000.00")),
        (funders["JPPARTNER"], globalink, "JP_CA", "JPY", Decimal("12000000")),
    ]
    for funder, program, direction, currency, amount in budgets:
        _budget, created = Budget.objects.get_or_create(
            funder=funder,
            program=program,
            direction=direction,
            fiscal_year=2027,
            currency=currency,
            defaults={"amount": amount, "source": "Example for the demo (invented)"},
        )
        if created:
            report.add("budgets")
    if not ExchangeRate.objects.exists():
        officer = User.objects.filter(username="officer").first()
        if officer is not None:
            data = (data_dir / RATES_FILE).read_bytes()
            result = rates_import(data=data, actor=officer, filename=RATES_FILE)
            report.add("exchange rates", result.created)
