"""Documents, referees and letters: the services' rules, files and audit entries."""

import datetime as dt
import threading
from pathlib import Path

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections
from django.utils import timezone

from kakehashi.audit.models import AuditEntry
from kakehashi.core.cache import data_version
from kakehashi.documents.models import Document, LetterRequirement, Referee
from kakehashi.documents.selectors import letters_due_for_candidate, referee_by_token
from kakehashi.documents.services import (
    document_delete,
    document_upload,
    letter_reminders_send,
    letter_upload,
    referee_add,
    referee_remove,
)
from kakehashi.documents.validators import pdf_check
from tests import factories
from tests.kakehashi.documents.conftest import pdf_bytes, pdf_upload

pytestmark = pytest.mark.django_db


def _files(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def _token(message) -> str:
    line = next(line for line in message.body.splitlines() if "/letters/" in line)
    return line.strip().rstrip("/").rsplit("/", 1)[1]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The file is empty."),
        (b"GIF89a" + b"x" * 100, "The file is not a PDF document."),
        (b"%PDF-1.4\nno end marker", "The file is not a PDF document."),
        (b"<html>%PDF-1.4 %%EOF", "The file is not a PDF document."),
    ],
)
def test_pdf_check_reads_the_content_not_the_name(content, message):
    upload = SimpleUploadedFile("cv.pdf", content, content_type="application/pdf")
    with pytest.raises(ValidationError) as exc:
        pdf_check(upload)
    assert exc.value.messages == [message]


def test_pdf_check_refuses_a_file_over_the_limit(settings):
    settings.UPLOAD_MAX_BYTES = 1000
    with pytest.raises(ValidationError) as exc:
        pdf_check(pdf_upload(pad=2000))
    assert exc.value.code == "too_large"
    assert "the limit is 1000\xa0bytes" in exc.value.messages[0]
    pdf_check(pdf_upload())  # a small one passes


