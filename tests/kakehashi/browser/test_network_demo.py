"""Issue 13's journey on the demo: Hannah, the intern of the demo's ATR internship (its
previous round, invented), submits her final report in Japanese and her ATR supervisor his
in English; she records a publication by DOI (a pasted Crossref record, no network); the
officer measures the network and finds the new Canada–Japan tie (Dalhousie – ATR, which
the demo's invented history never linked) with Hannah as its conduit; the public page
shows aggregates and organisations only. Screenshots: artifacts/screenshots/network-demo-*.
"""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from playwright.sync_api import expect

from kakehashi.demo.services import demo_load
from kakehashi.internships.models import Internship
from kakehashi.outcomes.models import Outcome
from kakehashi.reports.models import Report
from tests.kakehashi.browser.helpers import sign_in

from .conftest import SCREENSHOTS, _ensure_research_fields

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

TODAY = dt.date(2026, 12, 5)
ATR = "Advanced Telecommunications Research Institute International"
DALHOUSIE = "Dalhousie University"
RECORD = {
    "status": "ok",
    "message": {
        "DOI": "10.5555/Avatar.2027.7",
        "title": ["One operator, several avatars: shared control in a shop (invented)"],
        "author": [
            {"given": "Hannah", "family": "MacDonald"},
            {"given": "Misaki", "family": "Kato"},
        ],
        "container-title": ["Invented Journal of Human-Robot Interaction"],
        "issued": {"date-parts": [[2026, 11, 20]]},
    },
}


def _shot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"network-demo-{name}.png"), full_page=True)


def test_the_demo_internship_reports_publishes_and_shows_its_tie(new_page, axe_check):
    _ensure_research_fields()
    demo_load(today=TODAY)
    internship = Internship.objects.get(intern__username="cand-hannah")
    assert (internship.home_organisation.name, internship.host.name, internship.status) == (
        DALHOUSIE,
        ATR,
        "active",
    )

    # Hannah, in Japanese: the final report, then the publication.
    intern = new_page("ja-JP")
    sign_in(intern, "cand-hannah")
    intern.goto("/reports/")
    intern.get_by_role("link", name="最終報告", exact=True).click()
    intern.get_by_label("インターンシップで何を達成しましたか。").fill(
        "1人で複数のアバターを操作する共有制御を設計し、店舗で評価しました。"
    )
    intern.get_by_label("はい").check()
    intern.get_by_role("button", name="提出").click()
    expect(intern.locator("main")).to_contain_text("報告を提出しました。")
    _shot(intern, "01-report-ja")

    intern.goto(f"/outcomes/internships/{internship.pk}/")
    intern.select_option("#id_kind", "publication")
    intern.fill("#id_date", "2026-11-20")
    intern.fill("#id_crossref_record", json.dumps(RECORD))
    intern.get_by_role("button", name="記録する").click()
    expect(intern.locator("main")).to_contain_text("doi:10.5555/avatar.2027.7")
    axe_check(intern)
    _shot(intern, "02-outcome-ja")

    # Her ATR supervisor, in English.
    supervisor = new_page("en-CA")
    sign_in(supervisor, "sup-atr-hri")
    supervisor.goto("/reports/")
    supervisor.get_by_role("link", name="Supervisor's final report").click()
    supervisor.get_by_label("What did the intern contribute to your organisation?").fill(
        "A shared-control policy our avatar team now uses."
    )
    supervisor.locator("input[name=again][value='5']").check()
    supervisor.get_by_role("button", name="Submit").click()
    expect(supervisor.locator("main")).to_contain_text("Your report is submitted.")

    reports = Report.objects.filter(internship=internship).order_by("language")
    assert [(r.respondent.username, r.language) for r in reports] == [
        ("sup-atr-hri", "en"),
        ("cand-hannah", "ja"),
    ]
    outcome = Outcome.objects.get(internship=internship)
    assert (outcome.kind, outcome.doi) == ("publication", "10.5555/avatar.2027.7")

    # The officer measures the network: Dalhousie – ATR is new, Hannah its conduit.
    officer = new_page("en-CA")
    sign_in(officer, "officer")
    officer.goto("/officer/network/")
    officer.get_by_role("button", name="Measure the network now").click()
    expect(officer.locator("main")).to_contain_text(
        re.compile(r"Measured: \d+ ties\."), timeout=60_000
    )
    officer.goto("/officer/network/")
    conduit = officer.locator("#conduits tbody tr", has_text="Hannah MacDonald")
    expect(conduit).to_have_count(1)
    expect(conduit).to_contain_text(f"{DALHOUSIE} – {ATR}")
    expect(conduit.locator("td").nth(1)).to_have_text(str(internship.start_date.year))
    expect(officer.locator("#network-table")).to_contain_text(DALHOUSIE)
    axe_check(officer)
    _shot(officer, "03-officer")

    # Anyone: aggregates and organisations, no person.
    public = new_page("en-CA")
    public.goto("/network/")
    expect(public.locator("main")).to_contain_text("Ties per year")
    expect(public.locator("main")).to_contain_text("CA-NS")
    text = public.locator("main").inner_text()
    for name in ("Hannah", "MacDonald", "Misaki Kato", "Arjun"):
        assert name not in text
    axe_check(public)
    _shot(public, "04-public")
