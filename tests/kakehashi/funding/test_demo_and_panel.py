"""The demo's example funding, and the panel funding adds to the internship page."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.template.loader import render_to_string

from kakehashi.funding import services
from kakehashi.funding.models import Budget, ExchangeRate, Funder, FundingRule
from kakehashi.funding.privacy import funding_data_export, funding_erase
from kakehashi.internships import signals
from kakehashi.internships.models import Internship
from kakehashi.programs.models import Program
from tests.kakehashi.funding.conftest import rate


@pytest.mark.django_db
def test_the_demo_carries_three_example_rule_sets_budgets_and_invented_rates():
    call_command("load_demo", stdout=StringIO())
    assert set(Funder.objects.values_list("code", "is_example")) == {
        ("MITACS", True),
        ("CARA", True),
        ("JPPARTNER", True),
    }
    rules = {
        (r.program.slug, r.funder.code, r.direction, r.kind): (r.amount, r.currency)
        for r in FundingRule.objects.select_related("program", "funder")
    }
    assert rules == {
        ("kakehashi-globalink", "MITACS", "CA_JP", "unit"): (Decimal("15000.00"), "CAD"),
        ("example-research-award-japan", "CARA", "CA_JP", "award"): (Decimal("6000.00"), "CAD"),
        ("kakehashi-globalink", "JPPARTNER", "JP_CA", "stipend"): (Decimal("200000"), "JPY"),
        ("kakehashi-globalink", "JPPARTNER", "JP_CA", "travel"): (Decimal("250000"), "JPY"),
        ("kakehashi-globalink", "JPPARTNER", "JP_CA", "cap"): (Decimal("1500000"), "JPY"),
    }
    assert FundingRule.objects.filter(is_example=False).count() == 0
    assert all("(example)" in r.label for r in FundingRule.objects.all())
    assert all("invented" in r.source for r in FundingRule.objects.all())
    mitacs = FundingRule.objects.get(kind="unit")
    assert (mitacs.partner_contribution, mitacs.funder_contribution) == (
        Decimal("7500.00"),
        Decimal("7500.00"),
    )
    assert "(example)" in Program.objects.get(slug="example-research-award-japan").name_en
    assert Budget.objects.filter(fiscal_year=2027).count() == 3
    # The past round (invented) adds the Canada-to-Japan budget of the years it started in.
    assert set(
        Budget.objects.exclude(fiscal_year=2027).values_list("funder__code", "direction")
    ) <= {("MITACS", "CA_JP")}
    assert all("invented" in b.source for b in Budget.objects.all())
    assert ExchangeRate.objects.filter(series="FXJPYCAD").count() > 300


def test_the_internship_page_panel(funding):
    rate(dt.date(2027, 3, 1))
    services.commitment_create(internship=funding.internship, on=dt.date(2027, 3, 1))
    answers = signals.internship_page.send(
        sender=Internship, internship=funding.internship, user=funding.intern
    )
    # Other apps (outcomes) add their own panels: this test reads funding's.
    (panel,) = [p for _r, ps in answers if ps for p in ps if p["template"].startswith("funding/")]
    assert (panel["order"], panel["title"], panel["template"]) == (
        30,
        "Funding",
        "funding/_panel.html",
    )
    assert len(panel["context"]["payments"]) == 4
    html = render_to_string(panel["template"], panel["context"])
    assert "CAD 7,500.00" in html and "CAD 3,750.00" in html
    # The host's supervisor sees the budget, not the intern's payments.
    answers = signals.internship_page.send(
        sender=Internship,
        internship=funding.internship,
        user=funding.internship.project.supervisions.first().person,
    )
    # Other apps (outcomes) add their own panels: this test reads funding's.
    (panel,) = [p for _r, ps in answers if ps for p in ps if p["template"].startswith("funding/")]
    assert panel["context"]["payments"] == [] and len(panel["context"]["lines"]) == 2


def test_the_interns_payments_are_in_their_data_export_and_kept_on_deletion(funding):
    rate(dt.date(2027, 3, 1))
    services.commitment_create(internship=funding.internship, on=dt.date(2027, 3, 1))
    section = funding_data_export(sender=None, person=funding.intern)["payments"]
    assert [(r["due_on"], r["amount"], r["currency"]) for r in section["records"]][:1] == [
        ("2027-05-01", "3750.00", "CAD")
    ]
    (item,) = funding_erase(sender=None, person=funding.intern, placeholder="x", dry_run=True)
    assert (item["count"], item["action"]) == (4, "kept")
