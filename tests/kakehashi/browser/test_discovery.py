"""Recommendations and search in the real browser, across languages, on the demo."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_english_candidate_is_recommended_the_japanese_eeg_posting(page, login, screenshot, demo):
    login("candidate")
    page.goto("/recommendations/")
    expect(page.locator("h1")).to_have_text("Recommended for you")
    first = page.locator("ol.recommendations > li").first
    title = first.locator("h2 a")
    expect(title).to_have_attribute("href", "/projects/atr-eeg-decoding/")
    expect(title).to_have_attribute("lang", "ja")
    # The explanation pairs an English sentence of the profile with a Japanese one.
    expect(first.locator('[lang="en"]').first).to_be_visible()
    expect(first.locator('[lang="ja"]').first).to_be_visible()
    screenshot("en-recommendations")


def test_japanese_search_finds_postings_in_japanese_and_english(page, login, screenshot, demo):
    login("candidate-ja")
    page.goto("/search/?q=脳波")
    results = page.locator("main")
    expect(results).to_contain_text("脳波")
    expect(results.locator("mark").first).to_be_visible()
    expect(results.locator('a[href="/projects/atr-eeg-decoding/"]').first).to_be_visible()
    screenshot("ja-search")
