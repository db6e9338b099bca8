"""A candidate's documents and a referee's letter, through the real browser."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from kakehashi.documents.models import Referee
from tests import factories

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def _pdf(name: str, content: bytes = PDF) -> dict:
    return {"name": name, "mimeType": "application/pdf", "buffer": content}


def test_candidate_uploads_a_cv_names_a_referee_who_sends_a_letter(
    page, new_page, login, screenshot, axe_check, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.UPLOAD_MAX_BYTES = 2000
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    candidate = factories.candidate(user__username="cand-docs")
    login("cand-docs")

    # The home says what is missing; the menu leads to the documents.
    home = page.locator("#home-candidate")
    expect(home).to_contain_text("Upload your CV. Upload your transcripts.")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My documents").click()
    expect(page.locator("h1")).to_have_text("My documents and referees")
    axe_check(page)

    # A file that is not a PDF (whatever its name) and one too large are refused.
    page.get_by_label("Document", exact=True).select_option("cv")
    page.get_by_label("PDF file").set_input_files(_pdf("cv.pdf", b"GIF89a pretending"))
    page.get_by_role("button", name="Upload").click()
    expect(page.locator("[role=alert]")).to_have_text("The file is not a PDF document.")
    page.get_by_label("PDF file").set_input_files(_pdf("cv.pdf", PDF + b"%" * 3000))
    page.get_by_role("button", name="Upload").click()
    expect(page.locator("[role=alert]")).to_contain_text("The file is too large")
    screenshot("documents-refused")

    page.get_by_label("Document", exact=True).select_option("cv")
    page.get_by_label("PDF file").set_input_files(_pdf("my-cv.pdf"))
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_role("link", name="my-cv.pdf")).to_be_visible()

    # Name a referee, writing to them in French.
    page.get_by_label("Referee's name").fill("Prof. Tremblay")
    page.get_by_label("Referee's e-mail").fill("tremblay@example.ca")
    page.get_by_label("Language of the mail").select_option("fr")
    page.get_by_role("button", name="Name this referee").click()
    expect(page.locator(".letter-status")).to_have_text("Not received yet")
    screenshot("documents-mine")

    [message] = mail.outbox
    assert message.to == ["tremblay@example.ca"]
    assert message.subject.startswith("Kakehashi : une lettre de recommandation")
    link = re.search(r"https?://\S+/letters/\S+/", message.body).group(0)
    path = link[link.index("/letters/") :]

    # The referee, without an account, in a French browser.
    referee_page = new_page("fr-CA")
    referee_page.goto(path)
    expect(referee_page.locator("h1")).to_have_text("Téléverser une lettre de recommandation")
    axe_check(referee_page)
    screenshot("documents-referee-upload", referee_page)
    referee_page.get_by_label("Lettre (PDF)").set_input_files(_pdf("lettre.pdf"))
    referee_page.get_by_role("button", name="Envoyer la lettre").click()
    expect(referee_page.locator("h1")).to_have_text("Lettre reçue")
    assert Referee.objects.get(candidate=candidate).received

    # The candidate sees that it arrived (never the letter).
    page.reload()
    expect(page.locator(".letter-status")).to_contain_text("Received on")
    assert "/documents/letters/" not in page.content()
    screenshot("documents-received")

    # Back home, the CV is no longer asked for; the transcripts still are.
    page.goto("/home/")
    expect(home).to_contain_text("CV: uploaded")
    expect(home).to_contain_text("Upload your transcripts.")
    expect(home).not_to_contain_text("Upload your CV.")
