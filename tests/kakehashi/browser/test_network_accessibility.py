"""axe-core on the network's and the outcomes' pages of the demo (the map of flows, the
charts), in English and Japanese: no serious or critical violation, and no horizontal
scrolling at 320 CSS pixels but in the tables' own scrolling boxes."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.kakehashi.browser.test_accessibility import _log_out, _use_language, _visit

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
    visit("outcomes-overview", "/officer/outcomes/")
    visit("outcomes-by-field", "/officer/outcomes/?field=RDF10")
    _log_out(page)
