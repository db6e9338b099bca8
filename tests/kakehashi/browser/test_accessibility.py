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

    call = Call.objects.get()
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
