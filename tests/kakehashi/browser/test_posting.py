"""A supervisor at a Canadian university posts a project in the browser, an invited
industry co-supervisor accepts, the organisation's admin returns it once with a
comment and approves it after it is resubmitted; a Japanese candidate, with the
interface in Japanese, then finds the English posting on `/projects/` and on
`/search/` with a Japanese query.

The journey runs on the demo (its call, its University of Waterloo, its projects and
their cached embeddings), so the new posting is searched among real ones: only its
own texts are encoded, by the job its approval queues (run inline in tests)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from kakehashi.organisations.models import Organisation
from kakehashi.people.models import Affiliation
from kakehashi.programs.models import Call
from kakehashi.projects.models import Project
from tests import factories
from tests.kakehashi.browser.helpers import sign_in

#: "Fruit-harvesting robot hand": no word of it is in the English posting.
JAPANESE_QUERY = "果物を収穫するロボットハンド"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_post_translate_preview_submit_return_resubmit_approve_then_found_in_japanese(
    page, new_page, screenshot, axe_check, demo
):
    # Not Toronto: the review demo has a project submitted there, waiting for vetting.
    host = Organisation.objects.get(name="University of Waterloo")
    call = Call.objects.get(status="open")
    author = factories.UserFactory(
        username="ca-sup", given_name="Alice", family_name="Tremblay", email="alice@example.org"
    )
    Affiliation.objects.create(person=author, organisation=host, role="supervisor")
    factories.UserFactory(
        username="ind-sup",
        given_name="Luc",
        family_name="Gagnon",
        email="luc@example.org",
        preferred_language="fr",
    )
    admin = factories.UserFactory(username="ca-admin", email="admin@example.org")
    Affiliation.objects.create(person=admin, organisation=host, role="admin")

    projects_before = Project.objects.count()

    # The supervisor opens My projects and posts a project.
    sign_in(page, "ca-sup")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My projects").click()
    page.get_by_role("link", name="Post a project").click()
    expect(page.locator("h1")).to_have_text("New project")
    page.get_by_label("Call").select_option(call.slug)
    page.get_by_label("Host organisation").select_option(str(host.pk))
    page.get_by_label("Language you write in").select_option("en")
    page.fill("#id_title", "Soft grippers for fruit picking")
    page.fill("#id_summary", "Robots that pick without bruising.")
    page.fill("#id_description", "We design soft robotic grippers.")
    page.fill("#id_title_fr", "Pinces souples pour la cueillette des fruits")
    page.fill("#id_description_fr", "Nous concevons des pinces robotiques souples.")
    # A research field found by typing in French.
    page.get_by_label("Find a field (English, French or Japanese)").fill("robotique")
    found = page.locator("#fields-found input[type=checkbox]")
    expect(found.first).to_be_visible()
    found.first.check()
    page.fill("#id_skills", "python, ROS")
    page.get_by_label("Working language").select_option("en")
    page.fill("#id_city", "Waterloo")
    page.get_by_label("Region").select_option("CA-ON")
    page.fill("#id_start_date", "2027-05-03")
    page.fill("#id_end_date", "2027-08-27")
    page.fill("#id_capacity", "2")
    expect(page.locator("#id_academic")).to_have_value("alice@example.org")
    page.fill("#id_industry", "luc@example.org")
    screenshot("posting-form")

    # Preview: the page as candidates will see it, nothing saved.
    page.get_by_role("button", name="Preview").click()
    preview = page.locator(".preview")
    expect(preview).to_contain_text("Preview: the page as candidates will see it")
    expect(preview.locator("h2[lang=en]")).to_have_text("Soft grippers for fruit picking")
    expect(preview).to_contain_text("Waterloo")
    assert Project.objects.count() == projects_before
    axe_check(page)
    screenshot("posting-preview")

    page.get_by_role("button", name="Save as draft").click()
    expect(page.locator("h1")).to_have_text("Edit the project")
    project = Project.objects.get(title="Soft grippers for fruit picking")
    assert project.translations["fr"]["title"] == "Pinces souples pour la cueillette des fruits"
    assert project.fields.count() == 1
    axe_check(page)
    page.get_by_role("button", name="Submit for vetting").click()
    expect(page.locator(".tags")).to_contain_text("Submitted")

    # The industry co-supervisor (a French browser) accepts the invitation.
    luc = new_page("fr-CA")
    sign_in(luc, "ind-sup")
    luc.goto("/supervising/projects/")
    expect(luc.locator("#invitations")).to_have_text("Invitations à superviser")
    screenshot("posting-invitation-fr", luc)
    luc.get_by_role("button", name=re.compile("^Accepter")).click()
    # The page shows the host's French translation first, the original one click away.
    expect(luc.locator("h1")).to_have_text("Pinces souples pour la cueillette des fruits")
    expect(luc.locator("h1")).to_have_attribute("lang", "fr")
    expect(luc.locator(".tags")).to_contain_text("Traduction par l’hôte")
    luc.get_by_text("Voir l’original (anglais)").click()
    expect(luc.locator("details.original")).to_contain_text("Soft grippers for fruit picking")
    axe_check(luc)
    screenshot("posting-translation-fr", luc)

    # The organisation's admin returns it once with a comment.
    vetter = new_page("en-CA")
    sign_in(vetter, "ca-admin")
    vetter.get_by_role("link", name="Projects to vet").click()
    expect(vetter.locator("main")).to_contain_text("1 project waits for vetting.")
    axe_check(vetter)
    screenshot("posting-vetting-queue", vetter)
    vetter.get_by_role("link", name="Soft grippers for fruit picking").click()
    vetter.get_by_label("Comment for the supervisors").fill("Please name the lab safety training.")
    vetter.get_by_role("button", name="Return to draft with this comment").click()
    expect(vetter.locator(".tags")).to_contain_text("Draft")

    # The supervisor sees the comment, edits and resubmits.
    page.reload()
    expect(page.locator(".returned")).to_contain_text("Please name the lab safety training.")
    screenshot("posting-returned")
    page.fill("#id_description", "We design soft robotic grippers. Lab safety training: week 1.")
    page.get_by_role("button", name="Save the changes").click()
    expect(page.locator("main .messages")).to_contain_text("The project is saved.")
    page.get_by_role("button", name="Submit for vetting").click()
    expect(page.locator(".tags")).to_contain_text("Submitted")
    expect(page.locator(".returned")).to_have_count(0)

    # The admin approves it.
    vetter.goto(f"/projects/{project.key}/")
    axe_check(vetter)
    vetter.get_by_role("button", name="Approve").click()
    expect(vetter.locator(".tags")).to_contain_text("Approved")
    screenshot("posting-approved", vetter)
    project.refresh_from_db()
    assert project.status == "approved"
    assert [s.person.username for s in project.supervisions.order_by("order")] == [
        "ca-sup",
        "ind-sup",
    ]

    # A Japanese candidate, the interface in Japanese, looks for fruit-picking robots in
    # Japanese on /projects/ and finds the English posting (its title and summary were
    # embedded when it was saved; the demo's postings come from the embedding cache).
    ja = new_page("ja-JP")
    sign_in(ja, "candidate-ja")
    ja.goto("/projects/")
    expect(ja.locator("html")).to_have_attribute("lang", "ja")
    ja.locator("#id_q").fill(JAPANESE_QUERY)
    ja.locator("#id_q").press("Enter")
    found = ja.locator("#results .project-card h2 a")
    expect(found.first).to_have_text("Soft grippers for fruit picking")
    expect(found.first).to_have_attribute("lang", "en")
    expect(found.first).to_have_attribute("href", f"/projects/{project.key}/")
    axe_check(ja)
    screenshot("posting-found-ja-projects", ja)

    # The search page finds it too, among projects, people and organisations.
    ja.goto("/search/")
    ja.locator("#search-q").fill(JAPANESE_QUERY)
    ja.locator("#search-q").press("Enter")
    hit = ja.locator(f'main a[href="/projects/{project.key}/"]').first
    expect(hit).to_be_visible()
    screenshot("posting-found-ja-search", ja)

    # And its page shows the English original (no Japanese translation was written).
    hit.click()
    expect(ja.locator("h1")).to_have_text("Soft grippers for fruit picking")
    expect(ja.locator("h1")).to_have_attribute("lang", "en")
    screenshot("posting-found-ja-detail", ja)


def test_officer_finds_the_host_by_typing_in_japanese(page, screenshot, axe_check, demo):
    """The host list of an officer holds every organisation: typing any of a host's names
    (here katakana, for a hiragana alias) narrows it to the matches, announced, keyboard only."""
    tokyo = Organisation.objects.get(name="The University of Tokyo")
    sign_in(page, "officer")
    page.goto("/supervising/projects/new/")
    total = page.locator("#id_host option").count()
    assert total == Organisation.objects.count()

    search = page.get_by_label(
        "Find the host by any of its names, aliases or acronyms (English, French or Japanese)"
    )
    search.focus()
    page.keyboard.type("トウキョウダイガク")
    expect(page.locator("#host-found")).to_have_text(
        "1 organisation matches “トウキョウダイガク”: the list now shows only it."
    )
    expect(page.locator("#id_host")).to_have_value(str(tokyo.pk))
    expect(page.locator("#id_host option")).to_have_count(1)
    expect(search).to_be_focused()
    # Tab reaches the narrowed list, which keeps its label.
    page.keyboard.press("Tab")
    expect(page.get_by_label("Host organisation")).to_be_focused()
    axe_check(page)
    screenshot("posting-host-picker")

    # Another word: French names count too; the list narrows again.
    search.fill("université")
    expect(page.locator("#host-found")).to_contain_text("organisations match “université”")
    names = page.locator("#id_host option").all_inner_texts()
    assert names and all("niversit" in n for n in names), names
