"""Documents in the personal-data export, the account deletion and the backup."""

from pathlib import Path

import pytest
from django.core import mail

from kakehashi.core.backup import _extra_files
from kakehashi.documents.models import Document, Referee
from kakehashi.documents.services import document_upload, letter_upload, referee_add
from kakehashi.people.selectors import person_data_export
from kakehashi.people.services import person_delete
from tests import factories
from tests.kakehashi.documents.conftest import pdf_upload


def _token(message) -> str:
    line = next(line for line in message.body.splitlines() if "/letters/" in line)
    return line.strip().rstrip("/").rsplit("/", 1)[1]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_export_lists_documents_and_referees_never_letters_and_deletion_deletes_files(
    settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "m"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    candidate = factories.candidate()
    document = document_upload(owner=candidate, kind="cv", upload=pdf_upload("cv.pdf"))
    referee = referee_add(candidate=candidate, name="R", email="r@x.org", language="ja")
    letter_upload(token=_token(mail.outbox[-1]), upload=pdf_upload())
    referee.refresh_from_db()

    doc = person_data_export(person=candidate, language="en")
    [exported] = doc["sections"]["documents"]["records"]
    assert exported["filename"] == "cv.pdf" and exported["sha256"] == document.sha256
    [named] = doc["sections"]["referees"]["records"]
    assert named["email"] == "r@x.org" and named["letter_received_at"] is not None
    assert "letter" not in named

    # The backup carries the files.
    members = _extra_files()
    assert members[f"media/{document.file.name}"] == Path(document.file.path)
    assert members[f"media/{referee.letter.name}"] == Path(referee.letter.path)

    done = person_delete(person=candidate, password="kakehashi")
    counts = {item["what"]: (item["count"], item["action"]) for item in done}
    assert counts["Documents (CV, transcripts) and their files"] == (1, "deleted")
    assert counts["Referees you named and their letters' files"] == (1, "deleted")
    assert Document.objects.count() == 0 and Referee.objects.count() == 0
    assert [p for p in settings.MEDIA_ROOT.rglob("*") if p.is_file()] == []
