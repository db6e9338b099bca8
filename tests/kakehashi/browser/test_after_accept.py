"""Issue 12's journey, in Chromium, on the demo (its previous round, invented): Arjun, a
Canadian PhD student, accepts his ATR offer; the internship and its agreement appear; the
parties write, name, screen and approve it; the partner (KDDI Research) is invoiced in yen
and Arjun's stipends are scheduled in dollars; his mobility checklist shows Designated
Activities with the Certificate of Eligibility worked back over Japanese holidays;
Kentaro, a Japanese student, accepts 12 weeks in Vancouver and gets the short-term
researcher route; an early end refunds pro rata; the officer's budget page shows
committed, invoiced, paid and remaining.

The demo is laid out from a fixed day (`TODAY`) so dates are exact. The invoice's yen
depend on the invented rate of the day it is issued (the real day), so that one figure is
worked out from the rate the invoice names. Screenshots: artifacts/screenshots/after-accept-*.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

import pytest
from playwright.sync_api import expect

from kakehashi.demo.services import demo_load
from kakehashi.funding.models import ExchangeRate, Invoice
from kakehashi.internships.models import Internship
from kakehashi.people.models import User
from kakehashi.people.names import person_name
from tests.kakehashi.browser.helpers import sign_in

from .conftest import SCREENSHOTS, _ensure_research_fields

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

#: The day the demo is laid out from: Arjun's project then starts on 4 April 2027
#: (a Sunday) and lasts 24 weeks; Kentaro's starts the same day for 12 weeks.
TODAY = dt.date(2026, 12, 5)
START, END, ENDED_ON = "Apr. 4, 2027", "Sept. 18, 2027", dt.date(2027, 6, 3)
PARTIES = (
    ("cand-arjun", "Intern", "intern"),
    ("sup-atr-wave", "Host supervisor", "host_supervisor"),
    ("supervisor-ca", "Home supervisor", "home_supervisor"),
    ("sup-kddi", "Partner's signatory", "partner_signatory"),
    ("officer", "Program officer", "officer"),
)


def _shot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"after-accept-{name}.png"), full_page=True)


def _accept(page, username) -> Internship:
    sign_in(page, username)
    page.goto("/results/")
    page.get_by_role("button", name="Accept").click()
    link = page.get_by_role("link", name="Your internship: research plan, budget and agreement")
    expect(link).to_be_visible()
    return Internship.objects.get(intern__username=username)


def test_accept_agree_fund_move_end_early_and_budget(new_page, axe_check):
    _ensure_research_fields()
    demo_load(today=TODAY)
    people = {u.username: u for u in User.objects.filter(username__in=[p for p, *_ in PARTIES])}
    pages = {}

    # Arjun accepts; the internship and its draft agreement appear.
    arjun = pages["cand-arjun"] = new_page("en-CA")
    internship = _accept(arjun, "cand-arjun")
    _shot(arjun, "01-accepted")
    arjun.get_by_role("link", name="Your internship: research plan, budget and agreement").click()
    expect(arjun.get_by_role("heading", level=1)).to_have_text("Internship of Arjun Mehta")
    expect(arjun.locator("#agreement-status")).to_have_text("Draft: awaiting approvals")
    assert (internship.host.ror_id, internship.partner.name, internship.region) == (
        "01pe1d703",
        "KDDI Research (Japan)",
        "JP-26",
    )
    assert (internship.start_date, internship.end_date) == (
        dt.date(2027, 4, 4),
        dt.date(2027, 9, 18),
    )

    # He writes the plan in English and Japanese, picks the IP option, names his home
    # supervisor at UBC.
    arjun.get_by_text("Edit the draft").click()
    arjun.fill("#id_plan_intern", "Learn spectrum-sharing policies between satellites and 6G.")
    arjun.fill("#id_plan_host", "衛星と地上6G網の周波数共用方策を強化学習で設計する。")
    arjun.select_option("#id_ip_option", "host-owns")
    arjun.get_by_role("button", name="Save the draft").click()
    expect(arjun.locator(".messages")).to_contain_text("The agreement was saved as a new version.")
    arjun.get_by_text("Edit the draft").click()
    arjun.select_option("#id_home_supervisor", label=person_name(people["supervisor-ca"]))
    arjun.get_by_role("button", name="Name the parties").click()
    expect(arjun.locator(".blockers")).to_contain_text("The partner's signatory is not named yet.")

    # The officer names KDDI's signatory and decides the research-security question.
    officer = pages["officer"] = new_page("en-CA")
    sign_in(officer, "officer")
    officer.goto(f"/internships/{internship.pk}/")
    officer.get_by_text("Edit the draft").click()
    officer.select_option("#id_partner_signatory", label=person_name(people["sup-kddi"]))
    officer.get_by_role("button", name="Name the parties").click()
    officer.get_by_label("Not in a sensitive technology research area").check()
    officer.get_by_role("button", name="Record the decision").click()

    # ATR's supervisor records the deemed-export screening; nothing blocks any more.
    host = pages["sup-atr-wave"] = new_page("en-CA")
    sign_in(host, "sup-atr-wave")
    host.goto(f"/internships/{internship.pk}/")
    host.select_option("#id_outcome", "cleared")
    host.fill("#id_reference", "ATR-EC-2027-007")
    host.get_by_role("button", name="Record the screening").click()
    expect(host.locator("#security")).to_contain_text("ATR-EC-2027-007")
    expect(host.locator(".blockers")).to_have_count(0)
    _shot(host, "02-ready-to-approve")

    # Every party approves in the browser.
    for username, party, code in PARTIES:
        page = pages.get(username)
        if page is None:
            page = pages[username] = new_page("en-CA")
            sign_in(page, username)
        page.goto(f"/internships/{internship.pk}/")
        page.get_by_role("button", name=f"Approve as {party}").click()
        expect(page.locator(f"#agreement tr[data-party={code}]")).to_contain_text("Approved by")
    expect(officer.locator("#agreement-status")).to_have_text("In force")
    _shot(officer, "03-in-force")

    # Funding: the partner's half invoiced in yen (in Japanese), the stipends in dollars.
    officer.goto(f"/funding/internships/{internship.pk}/")
    schedule = officer.locator("section[aria-labelledby=payments-h] tbody tr")
    expect(schedule).to_have_count(6)
    for row in range(5):
        expect(schedule.nth(row)).to_contain_text("CAD 2,727.27")
    expect(schedule.nth(0)).to_contain_text("Stipend 2027-04-04 – 2027-05-03")
    expect(schedule.nth(5)).to_contain_text("CAD 1,363.65")
    axe_check(officer)
    _shot(officer, "04-funding")
    invoice = Invoice.objects.get(internship=internship)
    rate = ExchangeRate.objects.filter(series="FXJPYCAD", date__lte=invoice.issued_on).latest(
        "date"
    )
    yen = (Decimal("7500.00") / rate.value).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    assert (invoice.currency, invoice.amount, invoice.original_amount, invoice.language) == (
        "JPY",
        yen,
        Decimal("7500.00"),
        "ja",
    )
    # Only officers and the partner's admins see invoices (the signatory approves the
    # agreement; the invoice goes to the organisation): an officer reading in Japanese.
    signatory = new_page("ja-JP")
    sign_in(signatory, "officer")
    signatory.goto(f"/funding/invoices/{invoice.pk}/")
    expect(signatory.locator("article.invoice h1")).to_have_text(f"請求書 {invoice.number}")
    expect(signatory.locator("article.invoice")).to_contain_text(f"JPY {yen:,}")
    expect(signatory.locator("article.invoice")).to_contain_text("CAD 7,500.00")
    _shot(signatory, "05-invoice-ja")

    # Mobility: Designated Activities; the CoE worked back 60 business days of Kyoto
    # (over New Year's Day, Coming of Age Day, National Foundation Day, the Emperor's
    # Birthday and the vernal equinox) from Sunday 4 April 2027.
    arjun.goto(f"/mobility/internships/{internship.pk}/")
    expect(arjun.get_by_role("heading", name="Designated Activities (internship)")).to_be_visible()
    coe = internship.mobility_plan.steps.get(key="coe_apply")
    row = arjun.locator(f"#step-{coe.pk}")
    expect(row).to_contain_text("The host applies for the Certificate of Eligibility")
    expect(row).to_contain_text("Jan. 5, 2027")
    expect(row).to_contain_text("60 business days of JP-26 before the start")
    assert internship.mobility_plan.paid is True and internship.mobility_plan.days == 168
    axe_check(arjun)
    _shot(arjun, "06-mobility-designated-activities")

    # Kentaro (Japanese, Kyoto University) accepts 12 weeks at UBC in Vancouver.
    kentaro = new_page("en-CA")
    vancouver = _accept(kentaro, "cand-kentaro")
    kentaro.goto(f"/mobility/internships/{vancouver.pk}/")
    expect(
        kentaro.get_by_role("heading", name="Short-term researcher (no work permit)")
    ).to_be_visible()
    assert (vancouver.region, vancouver.mobility_plan.days) == ("CA-BC", 84)
    _shot(kentaro, "07-mobility-short-term-researcher")

    # Arjun ends early on 3 June 2027; every party approves the amendment.
    arjun.goto(f"/internships/{internship.pk}/")
    arjun.get_by_text("Propose an amendment").click()
    arjun.select_option("#id_kind", "early_end")
    arjun.fill("#id_ended_on", ENDED_ON.isoformat())
    arjun.fill("#id_reason", "Family reasons.")
    arjun.get_by_role("button", name="Propose").click()
    for username, party, _code in PARTIES:
        page = pages[username]
        page.goto(f"/internships/{internship.pk}/")
        page.locator("#amendments").get_by_role("button", name=f"Approve as {party}").click()
    officer.goto(f"/internships/{internship.pk}/")
    expect(officer.locator("main")).to_contain_text("Ended early: last day June 3, 2027")
    _shot(officer, "08-ended-early")

    officer.goto(f"/funding/internships/{internship.pk}/")
    # 7,500.00 × 107 days after 3 June of the 168 ÷ 168 = 4,776.79 back, funder and partner.
    refund = officer.locator("section[aria-labelledby=ledger-h] tbody tr", has_text="Refund")
    expect(refund).to_contain_text("funder:MITACS:committed")
    expect(refund).to_contain_text("CAD 4,776.79")
    credit = Invoice.objects.get(internship=internship, amount__lt=0)
    assert (credit.currency, credit.original_amount) == ("JPY", Decimal("-4776.79"))
    assert credit.credits == invoice
    expect(officer.locator("section[aria-labelledby=invoices-h]")).to_contain_text(credit.number)
    scheduled = officer.locator("section[aria-labelledby=payments-h]")
    expect(scheduled).to_contain_text("CAD 2,723.21")
    _shot(officer, "09-refund")

    # The officer's budgets: FY2027 (Arjun's start) and FY2026 (the demo's internship).
    officer.get_by_role("link", name="Budgets").click()
    rows = officer.locator("table.budget-table tbody tr")
    fy2027 = rows.filter(has_text="(MITACS)").filter(has_text="FY2027")
    cells = fy2027.locator("td")
    expect(cells.nth(4)).to_have_text("CAD 150,000.00")
    expect(cells.nth(5)).to_have_text("CAD 2,723.21")
    expect(cells.nth(6)).to_have_text("CAD 2,723.21")
    expect(cells.nth(7)).to_have_text("CAD 0.00")
    expect(cells.nth(8)).to_have_text("CAD 147,276.79")
    fy2026 = rows.filter(has_text="(MITACS)").filter(has_text="FY2026").locator("td")
    expect(fy2026.nth(5)).to_have_text("CAD 7,500.00")
    expect(fy2026.nth(6)).to_have_text("CAD 7,500.00")
    expect(fy2026.nth(7)).to_have_text("CAD 15,000.00")
    expect(fy2026.nth(8)).to_have_text("CAD 142,500.00")
    axe_check(officer)
    _shot(officer, "10-budgets")
