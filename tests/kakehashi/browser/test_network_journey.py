"""Issue 13's journey in the browser: the intern submits the final report in Japanese and
the supervisor in English, the intern records a publication by DOI, the officer measures
the network and sees the new Canada–Japan tie with the intern as its conduit, and the
public page shows aggregates only (screenshots under artifacts/screenshots/network-*)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from playwright.sync_api import expect

from kakehashi.outcomes.models import Outcome
from kakehashi.reports.models import Report
from tests.kakehashi.browser.helpers import sign_in
from tests.kakehashi.reports.conftest import (  # noqa: F401  (fixtures reused by name)
    before_deadline,
    forms,
    internship,
    published,
    world,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

RECORD = {
    "status": "ok",
    "message": {
        "DOI": "10.1234/EEG.2027.42",
        "title": ["Decoding intentions from EEG across languages"],
        "author": [{"given": "Alex", "family": "Martin"}, {"given": "Hana", "family": "Sato"}],
        "container-title": ["Journal of Neural Engineering"],
        "issued": {"date-parts": [[2027, 11, 2]]},
    },
}


def test_reports_outcome_and_the_tie_it_made(
    world,  # noqa: F811
    internship,  # noqa: F811
    forms,  # noqa: F811
    page,
    new_page,
    screenshot,
    axe_check,
):
    host = internship.host
    host.name = host.name_en = "ATR (test)"
    host.type = "research_institute"
    host.save()

    # The intern, in Japanese: the final report, then the publication.
    intern = new_page("ja-JP")
    sign_in(intern, world.candidate.username)
    intern.goto("/reports/")
    intern.get_by_role("link", name="最終報告").click()
    intern.get_by_label("インターンシップで何を達成しましたか。").fill(
        "脳波デコーダが完成しました。"
    )
    intern.get_by_label("はい").check()
    intern.get_by_role("button", name="提出").click()
    expect(intern.locator("main")).to_contain_text("報告を提出しました。")
    screenshot("network-report-ja", intern)

    intern.goto(f"/outcomes/internships/{internship.pk}/")
    intern.select_option("#id_kind", "publication")
    intern.fill("#id_date", (internship.end_date + dt.timedelta(days=60)).isoformat())
    intern.fill("#id_crossref_record", json.dumps(RECORD))
    intern.get_by_role("button", name="記録する").click()
    expect(intern.locator("main")).to_contain_text("doi:10.1234/eeg.2027.42")
    axe_check(intern)
    screenshot("network-outcome-ja", intern)

    # The host supervisor, in English.
    supervisor = new_page("en-CA")
    sign_in(supervisor, world.supervisor.username)
    supervisor.goto("/reports/")
    supervisor.get_by_role("link", name="Supervisor's final report").click()
    supervisor.get_by_label("What did the intern contribute to your organisation?").fill(
        "A decoder we now use."
    )
    supervisor.locator("input[name=again][value='5']").check()
    supervisor.get_by_role("button", name="Submit").click()
    expect(supervisor.locator("main")).to_contain_text("Your report is submitted.")

    assert sorted(Report.objects.values_list("language", flat=True)) == ["en", "ja"]
    assert Outcome.objects.get().doi == "10.1234/eeg.2027.42"

    # The officer measures the network and finds the tie and its conduit.
    sign_in(page, world.officer.username)
    page.goto("/officer/network/")
    page.get_by_role("button", name="Measure the network now").click()
    expect(page.locator("main")).to_contain_text("Measured: 1 ties.", timeout=60_000)
    page.goto("/officer/network/")
    table = page.locator("#network-table")
    expect(table).to_contain_text("UBC Test")
    expect(table).to_contain_text("ATR (test)")
    conduits = page.locator("#conduits")
    expect(conduits).to_contain_text("Alex Martin")
    expect(conduits).to_contain_text("ATR (test)")
    expect(page.locator("#network-graph")).to_have_attribute("data-drawn", "2", timeout=20_000)
    axe_check(page)
    screenshot("network-officer")

    # Anyone: aggregates and organisations, no person.
    public = new_page("en-CA")
    public.goto("/network/")
    expect(public.locator("main")).to_contain_text("Ties per year")
    expect(public.locator("main")).to_contain_text("CA-BC")
    text = public.locator("main").inner_text()
    assert "Alex Martin" not in text and "Hana Sato" not in text
    axe_check(public)
    screenshot("network-public", public)
