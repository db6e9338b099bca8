"""A candidate's documents (CV, transcripts) and the reference letters of their referees.

Files live under MEDIA_ROOT (``var/media/`` by default), which no URL serves: they are
read only through the views that check permission (docs/documents.md).
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kakehashi.core.models import TimestampedModel
from kakehashi.documents.enums import DocumentKind, MailLanguage


def document_path(instance, filename: str) -> str:
    # A random name: the original one (kept in `filename`) says nothing about the path.
    return f"documents/{instance.owner_id}/{uuid.uuid4().hex}.pdf"


def letter_path(instance, filename: str) -> str:
    return f"letters/{instance.candidate_id}/{uuid.uuid4().hex}.pdf"


class Document(TimestampedModel):
    """One current document of a kind per candidate: uploading another replaces it and
    deletes the old file (no versions are kept)."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="documents"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=DocumentKind.choices)
    file = models.FileField(_("file"), upload_to=document_path, max_length=200)
    filename = models.CharField(_("file name"), max_length=200)
    size = models.PositiveIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_at = models.DateTimeField(_("uploaded"))

    class Meta:
        ordering = ["kind"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        constraints = [
            models.UniqueConstraint(fields=["owner", "kind"], name="one_document_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.owner} · {self.kind}"


class Referee(TimestampedModel):
    """A referee a candidate named, and the letter they sent (if any).

    The referee has no account: they get a mail with a private link holding a random
    token, of which only the SHA-256 is stored, valid until `token_expires_at` and once
    (the upload clears it)."""

    candidate = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="referees"
    )
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("e-mail"))
    language = models.CharField(
        _("language of the mail"), max_length=2, choices=MailLanguage.choices, default="en"
    )
    token_hash = models.CharField(max_length=64, blank=True, db_index=True)
    token_expires_at = models.DateTimeField(null=True, blank=True)
    invited_at = models.DateTimeField(_("invited"))
    letter = models.FileField(_("letter"), upload_to=letter_path, max_length=200, blank=True)
    letter_size = models.PositiveIntegerField(null=True, blank=True)
    letter_sha256 = models.CharField(max_length=64, blank=True)
    letter_received_at = models.DateTimeField(_("letter received"), null=True, blank=True)

    class Meta:
        ordering = ["invited_at", "pk"]
        verbose_name = _("referee")
        verbose_name_plural = _("referees")
        constraints = [models.UniqueConstraint(fields=["candidate", "email"], name="referee_once")]

    def __str__(self) -> str:
        return f"{self.name} ({self.candidate})"

    @property
    def received(self) -> bool:
        return self.letter_received_at is not None


class LetterRequirement(TimestampedModel):
    """A call's demand for reference letters: each applicant needs `letters_required`
    received letters by `deadline`. Officers set it in the admin."""

    call = models.OneToOneField(
        "programs.Call", on_delete=models.CASCADE, related_name="letter_requirement"
    )
    letters_required = models.PositiveSmallIntegerField(_("letters required"), default=2)
    deadline = models.DateTimeField(_("letters deadline"))

    class Meta:
        verbose_name = _("reference letter requirement")
        verbose_name_plural = _("reference letter requirements")

    def __str__(self) -> str:
        return f"{self.call}: {self.letters_required}"
