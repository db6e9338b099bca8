"""Chromium through Playwright against pytest-django's live server.

Uses the system Chromium (never `playwright install`): /usr/bin/chromium or the
path in KAKEHASHI_CHROMIUM. Without one, the browser tests are skipped.
With KAKEHASHI_REQUIRE_BROWSER=1 (CI) a missing Chromium fails them instead.
Screenshots go to artifacts/screenshots/ (not under version control).

`axe_check(page)` runs axe-core (installed from npm by `make setup` into
node_modules/) on the page and fails on any serious or critical violation. The
app's strict CSP (script-src 'self') blocks `page.add_script_tag`, which inserts
an inline script, so axe's source is evaluated through the DevTools protocol with
`page.evaluate` instead, which CSP does not govern. Without node_modules/axe-core
the accessibility tests are skipped, or fail under KAKEHASHI_REQUIRE_BROWSER=1.
"""

from __future__ import annotations

import io
import json
import os
from functools import cache
from importlib import import_module
from pathlib import Path

import pytest
from django.core.management import call_command

from tests.kakehashi.browser.helpers import sign_in

CHROMIUM = os.environ.get("KAKEHASHI_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ROOT = Path(__file__).resolve().parents[3]
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_FAILING_IMPACTS = ("serious", "critical")


def _browser_required() -> bool:
    return os.environ.get("KAKEHASHI_REQUIRE_BROWSER", "").strip() in {"1", "true", "yes"}


def pytest_collection_modifyitems(items):
    if Path(CHROMIUM).exists() or _browser_required():
        return
    skip = pytest.mark.skip(
        reason=f"No Chromium at {CHROMIUM}: install Debian's chromium or set KAKEHASHI_CHROMIUM"
    )
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"KAKEHASHI_REQUIRE_BROWSER is set but there is no Chromium at {CHROMIUM}")

    # Playwright's sync API runs an event loop in this thread; the ORM calls the
    # tests make from it (arranging data) are still plain synchronous calls.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def browser_locale() -> str:
    """The browser's language (its Accept-Language); parametrize to change it."""
    return "en-CA"


def _open_page(browser, base_url: str, locale: str):
    """A page in a fresh browser context (Tokyo clock) and the list its CSP violations
    and page errors are collected in."""
    context = browser.new_context(
        base_url=base_url,
        locale=locale,
        timezone_id="Asia/Tokyo",
        viewport={"width": 1280, "height": 900},
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    problems: list[str] = []
    page.on(
        "console",
        lambda msg: (
            problems.append(msg.text)
            if msg.type == "error" and "Content Security Policy" in msg.text
            else None
        ),
    )
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    return page, problems


@pytest.fixture
def page(browser, live_server, browser_locale):
    """A fresh browser context (English browser by default, Tokyo clock) on the live server.

    Fails the test on any Content-Security-Policy violation or page error, so an
    inline script or style slipping into a template is caught here.
    """
    page, problems = _open_page(browser, live_server.url, browser_locale)
    yield page
    page.context.close()
    assert not problems, f"Browser errors: {problems}"


@pytest.fixture
def new_page(browser, live_server):
    """`new_page(locale)`: one more page in its own browser context (its own cookies, so
    another person can be logged in beside `page`), checked like `page` and closed at the
    end of the test."""
    opened: list[tuple] = []

    def open_page(locale: str = "en-CA"):
        page, problems = _open_page(browser, live_server.url, locale)
        opened.append((page, problems))
        return page

    yield open_page
    problems = [p for page, page_problems in opened for p in page_problems]
    for page, _problems in opened:
        page.context.close()
    assert not problems, f"Browser errors: {problems}"


@pytest.fixture
def screenshot(page):
    """`screenshot("name")` saves a full-page PNG of `page` (or of the page given as
    `screenshot("name", other_page)`) under artifacts/screenshots/."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(name: str, of=None) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        (of or page).screenshot(path=str(path), full_page=True)
        return path

    return take


@cache
def _axe_source() -> str:
    return AXE.read_text(encoding="utf-8")


def _format_violations(url: str, violations: list[dict]) -> str:
    lines = [f"{len(violations)} serious or critical accessibility violations on {url}:"]
    for violation in violations:
        targets = [json.dumps(node["target"], ensure_ascii=False) for node in violation["nodes"]]
        lines.append(
            f"- {violation['id']} ({violation['impact']}): {violation['help']}"
            f" [{violation['helpUrl'].split('?')[0]}]"
        )
        lines.extend(f"    {target}" for target in targets[:10])
        if len(targets) > 10:
            lines.append(f"    … and {len(targets) - 10} more")
    return "\n".join(lines)


@pytest.fixture
def axe_check():
    """`axe_check(page)`: fail listing every serious or critical axe-core violation
    (rule id, impact, help and the CSS targets) on the page as it is now."""
    if not AXE.exists():
        message = f"axe-core is not installed ({AXE.relative_to(ROOT)}): run `make setup`"
        if _browser_required():
            pytest.fail(message)
        pytest.skip(message)

    def check(page) -> None:
        if not page.evaluate("() => typeof window.axe === 'object'"):
            page.evaluate(_axe_source())
        results = page.evaluate(
            "async () => await window.axe.run(document, {resultTypes: ['violations']})"
        )
        failing = [v for v in results["violations"] if v["impact"] in AXE_FAILING_IMPACTS]
        assert not failing, _format_violations(page.url, failing)

    return check


@pytest.fixture
def login(page):
    def log_in(username: str, password: str = "kakehashi") -> None:
        sign_in(page, username, password)

    return log_in


def _ensure_research_fields() -> None:
    """Put back the reference data a data migration loads, when a flush removed it.

    Transactional tests end with a flush. A serialized rollback restores the
    migrated rows only when the test database was serialized on the connection
    this test uses, which is not the case in every run; the demo needs the
    research fields either way.
    """
    from django.apps import apps

    from kakehashi.research_fields.models import ResearchField

    if not ResearchField.objects.exists():
        import_module("kakehashi.research_fields.migrations.0002_load_crdc2020").load(apps, None)


@pytest.fixture
def demo():
    _ensure_research_fields()
    call_command("load_demo", stdout=io.StringIO())
