"""axe-core on the main pages, in English and Japanese, as the people who use them.

Fails on any serious or critical violation (see `axe_check` in conftest.py).
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

MATCHED_PROJECT = "atr-eeg-decoding"
CANDIDATE_PROJECTS = [
    "atr-child-robot-dialogue",
    "nict-accented-asr",
    "kyoto-protein-language-model",
]


def _use_language(page, live_server, language: str) -> None:
    """Choose the interface language as the language switcher does (its cookie)."""
    page.context.add_cookies(
        [{"name": "django_language", "value": language, "url": live_server.url}]
    )


# Elements wider than a 320px viewport, but for tables in their own scrolling box.
OVERFLOWING = """() => {
  const width = document.documentElement.clientWidth;
  return [...document.querySelectorAll("body *")]
    .filter((el) => el.getBoundingClientRect().right > width + 1)
    .filter((el) => !el.closest(".table-scroll, .visually-hidden, .skip-link"))
    .map((el) => `${el.tagName.toLowerCase()}.${el.className}`)
    .slice(0, 10);
}"""


def assert_reflows(page) -> None:
    """At 320 CSS pixels wide the page needs no horizontal scrolling (WCAG 1.4.10)."""
    size = page.viewport_size
    page.set_viewport_size({"width": 320, "height": 640})
    try:
        overflowing = page.evaluate(OVERFLOWING)
        assert not overflowing, f"{page.url} is wider than 320px: {overflowing}"
    finally:
        page.set_viewport_size(size)


def _visit(page, axe_check, screenshot, language: str, name: str, path: str) -> None:
    page.goto(path)
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.locator("h1").first).to_be_visible()
    screenshot(f"a11y-{language}-{name}")
    axe_check(page)
    assert_reflows(page)


def _publish_a_match(call) -> dict[str, int]:
    """The call after its match: the candidate ranked, the ATR supervisor ranked them,
    two runs (without and with a regional cap) finished, the first published, offers
    pending. The phases are moved in the database; the journeys in test_full_call.py
    move them from the officer's page."""
    import datetime as dt

    from django.utils import timezone

    from kakehashi.applications.services import (
        application_submit,
        host_ranking_set,
        rank_list_set,
    )
    from kakehashi.matching.services import run_publish, run_start
    from kakehashi.people.models import User
    from kakehashi.programs.models import CallPhase
    from kakehashi.projects.models import Project

    def open_only(kind: str) -> None:
        now = timezone.now()
        for phase in CallPhase.objects.filter(call=call):
            opens, closes = (
                (now - dt.timedelta(hours=1), now + dt.timedelta(days=30))
                if phase.kind == kind
                else (now - dt.timedelta(days=40), now - dt.timedelta(days=39))
            )
            CallPhase.objects.filter(pk=phase.pk).update(opens_at=opens, closes_at=closes)

    candidate = User.objects.get(username="candidate")
    officer = User.objects.get(username="officer")
    eeg = Project.objects.get(key=MATCHED_PROJECT)
    application_submit(candidate=candidate, project=eeg)
    keys = [MATCHED_PROJECT, *CANDIDATE_PROJECTS]
    rank_list_set(
        candidate=candidate,
        call=call,
        project_ids=[Project.objects.get(key=k).pk for k in keys],
    )
    open_only("host_ranking")
    supervisor = User.objects.get(username="supervisor")
    applicants = (
        eeg.call.applications.filter(project__supervisions__person=supervisor)
        .exclude(candidate=candidate)
        .values_list("candidate_id", flat=True)
    )
    host_ranking_set(
        supervisor=supervisor, call=call, candidate_ids=[candidate.pk, *dict.fromkeys(applicants)]
    )
    open_only("matching")
    caps = [{"label": "Kansai", "kind": "region", "values": ["JP-26"], "capacity": 3}]
    first = run_start(call=call, policy={"caps": []}, label="Without caps", user=officer)
    second = run_start(call=call, policy={"caps": caps}, label="Kansai cap", user=officer)
    run_publish(run=first, user=officer)
    open_only("offers")
    return {"published": first.pk, "other": second.pk}


def _log_out(page) -> None:
    page.locator(".account button[type=submit]").first.click()
    page.wait_for_url("**/")


