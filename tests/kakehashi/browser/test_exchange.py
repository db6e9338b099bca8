"""A balanced exchange in Chromium, on the demo's market (issue 16).

The demo's 2027 summer call has a market already: twelve candidates from Canada
and nine from Japan have applied and been ranked. The officer puts two Canadian
candidates first in Canada's order (the homes' priorities page), runs the
stable match (student-proposing) and a balanced exchange by country (tolerance
0) beside it, and reads on the comparison page the flows each way: the stable
run sends more interns from Canada to Japan than from Japan to Canada, the
exchange as many each way. The officer publishes the exchange, and a Canadian
candidate the balance kept from a choice reads why, in their language.
Screenshots: artifacts/screenshots/exchange-*.png.
"""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urlsplit

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.kakehashi.browser.helpers import sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

#: The call this journey uses, named: the demo may hold other calls.
CALL = "2027-summer"

#: The candidate's sentence for `balance`, by the page's language (offers.explanations).
BALANCE = {
    "en": "this match keeps the exchange balanced",
    "fr": "ce jumelage garde l’échange équilibré",
    "ja": "交流の均衡",
}


def _call():
    from kakehashi.programs.models import Call

    return Call.objects.get(slug=CALL)


def _open_matching(call) -> None:
    """Skip the demo's calendar to the matching phase: applications and host rankings
    closed, matching open now (the phases' own pages are another journey's)."""
    now = timezone.now()
    windows = {
        "applications": (now - dt.timedelta(days=30), now - dt.timedelta(days=10)),
        "host_ranking": (now - dt.timedelta(days=9), now - dt.timedelta(days=1)),
        "matching": (now - dt.timedelta(hours=1), now + dt.timedelta(days=7)),
        "offers": (now + dt.timedelta(days=8), now + dt.timedelta(days=20)),
    }
    for kind, (opens, closes) in windows.items():
        call.phases.filter(kind=kind).update(opens_at=opens, closes_at=closes)


def _log_in(page, username: str) -> None:
    sign_in(page, username, wait_for=lambda url: urlsplit(url).path == "/home/")


def _start_run(page, label: str, mode: str, level: str | None = None) -> int:
    page.goto(f"/calls/{CALL}/runs/")
    form = page.locator("form", has=page.get_by_role("button", name="Run the match"))
    form.get_by_label("Label").fill(label)
    form.get_by_label("Mode").select_option(mode)
    if level is not None:
        form.get_by_label("Balance").select_option(level)
        form.get_by_label("Tolerance").fill("0")
    form.get_by_label(re.compile(r"^Caps")).select_option("")
    form.get_by_role("button", name="Run the match").click()
    heading = page.locator("h1")
    expect(heading).to_have_text(re.compile(rf"^Run \d+ \(round 1\): {re.escape(label)}$"))
    expect(page.locator(".run-body dl")).to_contain_text("Done")
    return int(re.search(r"Run (\d+)", heading.inner_text()).group(1))


def _row(table, label: str) -> list[int]:
    cells = table.locator("tr", has=table.page.get_by_role("rowheader", name=label, exact=True))
    return [int(t) for t in cells.locator("td").all_inner_texts()]


