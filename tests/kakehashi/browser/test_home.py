"""Each role's home (/home/) in the browser, on the demo data: the sections it holds,
a next step where there is one, no "Log in" for a signed-in person; and the project
filters folding away on a phone. Screenshots under artifacts/screenshots/home-*."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _home(page, login, username: str):
    login(username)
    page.goto("/home/")
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link").first).to_have_text("My home")
    expect(page.get_by_role("link", name="Log in")).to_have_count(0)
    return page


@pytest.mark.parametrize(
    ("username", "sections"),
    [
        ("candidate", ["As a candidate"]),
        ("supervisor", ["As a host supervisor", "As an organisation admin"]),
        ("officer", ["As a program officer"]),
        ("reviewer", ["As a reviewer"]),
    ],
)
def test_each_role_sees_its_home(page, login, screenshot, axe_check, demo, username, sections):
    if username == "supervisor":
        # The demo has no organisation admin: make the Japanese supervisor their host's.
        from kakehashi.people.models import Affiliation, User

        user = User.objects.get(username="supervisor")
        org = user.affiliations.first().organisation
        Affiliation.objects.create(person=user, organisation=org, role="admin")
    _home(page, login, username)
    headings = page.locator(".home-section > h2")
    expect(headings).to_have_text(sections)
    if username == "reviewer":
        expect(page.locator("#home-reviewer")).to_contain_text("Nothing assigned to you yet.")
    if username == "officer":
        expect(page.locator("#home-officer .home-card").first).to_contain_text("now:")
    if username == "candidate":
        expect(page.locator("#home-candidate")).to_contain_text("Deadlines")
        expect(page.locator("#home-candidate")).to_contain_text("Times in your time zone")
    screenshot(f"home-{username}")
    axe_check(page)


def test_signing_in_leads_home(page, login, demo):
    login("candidate")
    assert page.url.endswith("/home/")
    expect(page.locator("h1")).to_contain_text("Welcome, Olivia Grant")


def test_project_filters_fold_on_a_phone(page, screenshot, demo):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/projects/")
    search = page.locator("#id_q")
    expect(search).to_be_hidden()
    page.locator(".filters-fold > summary").click()
    expect(search).to_be_visible()
    screenshot("home-projects-phone-filters-open")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/projects/")
    expect(page.locator("#id_q")).to_be_visible()
    expect(page.locator(".filters-fold > summary")).to_be_hidden()
