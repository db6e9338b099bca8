"""The mobility checklist in the browser: a Canadian PhD student going to Kyoto for the
summer, paid (Designated Activities, the Certificate of Eligibility worked back over
Japanese holidays); the host marks it applied with htmx; the intern reads it in
Japanese; the officer sees the internships at risk."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from kakehashi.mobility.models import PlanStep
from kakehashi.mobility.services import rule_packs_import_shipped
from kakehashi.offers.services import offer_accept
from tests import factories
from tests.kakehashi.offers.conftest import DEADLINE, publish_run, world_instance

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _internship():
    from kakehashi.offers.services import offers_create_for_run  # the fixture's own steps

    world = factories.page_world()
    world.third = factories.candidate(user__username="third")
    world.fourth = factories.candidate(user__username="fourth")
    rule_packs_import_shipped()
    profile = world.candidate.candidate_profile
    profile.nationality = "CA"
    profile.save()
    run = publish_run(call=world.call, instance=world_instance(world))
    offers = {o.candidate_id: o for o in offers_create_for_run(run=run, deadline=DEADLINE)}
    offer = offers[world.candidate.pk]
    offer_accept(offer=offer, candidate=world.candidate, now=DEADLINE - dt.timedelta(days=1))
    return world, offer.internship


def test_checklist_host_marks_the_coe_and_the_intern_reads_it_in_japanese(
    page, new_page, login, screenshot, axe_check
):
    _world, internship = _internship()
    coe = PlanStep.objects.get(key="coe_apply")

    login("sup")
    page.goto(f"/mobility/internships/{internship.pk}/")
    expect(page.locator("h1")).to_have_text("Visa, permits, insurance and travel")
    expect(page.get_by_role("heading", name="Designated Activities (internship)")).to_be_visible()
    row = page.locator(f"#step-{coe.pk}")
    expect(row).to_contain_text("The host applies for the Certificate of Eligibility")
    expect(row).to_contain_text("Feb. 2, 2027")
    expect(row).to_contain_text("60 business days of JP-26 before the start")
    axe_check(page)
    screenshot("mobility-checklist-host")
    row.get_by_role("button", name="Mark done").click()
    expect(page.locator(f"#step-{coe.pk}")).to_contain_text("Done")
    expect(page.locator(f"#step-{coe.pk}").get_by_role("button", name="Open again")).to_be_visible()

    intern = new_page("ja-JP")
    intern.goto("/accounts/login/")
    intern.fill("#id_username", "cand")
    intern.fill("#id_password", "kakehashi")
    intern.click("main button[type=submit]")
    intern.wait_for_url("**/")
    intern.goto(f"/mobility/internships/{internship.pk}/")
    expect(intern.locator("h1")).to_have_text("ビザ・許可・保険・渡航")
    expect(intern.get_by_role("heading", name="特定活動（インターンシップ）")).to_be_visible()
    expect(intern.locator("body")).to_contain_text("情報であり、入国・在留の助言ではありません")
    screenshot("mobility-checklist-intern-ja", intern)
