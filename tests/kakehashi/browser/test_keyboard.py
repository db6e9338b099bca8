"""A candidate's whole journey with the keyboard alone: no click, no mouse.

Every stop of the Tab key must show a focus indicator (`:focus-visible` with an
outline or ring that contrasts at least 3:1 with the white page, WCAG 1.4.11).
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

ALREADY_APPLIED = ["nict-accented-asr", "kyoto-protein-language-model"]
TARGET = "atr-child-robot-dialogue"
MAX_TABS = 80

FOCUS_STYLE = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  return {
    element: el.outerHTML.slice(0, 120),
    focusVisible: el.matches(":focus-visible"),
    outlineStyle: style.outlineStyle,
    outlineWidth: parseFloat(style.outlineWidth) || 0,
    colours: [style.outlineColor, style.boxShadow],
  };
}"""


def _luminance(rgb: tuple[int, int, int]) -> float:
    def channel(c: int) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _contrast_with_white(rgb: tuple[int, int, int]) -> float:
    return 1.05 / (_luminance(rgb) + 0.05)


def assert_focus_visible(page) -> None:
    """The focused element shows a focus ring of 2px or more that contrasts with white."""
    state = page.evaluate(FOCUS_STYLE)
    colours = [
        tuple(int(c) for c in match)
        for text in state["colours"]
        for match in re.findall(r"rgba?\((\d+), (\d+), (\d+)", text)
    ]
    best = max((_contrast_with_white(c) for c in colours), default=1.0)
    assert state["focusVisible"], f"not :focus-visible: {state}"
    assert state["outlineStyle"] != "none" and state["outlineWidth"] >= 2, state
    assert best >= 3, f"focus ring contrast {best:.2f}:1 with white: {state}"


def press(page, key: str) -> None:
    page.keyboard.press(key)


def tab_to(page, selector: str, *, backwards: bool = False) -> None:
    """Press Tab (or Shift+Tab) until the focused element matches `selector`, checking
    the focus indicator at every stop on the way."""
    for _ in range(MAX_TABS):
        press(page, "Shift+Tab" if backwards else "Tab")
        if page.evaluate("() => document.activeElement !== document.body"):
            assert_focus_visible(page)
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{selector} not reached with {MAX_TABS} presses of Tab")


def test_candidate_applies_and_ranks_with_keyboard_only(page, screenshot, demo):
    from kakehashi.applications.services import application_submit
    from kakehashi.people.models import User
    from kakehashi.projects.models import Project

    user = User.objects.get(username="candidate")
    for key in ALREADY_APPLIED:
        application_submit(candidate=user, project=Project.objects.get(key=key))
    target = Project.objects.get(key=TARGET)

    # Log in: the username field has the focus when the page opens.
    page.goto("/accounts/login/")
    expect(page.locator("#id_username")).to_be_focused()
    page.keyboard.type("candidate")
    press(page, "Tab")
    expect(page.locator("#id_password")).to_be_focused()
    page.keyboard.type("kakehashi")
    press(page, "Enter")
    page.wait_for_url(lambda url: urlsplit(url).path == "/home/")  # signing in leads home

    # The skip link is the first stop, and it is shown when focused.
    press(page, "Tab")
    skip = page.locator(".skip-link")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    assert_focus_visible(page)

    # To the project list through the main navigation; search with the box.
    tab_to(page, '.site-nav a[href="/projects/"]')
    press(page, "Enter")
    expect(page.locator("h1")).to_have_text("Internship projects")
    tab_to(page, "#id_q")
    page.keyboard.type("robot")
    expect(page.locator(f'#results a[href="/projects/{TARGET}/"]')).to_be_visible()
    tab_to(page, f'#results a[href="/projects/{TARGET}/"]')
    press(page, "Enter")
    expect(page.locator("h1")).to_have_text(target.title)

    # Apply with a motivation statement; the apply button is pressed with Space.
    tab_to(page, "#id_statement")
    page.keyboard.type("I built dialogue systems for children's hospitals.")
    tab_to(page, "#apply button[type=submit]")
    screenshot("keyboard-apply")
    press(page, "Space")
    status = page.locator("#apply [role=status]")
    expect(status).to_contain_text("You applied to this project")
    # The button is gone with the form: the focus moves to the outcome, not to the top.
    expect(status).to_be_focused()

    # To the rank list with the link the confirmation offers.
    tab_to(page, 'a[href$="/ranking/"]')
    press(page, "Enter")
    expect(page.locator("h1")).to_have_text("Rank my applications")

    # Rank all three: each "Add to ranking" button, in turn, with Enter.
    ranked = page.locator('[data-list="ranked"] .reorder-item')
    for count in (1, 2, 3):
        tab_to(page, '[data-list="unranked"] button[data-move="add"]')
        press(page, "Enter")
        expect(ranked).to_have_count(count)
    # Focus stays on the item just added (its button is hidden once ranked).
    last = ranked.nth(2)
    expect(last).to_be_focused()
    assert_focus_visible(page)
    moved = last.get_attribute("data-label")

    # Move it to the top with the arrow keys; the change is announced.
    press(page, "ArrowUp")
    press(page, "ArrowUp")
    expect(ranked.first).to_have_attribute("data-label", moved)
    expect(ranked.first).to_be_focused()
    expect(page.locator("[data-announce]")).to_have_text(f"{moved}: position 1 of 3.")
    screenshot("keyboard-rank")

    tab_to(page, 'button[name="action"][value="save"]')
    press(page, "Enter")
    saved = page.locator("#ranking [role=status]")
    expect(saved).to_have_text("Your ranking has been saved.")
    expect(saved).to_be_focused()
    order = list(
        user.applications.filter(rank__isnull=False)
        .order_by("rank")
        .values_list("project__title", flat=True)
    )
    assert (len(order), order[0]) == (3, moved)