@pytest.mark.parametrize("language", ["en", "ja"])
def test_main_pages_have_no_serious_accessibility_violation(
    page, live_server, login, screenshot, axe_check, demo, language
):
    from kakehashi.applications.services import application_submit
    from kakehashi.people.models import User
    from kakehashi.programs.models import Call
    from kakehashi.projects.models import Project

    call = Call.objects.get(slug="2027-summer")  # the open call (the demo also has a past one)
    candidate = User.objects.get(username="candidate")
    for key in CANDIDATE_PROJECTS:
        application_submit(candidate=candidate, project=Project.objects.get(key=key))
    _use_language(page, live_server, language)

    def visit(name: str, path: str) -> None:
        _visit(page, axe_check, screenshot, language, name, path)

    visit("home", "/")
    visit("projects", "/projects/")
    visit("projects-filtered", "/projects/?q=speech&country=CA")
    visit("project", "/projects/atr-eeg-decoding/")
    visit("login", "/accounts/login/")

    login("candidate")
    visit("home-candidate", "/")
    visit("project-applied", f"/projects/{CANDIDATE_PROJECTS[0]}/")
    visit("my-applications", "/applications/")
    visit("rank", f"/calls/{call.slug}/ranking/")
    visit("recommended", "/recommendations/")
    visit("search", "/search/?q=EEG")
    visit("profile", "/profile/")
    visit("profile-edit", "/profile/edit/")
    _log_out(page)

    login("supervisor")
    visit("supervisor-projects", "/supervising/projects/")
    visit("supervisor-applicants", f"/supervising/calls/{call.slug}/applicants/")
    visit("supervisor-ranking", f"/supervising/calls/{call.slug}/ranking/")
    _log_out(page)

    login("officer")
    visit("officer-calls", "/calls/")
    visit("officer-call", f"/calls/{call.slug}/")

    # After the match: the officer's runs, a published run, two runs compared; the
    # candidate's result with an offer to answer; the supervisor's interns.
    runs = _publish_a_match(call)
    visit("officer-call-edit", f"/calls/{call.slug}/edit/")
    visit("officer-runs", f"/calls/{call.slug}/runs/")
    visit("officer-run", f"/runs/{runs['published']}/")
    visit("officer-compare", f"/calls/{call.slug}/compare/?a={runs['published']}&b={runs['other']}")
    _log_out(page)

    login("candidate")
    visit("candidate-results", "/results/")
    expect(page.locator("section.offer form button")).to_be_visible()
    offer = page.locator("section.offer").get_attribute("id").removeprefix("offer-")
    visit("candidate-decline", f"/results/offers/{offer}/decline/")
    _log_out(page)

    login("supervisor")
    visit("supervisor-interns", "/interns/")


def test_axe_check_reports_rule_impact_target_and_help(page, axe_check):
    page.goto("/accounts/login/")
    # Break the page the way a template could: an unlabelled field, an image without text.
    page.evaluate(
        """() => {
          const form = document.querySelector("main form");
          form.insertAdjacentHTML("beforeend", '<input id="bare" type="text">');
          form.insertAdjacentHTML("beforeend", '<img id="mute" src="data:,">');
        }"""
    )

    with pytest.raises(AssertionError) as failure:
        axe_check(page)

    report = str(failure.value)
    assert "- label (critical): Form elements must have labels" in report
    assert '["#bare"]' in report
    assert "- image-alt (critical): Images must have alternative text" in report
    assert '["#mute"]' in report


@pytest.mark.parametrize("language", ["en", "ja"])
def test_the_everyday_work_pages_have_no_serious_accessibility_violation(
    page, live_server, login, screenshot, axe_check, demo, language
):
    """The pages of posting, vetting, documents, homes, affiliations and the officers'
    confirmations, in English and Japanese, as the people who use them."""
    from kakehashi.applications.services import application_submit
    from kakehashi.organisations.models import Organisation
    from kakehashi.people.models import User
    from kakehashi.people.services import affiliation_request_create
    from kakehashi.programs.models import Call
    from kakehashi.projects.models import Project

    call = Call.objects.get(slug="2027-summer")  # the open call (the demo also has a past one)
    candidate = User.objects.get(username="candidate")
    for key in CANDIDATE_PROJECTS:
        application_submit(candidate=candidate, project=Project.objects.get(key=key))
    affiliation_request_create(
        person=User.objects.get(username="candidate"),
        organisation=Organisation.objects.get(name="University of Toronto"),
        role="student",
    )
    _use_language(page, live_server, language)

    def visit(name: str, path: str) -> None:
        _visit(page, axe_check, screenshot, language, name, path)

    login("candidate")
    visit("home-page-candidate", "/home/")
    visit("documents", "/documents/")
    _log_out(page)

    login("supervisor-ca")
    visit("home-page-supervisor", "/home/")
    visit("project-new", "/supervising/projects/new/")
    _log_out(page)

    login("officer")
    visit("home-page-officer", "/home/")
    visit("vetting-queue", "/vetting/projects/")
    visit("affiliation-requests", "/affiliation-requests/")
    visit("close-confirm", f"/calls/{call.slug}/phases/applications/close/")
    # The host picker after a search: the narrowed list and its status line.
    visit("project-new-officer", "/supervising/projects/new/")
    page.locator("#host-search").fill("東京")
    expect(page.locator("#host-found")).not_to_be_empty()
    axe_check(page)
    runs = _publish_a_match(call)
    visit("publish-confirm", f"/runs/{runs['other']}/publish/")