def test_officer_compares_a_balanced_exchange_and_a_candidate_reads_why(
    page, new_page, screenshot, demo
):
    from kakehashi.matching.models import MatchRun
    from kakehashi.people.models import CandidateProfile

    call = _call()
    _open_matching(call)
    canadians = list(
        CandidateProfile.objects.filter(
            home_organisation__country="CA", user__applications__call=call
        )
        .distinct()
        .order_by("user__username")
        .select_related("user")[:2]
    )
    assert len(canadians) == 2

    # The officer puts two Canadian candidates first in Canada's order.
    _log_in(page, "officer")
    page.goto(f"/calls/{CALL}/priorities/")
    expect(page.locator("h1")).to_have_text("Homes' priorities")
    canada = page.locator("section", has=page.get_by_role("heading", name="Canada", exact=True))
    for position, profile in enumerate(canadians, start=1):
        canada.locator(f"input[name=pos-{profile.user_id}]").fill(str(position))
    canada.get_by_role("button", name="Save the order").click()
    expect(page.locator("main .messages")).to_contain_text("The order has been saved.")
    canada = page.locator("section", has=page.get_by_role("heading", name="Canada", exact=True))
    expect(canada.locator("caption")).to_have_text(
        "2 candidates in the home's order, the others by lottery"
    )
    screenshot("exchange-priorities")

    # A stable run, then a balanced exchange by country beside it.
    stable = _start_run(page, "Stable", "student")
    balanced = _start_run(page, "Balanced by country", "exchange", level="country")
    expect(page.locator(".run-body dl")).to_contain_text("Balanced exchange")
    expect(page.locator(".run-body dl")).to_contain_text(
        "Per country (Canada and Japan), tolerance 0"
    )
    section = page.locator("section[aria-labelledby=exchange-title]")
    expect(section).to_contain_text("Every side is balanced within the tolerance.")
    expect(section).to_contain_text("Every home's order of its own candidates is respected.")
    expect(section).to_contain_text(
        "No balanced matching is better for some candidates and worse for none (checked exactly)."
    )
    expect(page.locator(".certificate")).to_contain_text(
        "The independent check of the result passed."
    )
    screenshot("exchange-run")

    # The comparison: the flows each way, stable (A) beside balanced (B).
    page.goto(f"/calls/{CALL}/runs/")
    page.select_option("#compare-a", str(stable))
    page.select_option("#compare-b", str(balanced))
    page.get_by_role("button", name="Compare", exact=True).click()
    expect(page.locator("h1")).to_have_text("Compare two runs")
    expect(page.locator("main")).to_contain_text(
        "Both runs solved the same rank lists and capacities; "
        "the balanced exchange adds the candidates' homes."
    )
    flows = page.locator("section[aria-labelledby=exchange-flows-title] table.exchange-countries")
    expect(flows).to_be_visible()
    ca_jp, jp_ca = _row(flows, "Canada → Japan"), _row(flows, "Japan → Canada")
    runs = {r.pk: r for r in MatchRun.objects.filter(pk__in=(stable, balanced))}
    expected = {
        pk: {
            (f["home"], f["host"]): f["count"]
            for f in runs[pk].summary["exchange_flows"]["countries"]
        }
        for pk in runs
    }
    assert ca_jp == [expected[stable].get(("CA", "JP"), 0), expected[balanced].get(("CA", "JP"), 0)]
    assert jp_ca == [expected[stable].get(("JP", "CA"), 0), expected[balanced].get(("JP", "CA"), 0)]
    # Stable matching sends more one way; the exchange as many each way.
    assert ca_jp[0] > jp_ca[0]
    assert ca_jp[1] == jp_ca[1] > 0
    units = page.locator("section[aria-labelledby=exchange-flows-title] .exchange-units")
    expect(units).to_have_count(1)
    expect(units).to_contain_text("Every side is balanced within the tolerance.")
    lost = runs[balanced].summary["exchange"]["units"]["CA"]["lost"]
    assert lost > 0
    expect(units.locator("tr", has_text="Canada").locator("td").nth(3)).to_have_text(str(lost))
    screenshot("exchange-compare")

    # The officer publishes the exchange.
    page.goto(f"/runs/{balanced}/publish/")
    page.locator('form[action$="/publish/"] button[type=submit]').click()
    expect(page.locator("main .messages")).to_contain_text(
        "The run is published and its offers have been made."
    )

    # A candidate the balance kept from a choice reads why, in their language.
    result = MatchRun.objects.get(pk=balanced).result
    kept_out = sorted(
        sid
        for sid, entry in result["students"].items()
        if any(c["reason"] == "balance" for c in entry.get("better_choices", []))
    )
    assert kept_out, "the exchange kept nobody from a choice for balance"
    from kakehashi.people.models import User

    candidate = User.objects.get(pk=int(kept_out[0][1:]))
    reader = new_page("en-CA")
    reader.goto("/accounts/login/")
    reader.fill("#id_username", candidate.username)
    reader.fill("#id_password", "kakehashi")
    reader.click("main button[type=submit]")
    reader.wait_for_url(lambda url: urlsplit(url).path == "/home/")
    reader.goto("/results/")
    language = reader.locator("html").get_attribute("lang")[:2]
    expect(reader.locator("main")).to_contain_text(BALANCE[language])
    screenshot("exchange-candidate-balance", reader)
