"""After “I accept”, in Chromium: the candidate accepts the offer, the internship and
its agreement appear, the intern writes the research plan and names the home
supervisor, the officer names the partner's signatory and records the research-
security decision, the host records its export-control screening, and each party
approves in the browser until the agreement is in force. The internship page is
also shown in French and Japanese.

One test (pytest-django empties the database after each live-server test); each
person in their own browser context. Screenshots: artifacts/screenshots/internship-*.png.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from kakehashi.internships.models import Internship
from kakehashi.organisations.enums import OrganisationType
from kakehashi.people.models import Affiliation
from tests import factories
from tests.kakehashi.browser.helpers import sign_in
from tests.kakehashi.internships.conftest import make_template
from tests.kakehashi.offers.conftest import publish_run, world_instance

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _world():
    from kakehashi.offers.services import offers_create_for_run
    from tests.kakehashi.offers.conftest import DEADLINE

    w = factories.page_world()
    w.third = factories.candidate(
        user__username="third", user__given_name="Sam", user__family_name="Lee"
    )
    w.fourth = factories.candidate(
        user__username="fourth", user__given_name="Yui", user__family_name="Mori"
    )
    run = publish_run(call=w.call, instance=world_instance(w))
    offers_create_for_run(run=run, deadline=DEADLINE)
    make_template(w.call.program)
    w.partner = factories.OrganisationFactory(
        name="Invented Robotics KK", type=OrganisationType.COMPANY
    )
    w.home_supervisor = factories.UserFactory(
        username="homesup", given_name="Marie", family_name="Tremblay"
    )
    w.signatory = factories.UserFactory(username="signatory", given_name="Rin", family_name="Kato")
    Affiliation.objects.create(person=w.signatory, organisation=w.partner, role="admin")
    home = w.candidate.candidate_profile.home_organisation
    Affiliation.objects.create(person=w.home_supervisor, organisation=home, role="supervisor")
    return w


def _shot(page, name):
    from .conftest import SCREENSHOTS

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"internship-{name}.png"), full_page=True)


def test_accept_then_every_party_approves_the_agreement(new_page):
    w = _world()

    # The candidate accepts the offer; the box links to the internship.
    intern = new_page("en-CA")
    sign_in(intern, "cand")
    intern.goto("/results/")
    intern.get_by_role("button", name="Accept").click()
    link = intern.get_by_role("link", name="Your internship: research plan, budget and agreement")
    expect(link).to_be_visible()
    _shot(intern, "01-accepted")
    link.click()
    expect(intern.get_by_role("heading", level=1)).to_have_text("Internship of Alex Martin")
    expect(intern.locator("#agreement-status")).to_have_text("Draft: awaiting approvals")
    expect(intern.locator("#agreement")).to_contain_text("The budget is set by the funders.")
    pk = Internship.objects.get().pk
    # The partner is named by an officer (the host is a university): here, as data.
    Internship.objects.filter(pk=pk).update(partner=w.partner)

    # The intern writes the plan in both languages, chooses the IP option and names the
    # home supervisor.
    intern.reload()
    intern.get_by_text("Edit the draft").click()
    intern.fill("#id_plan_intern", "Decode motor intentions from EEG with transformers.")
    intern.fill("#id_plan_host", "トランスフォーマーを用いて脳波から運動意図を解読する。")
    intern.select_option("#id_ip_option", "shared")
    intern.get_by_role("button", name="Save the draft").click()
    expect(intern.locator(".messages")).to_contain_text("The agreement was saved as a new version.")
    intern.get_by_text("Edit the draft").click()
    intern.select_option("#id_home_supervisor", label="Marie Tremblay")
    intern.get_by_role("button", name="Name the parties").click()
    expect(intern.locator("tr[data-party=home_supervisor]")).to_contain_text("Marie Tremblay")
    expect(intern.locator(".blockers")).to_contain_text("The partner's signatory is not named yet.")
    _shot(intern, "02-draft-blocked")

    # The officer names the signatory and records that the project is not in a sensitive area.
    officer = new_page("en-CA")
    sign_in(officer, "off")
    officer.goto(f"/internships/{pk}/")
    officer.get_by_text("Edit the draft").click()
    officer.select_option("#id_partner_signatory", label="Rin Kato")
    officer.get_by_role("button", name="Name the parties").click()
    officer.get_by_label("Not in a sensitive technology research area").check()
    officer.get_by_role("button", name="Record the decision").click()
    expect(officer.locator("#security")).to_contain_text(
        "Not in a sensitive technology research area"
    )

    # The host supervisor records the deemed-export screening.
    host = new_page("en-CA")
    sign_in(host, "sup")
    host.goto(f"/internships/{pk}/")
    host.select_option("#id_outcome", "cleared")
    host.fill("#id_reference", "EC-2027-014")
    host.get_by_role("button", name="Record the screening").click()
    expect(host.locator("#security")).to_contain_text("EC-2027-014")
    expect(host.locator(".blockers")).to_have_count(0)
    _shot(host, "03-ready-to-approve")

    # Every party approves, each with its own button (htmx swaps the agreement's box).
    for page, party, code in (
        (intern, "Intern", "intern"),
        (host, "Host supervisor", "host_supervisor"),
        (new_page("en-CA"), "Home supervisor", "home_supervisor"),
        (new_page("en-CA"), "Partner's signatory", "partner_signatory"),
        (officer, "Program officer", "officer"),
    ):
        if party == "Home supervisor":
            sign_in(page, "homesup")
        elif party == "Partner's signatory":
            sign_in(page, "signatory")
        page.goto(f"/internships/{pk}/")
        page.get_by_role("button", name=f"Approve as {party}").click()
        expect(page.locator(f"#agreement tr[data-party={code}]")).to_contain_text("Approved by")
    expect(officer.locator("#agreement-status")).to_have_text("In force")
    officer.reload()
    expect(officer.locator(".history")).to_contain_text("Agreement in force")
    _shot(officer, "04-in-force")

    # The same page in French and in Japanese.
    for locale, language, heading in (
        ("fr-CA", "fr", "Stage de Alex Martin"),
        ("ja-JP", "ja", "Alex Martin のインターンシップ"),
    ):
        other = new_page(locale)
        sign_in(other, "cand")
        other.goto(f"/internships/{pk}/")
        expect(other.locator("html")).to_have_attribute("lang", language)
        expect(other.get_by_role("heading", level=1)).to_have_text(heading)
        _shot(other, f"05-in-force-{language}")
