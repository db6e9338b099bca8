"""Writes: documents, referees, their invitations and letters."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kakehashi.audit.services import audit_record
from kakehashi.core.roles import is_candidate
from kakehashi.documents.enums import DocumentKind
from kakehashi.documents.models import Document, LetterRequirement, Referee
from kakehashi.documents.selectors import candidates_missing_letters, referee_by_token, token_hash
from kakehashi.documents.validators import pdf_check
from kakehashi.notifications.services import notify_after_commit, notify_once, site_link

REFEREE_INVITATION = "referee_invitation"


def upload_sha256(upload) -> str:
    """The SHA-256 of an uploaded file's content, read from its start (and left there)."""
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def file_delete_on_commit(field_file) -> None:
    """Delete a stored file once the transaction that dropped its row commits (a rolled
    back deletion keeps it)."""
    if not field_file:
        return
    storage, name = field_file.storage, field_file.name
    transaction.on_commit(lambda: storage.delete(name))


def _delete_with_file(record, field_file, *, scope, verb: str, target: str, data: dict) -> None:
    """Delete `record` at the request of `scope` (its owner), audited as `verb`; its
    stored file goes once the deletion commits."""
    with transaction.atomic():
        file_delete_on_commit(field_file)
        audit_record(scope=scope, verb=verb, actor=scope, target=target, data=data)
        record.delete()


@contextmanager
def file_stored(field_file, name: str, upload):
    """Store `upload` as `field_file` (under `name`, the row not saved) for the block that
    saves its row: should the block fail, the stored file is deleted again, so no file is
    left without its row."""
    field_file.save(name, upload, save=False)
    stored, storage = field_file.name, field_file.storage
    try:
        yield
    except Exception:
        storage.delete(stored)
        raise


def _lock_person(person) -> None:
    """Lock `person`'s row until the transaction ends: their concurrent writes of one
    kind (documents, referees) queue instead of racing a unique constraint."""
    person._meta.model._default_manager.select_for_update().filter(pk=person.pk).values_list(
        "pk", flat=True
    ).first()


def document_upload(*, owner, kind: str, upload) -> Document:
    """Store `upload` as the candidate's document of `kind`, replacing (and deleting the
    file of) the one before. Concurrent uploads of one kind by one candidate are queued
    on the candidate's row: each replaces the one before, the last one stays."""
    if not is_candidate(owner):
        raise ValidationError(_("Only candidates upload documents."), code="not_candidate")
    if kind not in DocumentKind.values:
        raise ValidationError(_("Unknown kind of document."), code="kind")
    pdf_check(upload)
    now = timezone.now()
    with transaction.atomic():
        # Two uploads at once of the candidate's first document of a kind both find no
        # row to lock, and the second insert broke the one-per-kind constraint (a 500).
        # Locking the owner's row first queues them: the second replaces the first.
        _lock_person(owner)
        old = Document.objects.select_for_update().filter(owner=owner, kind=kind).first()
        replaced = None
        if old is not None:
            replaced = old.pk
            file_delete_on_commit(old.file)
            old.delete()
        document = Document(
            owner=owner,
            kind=kind,
            filename=(upload.name or "document.pdf")[-200:],
            size=upload.size,
            sha256=upload_sha256(upload),
            uploaded_at=now,
        )
        with file_stored(document.file, "upload.pdf", upload):
            document.full_clean()
            document.save()
        audit_record(
            scope=owner,
            verb="document.uploaded",
            actor=owner,
            target=kind,
            data={
                "document": document.pk,
                "kind": kind,
                "size": document.size,
                "sha256": document.sha256,
                "replaced": replaced,
            },
        )
    return document


def document_delete(*, owner, document: Document) -> None:
    if document.owner_id != owner.pk:
        raise ValidationError(_("This document is not yours."), code="not_owner")
    _delete_with_file(
        document,
        document.file,
        scope=owner,
        verb="document.deleted",
        target=document.kind,
        data={"document": document.pk, "kind": document.kind, "sha256": document.sha256},
    )


@dataclass
class _RefereeRecipient:
    """What ``notifications.notify`` needs of a reader who has no account."""

    pk: None
    email: str
    preferred_language: str
    timezone: str
    display_name: str


def referee_link(token: str) -> str:
    return site_link("documents:letter_upload", token)


