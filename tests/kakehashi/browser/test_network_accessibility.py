"""axe-core on the network's and the outcomes' pages of the demo (the map of flows, the
charts), in English and Japanese: no serious or critical violation, and no horizontal
scrolling at 320 CSS pixels but in the tables' own scrolling boxes."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.kakehashi.browser.test_accessibility import (
    CANDIDATE_PROJECTS,
    _log_out,
    _publish_a_match,
    _use_language,
    _visit,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.mark.parametrize("language", ["en", "ja"])
def test_the_network_and_outcome_pages_have_no_serious_accessibility_violation(
    page, live_server, login, screenshot, axe_check, demo, language
):
    _use_language(page, live_server, language)

    def visit(name: str, path: str) -> None:
        _visit(page, axe_check, screenshot, language, name, path)

    visit("network-public", "/network/")
    expect(page.locator("#flow-map svg")).to_be_visible()
    expect(page.locator("#flows-table")).to_be_visible()

    login("officer")
    visit("network-officer", "/officer/network/")
    expect(page.locator("#flow-map .flow").first).to_be_attached()
    # The demo's internship (its past round) has no outcome yet: the candidate takes the
    # ATR place of a published match, and its outcomes fill the charts.
    _internship_with_outcomes()
    visit("outcomes-overview", "/officer/outcomes/")
    expect(page.locator("svg.chart")).to_have_count(2)
    visit("outcomes-by-field", "/officer/outcomes/?field=RDF10")
    _log_out(page)


def _internship_with_outcomes() -> None:
    import datetime as dt

    from kakehashi.applications.services import application_submit
    from kakehashi.offers.models import Offer
    from kakehashi.offers.services import offer_accept
    from kakehashi.outcomes.services import outcome_record
    from kakehashi.people.models import User
    from kakehashi.programs.models import Call
    from kakehashi.projects.models import Project

    candidate = User.objects.get(username="candidate")
    for key in CANDIDATE_PROJECTS:
        application_submit(candidate=candidate, project=Project.objects.get(key=key))
    _publish_a_match(Call.objects.get(slug="2027-summer"))  # the open call, not the past one
    offer = Offer.objects.get(candidate=candidate, status="pending")
    internship = offer_accept(offer=offer, candidate=candidate).internship
    officer = User.objects.get(username="officer")
    for days, kind, extra in [
        (30, "award", {"title": "Best poster"}),
        (400, "award", {"title": "Young researcher award"}),
        (400, "publication", {"title": "Decoding EEG", "doi": "10.1234/eeg.2028"}),
    ]:
        outcome_record(actor=officer, internship=internship, kind=kind,
                       date=internship.start_date + dt.timedelta(days=days), **extra)  # fmt: skip