def test_upload_stores_the_file_under_media_root_and_audits(world, _media_root):
    candidate = world["candidate"]
    document = document_upload(owner=candidate, kind="cv", upload=pdf_upload("my cv.pdf"))
    assert document.filename == "my cv.pdf"
    assert document.size == len(pdf_bytes())
    assert Path(document.file.path).read_bytes() == pdf_bytes()
    assert Path(document.file.path).is_relative_to(_media_root)
    entry = AuditEntry.objects.get(verb="document.uploaded")
    assert entry.scope == candidate and entry.actor == candidate
    assert entry.data["replaced"] is None and entry.data["size"] == document.size


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_replacing_a_document_deletes_the_old_file(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "m"
    candidate = factories.candidate()
    first = document_upload(owner=candidate, kind="cv", upload=pdf_upload(text="one"))
    old_path = Path(first.file.path)
    second = document_upload(owner=candidate, kind="cv", upload=pdf_upload(text="two"))
    assert not old_path.exists()
    assert list(Document.objects.filter(owner=candidate)) == [second]
    assert _files(settings.MEDIA_ROOT) == [second.file.name]
    assert AuditEntry.objects.filter(verb="document.uploaded").last().data["replaced"] == first.pk
    document_delete(owner=candidate, document=second)
    assert _files(settings.MEDIA_ROOT) == []
    assert AuditEntry.objects.filter(verb="document.deleted").count() == 1


def test_only_candidates_upload_and_refusals_change_nothing(world, _media_root):
    with pytest.raises(ValidationError) as exc:
        document_upload(owner=world["supervisor"], kind="cv", upload=pdf_upload())
    assert exc.value.messages == ["Only candidates upload documents."]
    with pytest.raises(ValidationError):
        document_upload(owner=world["candidate"], kind="cv", upload=pdf_upload(pad=20_000))
    assert Document.objects.count() == 0
    assert not _media_root.exists() or _files(_media_root) == []
    assert not AuditEntry.objects.filter(verb__startswith="document.").exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_referee_gets_a_mail_in_their_language_with_a_working_link(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "m"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    candidate = factories.candidate(user__given_name="Aiko", user__family_name="Sato")
    referee = referee_add(
        candidate=candidate, name="Prof. Tremblay", email="t@example.ca", language="fr"
    )
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["t@example.ca"]
    assert message.extra_headers["Content-Language"] == "fr"
    assert message.subject.startswith("Kakehashi : une lettre de recommandation pour")
    token = _token(message)
    assert referee.token_hash and token not in referee.token_hash  # only the hash is kept
    assert referee_by_token(token=token).state == "valid"
    assert AuditEntry.objects.get(verb="referee.invited").data["language"] == "fr"

    letter_upload(token=token, upload=pdf_upload("letter.pdf"))
    referee.refresh_from_db()
    assert referee.received and referee.token_hash == ""
    assert Path(referee.letter.path).read_bytes() == pdf_bytes()
    assert AuditEntry.objects.get(verb="letter.received").actor is None
    # The link works once.
    assert referee_by_token(token=token).state == "unknown"
    with pytest.raises(ValidationError):
        letter_upload(token=token, upload=pdf_upload())

    referee_remove(candidate=candidate, referee=referee)
    assert _files(settings.MEDIA_ROOT) == []


def test_an_expired_link_is_refused(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        referee = referee_add(
            candidate=world["candidate"], name="R", email="r@x.org", language="en"
        )
    token = _token(mail.outbox[0])
    Referee.objects.filter(pk=referee.pk).update(
        token_expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    with pytest.raises(ValidationError) as exc:
        letter_upload(token=token, upload=pdf_upload())
    assert exc.value.messages == ["This link has expired. Ask the candidate to name you again."]
    assert not Referee.objects.get(pk=referee.pk).received


def test_referee_rules(world):
    candidate = world["candidate"]
    referee_add(candidate=candidate, name="R", email="r@x.org", language="en")
    with pytest.raises(ValidationError) as exc:
        referee_add(candidate=candidate, name="R2", email="R@X.org", language="en")
    assert exc.value.message_dict == {
        "email": ["You already named a referee with this e-mail address."]
    }
    with pytest.raises(ValidationError) as exc:
        referee_add(candidate=candidate, name="Me", email=candidate.email, language="en")
    assert exc.value.message_dict == {"email": ["A referee cannot be yourself."]}
    with pytest.raises(ValidationError):
        referee_add(candidate=world["supervisor"], name="R", email="r@x.org", language="en")
    with pytest.raises(ValidationError):
        referee_remove(candidate=world["other_candidate"], referee=Referee.objects.get())
    assert Referee.objects.count() == 1


def test_letters_due_count_received_letters_for_calls_applied_to(
    world, django_capture_on_commit_callbacks
):
    candidate = world["candidate"]
    deadline = timezone.now() + dt.timedelta(days=10)
    LetterRequirement.objects.create(call=world["call"], letters_required=2, deadline=deadline)
    with django_capture_on_commit_callbacks(execute=True):
        referee_add(candidate=candidate, name="R", email="r@x.org", language="en")
    letter_upload(token=_token(mail.outbox[0]), upload=pdf_upload())
    referee_add(candidate=candidate, name="S", email="s@x.org", language="ja")
    [due] = letters_due_for_candidate(candidate=candidate)
    assert (due.call, due.required, due.received, due.missing) == (world["call"], 2, 1, 1)
    assert letters_due_for_candidate(candidate=world["other_candidate"]) == []


def test_letter_reminders_go_once_to_candidates_missing_letters(
    world, django_capture_on_commit_callbacks
):
    now = timezone.now()
    requirement = LetterRequirement.objects.create(
        call=world["call"], letters_required=1, deadline=now + dt.timedelta(days=10)
    )
    complete = factories.candidate(user__username="complete")
    factories.ApplicationFactory(candidate=complete, project=world["project"])
    with django_capture_on_commit_callbacks(execute=True):
        referee_add(candidate=complete, name="R", email="r@x.org", language="en")
    letter_upload(token=_token(mail.outbox[-1]), upload=pdf_upload())
    mail.outbox.clear()

    assert letter_reminders_send(now=now) == {"letters_missing": 0}  # too early
    later = requirement.deadline - dt.timedelta(days=2)
    assert letter_reminders_send(now=later) == {"letters_missing": 1}
    [message] = mail.outbox
    assert message.to == [world["candidate"].email]
    assert message.subject == f"Reminder: reference letters for {world['call'].name}"
    assert "0 have arrived: one is still missing." in " ".join(message.body.split())
    assert letter_reminders_send(now=later) == {"letters_missing": 0}  # once
    # A moved deadline is a new one.
    LetterRequirement.objects.filter(pk=requirement.pk).update(
        deadline=requirement.deadline + dt.timedelta(days=1)
    )
    assert letter_reminders_send(now=later) == {"letters_missing": 1}
    assert letter_reminders_send(now=requirement.deadline + dt.timedelta(days=2)) == {
        "letters_missing": 0
    }


def test_documents_keep_the_public_cache(world):
    # No public answer shows a document or a referee: their writes keep the cache.
    before = data_version()
    document_upload(owner=world["candidate"], kind="cv", upload=pdf_upload())
    referee_add(candidate=world["candidate"], name="R", email="r@x.org", language="en")
    assert data_version() == before


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("kind", ["cv", "transcript"])
def test_two_uploads_of_one_kind_at_once_replace_cleanly(settings, tmp_path, kind):
    """Two transactions upload the candidate's first document of one kind at the same
    moment: the first commits, the second replaces it (no unique-constraint error, no
    orphan file), as two uploads one after the other would."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite takes the write lock when a transaction begins (IMMEDIATE)")
    settings.MEDIA_ROOT = tmp_path / "m"
    candidate = factories.candidate()
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def upload(text: str) -> None:
        try:
            barrier.wait()
            document_upload(owner=candidate, kind=kind, upload=pdf_upload(text=text))
            outcomes.append("uploaded")
        except Exception as exc:  # the race's error, whatever it is, is the finding
            outcomes.append(f"{type(exc).__name__}: {exc}")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=upload, args=(t,)) for t in ("one", "two")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert outcomes == ["uploaded", "uploaded"]
    (document,) = Document.objects.filter(owner=candidate, kind=kind)
    assert _files(settings.MEDIA_ROOT) == [document.file.name]
    first, second = AuditEntry.objects.filter(verb="document.uploaded").order_by("pk")
    assert first.data["replaced"] is None
    assert second.data["replaced"] == first.data["document"]
    assert second.data["document"] == document.pk


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_naming_the_same_referee_twice_at_once_is_refused_once(settings):
    """Two transactions name the same referee at once: one is invited, the other gets the
    duplicate refusal (a 422 in the API's error shape), never a unique-constraint error."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite takes the write lock when a transaction begins (IMMEDIATE)")
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    candidate = factories.candidate()
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def add() -> None:
        try:
            barrier.wait()
            referee_add(
                candidate=candidate, name="Prof. Ito", email="ito@example.jp", language="ja"
            )
            outcomes.append("invited")
        except ValidationError as exc:
            outcomes.append(exc.messages[0])
        except Exception as exc:  # the race's error, whatever it is, is the finding
            outcomes.append(f"{type(exc).__name__}: {exc}")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=add) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["You already named a referee with this e-mail address.", "invited"]
    assert Referee.objects.filter(candidate=candidate).count() == 1
    assert len(mail.outbox) == 1