def referee_add(*, candidate, name: str, email: str, language: str) -> Referee:
    """Name a referee and mail them, in `language`, a private link to upload a letter."""
    if not is_candidate(candidate):
        raise ValidationError(_("Only candidates name referees."), code="not_candidate")
    email = (email or "").strip()
    if email.lower() == (candidate.email or "").lower():
        raise ValidationError({"email": _("A referee cannot be yourself.")}, code="self_referee")
    with transaction.atomic():
        # Queued on the candidate's row: two requests naming the same referee (or the
        # last allowed one) at once see each other, not a unique-constraint error.
        _lock_person(candidate)
        if Referee.objects.filter(candidate=candidate, email__iexact=email).exists():
            raise ValidationError(
                {"email": _("You already named a referee with this e-mail address.")},
                code="duplicate",
            )
        if Referee.objects.filter(candidate=candidate).count() >= settings.REFEREES_MAX:
            raise ValidationError(
                _("You can name at most %(count)d referees.") % {"count": settings.REFEREES_MAX},
                code="too_many",
            )
        token = secrets.token_urlsafe(32)
        now = timezone.now()
        referee = Referee(
            candidate=candidate,
            name=(name or "").strip(),
            email=email,
            language=language,
            token_hash=token_hash(token),
            token_expires_at=now + dt.timedelta(days=settings.REFEREE_LINK_DAYS),
            invited_at=now,
        )
        referee.full_clean()
        referee.save()
        audit_record(
            scope=candidate,
            verb="referee.invited",
            actor=candidate,
            target=referee.name,
            data={
                "referee": referee.pk,
                "language": language,
                "expires_at": referee.token_expires_at.isoformat(),
            },
        )
        recipient = _RefereeRecipient(
            pk=None,
            email=email,
            preferred_language=language,
            timezone=settings.TIME_ZONE,
            display_name=referee.name,
        )
        context = {
            "referee": referee,
            "candidate_name": candidate.display_name,
            "link": referee_link(token),
            "expires_at": referee.token_expires_at,
        }
        notify_after_commit(user=recipient, kind=REFEREE_INVITATION, context=context)
    return referee


def referee_remove(*, candidate, referee: Referee) -> None:
    """Remove a referee; their link stops working and their letter (if any) is deleted."""
    if referee.candidate_id != candidate.pk:
        raise ValidationError(_("This referee is not yours."), code="not_owner")
    _delete_with_file(
        referee,
        referee.letter,
        scope=candidate,
        verb="referee.removed",
        target=referee.name,
        data={"referee": referee.pk, "had_letter": referee.received},
    )


def letter_upload(*, token: str, upload) -> Referee:
    """A referee's letter, through their private link (no account). The link works
    once, until it expires."""
    link = referee_by_token(token=token)
    if link.state == "expired":
        raise ValidationError(
            _("This link has expired. Ask the candidate to name you again."), code="expired"
        )
    if link.state == "used":
        raise ValidationError(_("A letter was already received through this link."), code="used")
    if link.state != "valid":
        raise ValidationError(_("This link is not valid."), code="unknown")
    pdf_check(upload)
    with transaction.atomic():
        referee = Referee.objects.select_for_update().get(pk=link.referee.pk)
        if referee.received:
            raise ValidationError(
                _("A letter was already received through this link."), code="used"
            )
        referee.letter_size = upload.size
        referee.letter_sha256 = upload_sha256(upload)
        referee.letter_received_at = timezone.now()
        referee.token_hash = ""
        with file_stored(referee.letter, "letter.pdf", upload):
            referee.save()
        audit_record(
            scope=referee.candidate,
            verb="letter.received",
            actor=None,
            target=referee.name,
            data={
                "referee": referee.pk,
                "size": referee.letter_size,
                "sha256": referee.letter_sha256,
            },
        )
    return referee


#: How long before a call's letters deadline candidates still missing letters are told.
LETTERS_REMINDER_BEFORE = dt.timedelta(days=7)
LETTERS_MISSING = "letters_missing"


def letter_reminders_send(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Mail each candidate with a standing application to a call whose letters deadline
    is less than a week away, and who has fewer letters than it asks for, once per
    deadline (a moved deadline is a new one). Idempotent: run it as often as you like
    (the ``documents.letter_reminders`` job)."""
    now = now or timezone.now()
    sent = 0
    requirements = LetterRequirement.objects.filter(
        deadline__gt=now, deadline__lte=now + LETTERS_REMINDER_BEFORE
    ).select_related("call")
    for requirement in requirements:
        for candidate, received in candidates_missing_letters(requirement=requirement):
            key = f"call:{requirement.call_id}:letters:{requirement.deadline:%Y-%m-%dT%H:%M:%SZ}"
            context = {
                "call": requirement.call,
                "required": requirement.letters_required,
                "received": received,
                "missing": requirement.letters_required - received,
                "deadline": requirement.deadline,
                "path": reverse("documents:mine"),
            }
            if notify_once(user=candidate, kind=LETTERS_MISSING, key=key, context=context):
                sent += 1
    return {LETTERS_MISSING: sent}
