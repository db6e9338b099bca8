"""Documents' answers to people's personal-data export and account deletion
(receivers of ``people.signals.person_data_export`` and ``person_erase``)."""

from __future__ import annotations

from django.dispatch import receiver
from django.utils.translation import gettext as _

from kakehashi.documents.models import Document, Referee
from kakehashi.documents.services import file_delete_on_commit
from kakehashi.people.privacy import DELETED, Erase, erase_plan, model_section
from kakehashi.people.signals import person_data_export, person_erase


@receiver(person_data_export, dispatch_uid="documents.privacy")
def documents_data_export(*, sender, person, **kwargs) -> dict:
    return {
        "documents": model_section(
            title=_("Documents"),
            explanation=_(
                "The documents you uploaded (the files themselves are downloaded from "
                "your documents page); the SHA-256 identifies each file."
            ),
            model=Document,
            keys=["kind", "filename", "size", "sha256", "uploaded_at"],
            rows=Document.objects.filter(owner=person).order_by("kind"),
        ),
        "referees": model_section(
            title=_("Referees"),
            explanation=_(
                "The referees you named and whether their letter arrived. Letters are "
                "confidential to the programme: they are not part of your data export."
            ),
            model=Referee,
            keys=["name", "email", "language", "invited_at", "letter_received_at"],
            rows=Referee.objects.filter(candidate=person).order_by("invited_at", "pk"),
        ),
    }


@receiver(person_erase, dispatch_uid="documents.privacy")
def documents_erase(*, sender, person, placeholder, dry_run, **kwargs) -> list[dict]:
    documents = Document.objects.filter(owner=person)
    referees = Referee.objects.filter(candidate=person)
    if not dry_run:
        for stored in [*(d.file for d in documents), *(r.letter for r in referees)]:
            file_delete_on_commit(stored)
    return erase_plan(
        Erase(
            what=_("Documents (CV, transcripts) and their files"),
            rows=documents,
            action=DELETED,
            why=_("They are yours and serve only your applications."),
        ),
        Erase(
            what=_("Referees you named and their letters' files"),
            rows=referees,
            action=DELETED,
            why=_("Letters about you serve only your applications."),
        ),
        dry_run=dry_run,
    )
