"""The API's Swagger UI renders from the app's own assets under the strict CSP.

No live server: the browser's requests are answered by Django's test client
(through Playwright's request routing), so this test needs no transactional
database and leaves the other browser tests' data alone. Any request to
another host is recorded and refused.
"""

from __future__ import annotations

import pytest
from django.test import Client
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

ORIGIN = "http://localhost"  # a trustworthy origin, as the live server's 127.0.0.1


def test_api_docs_render_without_cdn_or_csp_errors(browser):
    client = Client()
    external: list[str] = []
    problems: list[str] = []

    def answer(route):
        url = route.request.url
        if not url.startswith(ORIGIN + "/"):
            external.append(url)
            route.abort()
            return
        response = client.get(url[len(ORIGIN) :])
        content = b"".join(response.streaming_content) if response.streaming else response.content
        response.close()
        route.fulfill(status=response.status_code, headers=dict(response.items()), body=content)

    context = browser.new_context(base_url=ORIGIN)
    page = context.new_page()
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    page.route("**/*", answer)

    page.goto("/api/v1/docs")

    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Kakehashi API")
    expect(page.locator(".opblock-summary-path").first).to_be_visible()
    context.close()
    assert external == []
    assert problems == []
