"""Journeys through the real browser, on the demo data."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = [
    pytest.mark.browser,
    # The demo needs the research fields that a data migration loads; a
    # serialized rollback restores them for each transactional test.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def switch_language(page, code: str) -> None:
    page.select_option("#language-select", code)
    page.click(".language-switcher button")
    expect(page.locator("html")).to_have_attribute("lang", code)


def test_candidate_ja_finds_english_project_applies_and_ranks(page, login, screenshot, demo):
    # Log in and switch the interface to Japanese.
    login("candidate-ja")
    switch_language(page, "ja")
    expect(page.get_by_role("navigation", name="メイン")).to_contain_text("プロジェクト")
    screenshot("ja-home")

    # Find an English posting at a Canadian host with the search box and filters.
    page.get_by_role("link", name="プロジェクト", exact=True).first.click()
    expect(page.locator("h1")).to_have_text("インターンシップ・プロジェクト")
    page.get_by_label("掲載言語").select_option("en")
    page.get_by_label("受入国").select_option("CA")
    page.get_by_label("検索").fill("speech translation")
    results = page.locator("#results")
    # The first query loads the encoder: on a busy machine that can take more than the
    # default five seconds of an expectation.
    expect(results.locator("#results-count")).to_have_text(
        re.compile(r"^\s*1 件のプロジェクトが見つかりました\s*$"), timeout=30_000
    )
    assert "language=en" in page.url and "country=CA" in page.url  # pushed by htmx
    screenshot("ja-project-list-filtered")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot("ja-project-list-phone")
    page.set_viewport_size({"width": 1280, "height": 900})
    results.get_by_role("link", name=re.compile("Low-latency Japanese–English speech")).click()

    # The project page: interface in Japanese, content in English and tagged so.
    title = page.locator("h1")
    expect(title).to_have_attribute("lang", "en")
    expect(title).to_have_text(re.compile("^Low-latency Japanese–English speech translation"))
    expect(page.locator(".facts")).to_contain_text("業務言語")
    expect(page.locator(".facts")).to_contain_text("ブリティッシュコロンビア州")
    page.get_by_label("志望動機（任意）").fill("講義音声の同時通訳に関心があります。")
    screenshot("ja-project-apply")
    page.get_by_role("button", name="応募する").click()
    expect(page.locator("#apply [role=status]")).to_contain_text("このプロジェクトに応募しました")

    # Rank it: add it to the ranking with its button, then save.
    page.get_by_role("link", name="応募先の希望順位を付ける").click()
    expect(page.locator("h1")).to_have_text("応募先の希望順位を付ける")
    unranked = page.locator('[data-list="unranked"]')
    ranked = page.locator('[data-list="ranked"]')
    expect(unranked.locator(".reorder-item")).to_have_count(1)
    unranked.get_by_role("button", name=re.compile("順位リストに追加")).click()
    expect(ranked.locator(".reorder-item")).to_have_count(1)
    expect(page.locator("[data-announce]")).to_contain_text(
        "順位リストに追加しました（1 件中 1 位）"
    )
    expect(page.locator("[data-dirty]")).to_be_visible()
    page.get_by_role("button", name="順位を保存").click()
    expect(page.locator("#ranking [role=status]")).to_have_text("順位を保存しました。")
    expect(ranked.locator(".reorder-item")).to_have_count(1)
    expect(ranked).to_contain_text("Low-latency Japanese–English speech translation")
    screenshot("ja-rank")

    # The saved order survives a reload.
    page.reload()
    expect(page.locator('[data-list="ranked"] .reorder-item')).to_have_count(1)


def test_candidate_reorders_with_keyboard_and_drag(page, login, screenshot, demo):
    from kakehashi.applications.services import application_submit
    from kakehashi.people.models import User
    from kakehashi.projects.models import Project

    user = User.objects.get(username="candidate-ja")
    keys = ["ubc-ja-en-speech-translation", "toronto-federated-ehr", "alberta-continual-rl"]
    for key in keys:
        application_submit(candidate=user, project=Project.objects.get(key=key))
    call = Project.objects.get(key=keys[0]).call

    login("candidate-ja")
    page.goto(f"/calls/{call.slug}/ranking/")
    for _ in keys:
        page.locator('[data-list="unranked"] button[data-move="add"]').first.click()
    ranked = page.locator('[data-list="ranked"] .reorder-item')
    expect(ranked).to_have_count(3)

    # Keyboard: focus the last item and move it to the top with the Up arrow.
    last = ranked.nth(2)
    moved = last.get_attribute("data-label")
    last.focus()
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowUp")
    expect(ranked.first).to_have_attribute("data-label", moved)
    expect(ranked.first).to_be_focused()
    expect(page.locator("[data-announce]")).to_have_text(f"{moved}: position 1 of 3.")

    # Drag and drop: drag the new last item onto the first.
    dragged = ranked.nth(2).get_attribute("data-label")
    ranked.nth(2).drag_to(ranked.first)
    expect(ranked.first).to_have_attribute("data-label", dragged)

    page.get_by_role("button", name="Save ranking").click()
    expect(page.locator("#ranking [role=status]")).to_have_text("Your ranking has been saved.")
    order = [a.project.title for a in user.applications.filter(rank__isnull=False).order_by("rank")]
    assert order[:2] == [dragged, moved]
    screenshot("en-rank-reordered")


@pytest.mark.parametrize("browser_locale", ["ja-JP"])
def test_main_pages_follow_japanese_browser(page, login, screenshot, demo):
    """With a Japanese browser and no choice made, every page is in Japanese."""
    from kakehashi.programs.models import Call

    call = Call.objects.get(slug="2027-summer")  # the open call (the demo also has a past one)
    page.goto("/accounts/login/")
    expect(page.locator("h1")).to_have_text("ログイン")
    screenshot("ja-login")

    login("candidate")
    page.goto("/profile/")
    expect(page.locator("h1")).to_have_text("プロフィール")
    expect(page.locator("main")).to_contain_text("博士課程学生")
    screenshot("ja-profile")
    page.goto("/profile/edit/")
    expect(page.get_by_label("研究関心", exact=True)).to_be_visible()
    screenshot("ja-profile-edit")
    # A Japanese posting; applying gives the demo supervisor an applicant.
    page.goto("/projects/atr-eeg-decoding/")
    expect(page.locator("h1")).to_have_attribute("lang", "ja")
    screenshot("ja-project-ja")
    page.get_by_role("button", name="応募する").click()
    expect(page.locator("#apply [role=status]")).to_contain_text("このプロジェクトに応募しました")
    page.goto("/applications/")
    expect(page.locator("main table")).to_contain_text("提出済み")
    screenshot("ja-my-applications")
    page.get_by_role("button", name="ログアウト").click()

    login("supervisor")
    page.goto("/supervising/projects/")
    expect(page.locator("h1")).to_have_text("担当プロジェクト")
    screenshot("ja-supervisor-projects")
    page.goto(f"/supervising/calls/{call.slug}/applicants/")
    expect(page.locator(".applicant-list > li").first).to_contain_text("課程")
    screenshot("ja-supervisor-applicants")
    page.goto(f"/supervising/calls/{call.slug}/ranking/")
    unranked = page.locator('[data-list="unranked"] .reorder-item')
    first_name = unranked.first.get_attribute("data-label")
    unranked.first.locator('button[data-move="add"]').click()
    page.get_by_role("button", name="順位を保存").click()
    expect(page.locator("#ranking [role=status]")).to_have_text("順位を保存しました。")
    expect(page.locator('[data-list="ranked"] .reorder-item')).to_have_attribute(
        "data-label", first_name
    )
    screenshot("ja-host-ranking")
    page.get_by_role("button", name="ログアウト").click()

    login("officer")
    page.goto(f"/calls/{call.slug}/")
    expect(page.locator("#phases-title")).to_have_text("フェーズと締切")
    screenshot("ja-officer-call")
