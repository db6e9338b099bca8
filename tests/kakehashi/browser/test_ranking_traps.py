"""Ranking without traps, in the real browser: the rank widget refuses a 6th project
at a limit of 5 before sending anything, the server refuses a direct POST the same
way, and the saved list stays; an officer confirms closing a phase and is refused
opening offers early."""

from __future__ import annotations

import re
from urllib.parse import urlencode

import pytest
from playwright.sync_api import expect

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _six_applications():
    """candidate-ja with six submitted applications in the demo call (limit 5), five
    of them ranked and saved; answers (call, the five saved ids, the sixth's id)."""
    from django.core.exceptions import ValidationError

    from kakehashi.applications.enums import ApplicationStatus
    from kakehashi.applications.models import Application
    from kakehashi.applications.services import application_submit, rank_list_set
    from kakehashi.people.models import User
    from kakehashi.programs.models import Call

    user = User.objects.get(username="candidate-ja")
    call = Call.objects.get(slug="2027-summer")
    assert call.ranking_limit == 5
    submitted = lambda: list(  # noqa: E731
        Application.objects.filter(
            candidate=user, call=call, status=ApplicationStatus.SUBMITTED
        ).values_list("project_id", flat=True)
    )
    for project in call.projects.filter(status="approved", host__country="CA").order_by("key"):
        if len(submitted()) >= 6:
            break
        try:
            application_submit(candidate=user, project=project)
        except ValidationError:
            continue
    ids = sorted(submitted())[:6]
    assert len(ids) == 6
    rank_list_set(candidate=user, call=call, project_ids=ids[:5])
    return user, call, ids[:5], ids[5]


def _saved(user, call) -> list[int]:
    from kakehashi.applications.models import Application

    return list(
        Application.objects.filter(candidate=user, call=call, rank__isnull=False)
        .order_by("rank")
        .values_list("project_id", flat=True)
    )


def test_rank_widget_refuses_a_sixth_project_and_the_saved_list_stays(
    page, login, screenshot, axe_check, demo
):
    from kakehashi.applications.models import RankListVersion

    user, call, saved, sixth = _six_applications()
    versions = RankListVersion.objects.filter(candidate=user, call=call).count()
    login("candidate-ja")
    page.goto(f"/calls/{call.slug}/ranking/?lang=en")
    page.goto(f"/calls/{call.slug}/ranking/")

    ranked = page.locator('[data-list="ranked"] .reorder-item')
    expect(ranked).to_have_count(5)
    count = page.locator("[data-count]")
    expect(count).to_have_text(re.compile(r"5\D+5"))
    expect(page.locator("[data-saved]")).to_be_visible()

    # JavaScript on: Add on the sixth refuses in the page and sends nothing.
    item = page.locator(f'[data-list="unranked"] .reorder-item[data-id="{sixth}"]')
    item.locator('button[data-move="add"]').click()
    expect(ranked).to_have_count(5)
    expect(page.locator("[data-full]")).to_be_visible()
    expect(page.locator("[data-announce]")).to_have_text(page.locator("[data-full]").inner_text())
    expect(page.locator("[data-dirty]")).to_be_hidden()
    screenshot("rank-limit-refused-in-page")
    axe_check(page)
    assert RankListVersion.objects.filter(candidate=user, call=call).count() == versions
    assert _saved(user, call) == saved

    # Removing one makes room: the refusal goes and the count follows.
    ranked.first.locator('button[data-move="remove"]').click()
    expect(page.locator("[data-full]")).to_have_count(0)
    expect(count).to_have_text(re.compile(r"4\D+5"))

    # A direct POST of six (as without JavaScript) is refused at the server.
    token = page.locator("input[name=csrfmiddlewaretoken]").first.input_value()
    response = page.request.post(
        f"/calls/{call.slug}/ranking/",
        data=urlencode([("csrfmiddlewaretoken", token), *[("ids", i) for i in [*saved, sixth]]]),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert response.status == 200
    assert _saved(user, call) == saved
    assert RankListVersion.objects.filter(candidate=user, call=call).count() == versions

    # The page after a reload still shows the saved five, and says they count.
    page.reload()
    expect(ranked).to_have_count(5)
    expect(page.locator("[data-saved]")).to_contain_text(str(versions))
    screenshot("rank-saved-list-counts")


def test_officer_confirms_closing_and_is_refused_opening_offers_early(
    page, login, screenshot, axe_check, demo
):
    from kakehashi.programs.models import CallPhase

    login("officer")
    page.goto("/calls/2027-summer/")
    row = page.locator("#phase-applications")
    row.get_by_role("link", name=re.compile("Close now")).click()

    expect(page.locator("h1")).to_have_text(re.compile(r"\?$"))
    expect(page.locator(".consequences li")).to_have_count(3)
    screenshot("phase-close-confirm")
    axe_check(page)
    assert CallPhase.objects.get(call__slug="2027-summer", kind="applications").is_open()
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/calls/2027-summer/")
    assert not CallPhase.objects.get(call__slug="2027-summer", kind="applications").is_open()

    # Offers before host ranking has closed and before a run is published: refused.
    page.locator("#phase-offers").get_by_role("button").click()
    alert = page.locator("#phases [role=alert]")
    expect(alert).to_be_visible()
    expect(alert).to_contain_text(re.compile("2027"))
    screenshot("phase-offers-refused")
    axe_check(page)
    assert not CallPhase.objects.get(call__slug="2027-summer", kind="offers").is_open()
