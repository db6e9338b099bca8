"""Documents' card on a candidate's home (receiver of ``programs.signals.home_cards``):
which documents are missing, and, per call applied to that asks for reference letters,
how many arrived and by when the rest are due. Three queries whatever the rows."""

from __future__ import annotations

from django.dispatch import receiver
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy, ngettext

from kakehashi.documents.enums import DocumentKind
from kakehashi.documents.models import Document
from kakehashi.documents.selectors import letters_due_for_candidate
from kakehashi.programs.home import HomeCard, HomeContext, home_cards_for_roles
from kakehashi.programs.signals import home_cards

#: What a candidate is told to do about a missing document of each kind.
UPLOAD_STEPS = {
    DocumentKind.CV: gettext_lazy("Upload your CV."),
    DocumentKind.TRANSCRIPT: gettext_lazy("Upload your transcripts."),
}


def _candidate_card(home: HomeContext) -> HomeCard:
    held = set(Document.objects.filter(owner_id=home.user.pk).values_list("kind", flat=True))
    documents = [
        {"kind": kind, "label": label, "uploaded": kind in held}
        for kind, label in DocumentKind.choices
    ]
    letters = letters_due_for_candidate(candidate=home.user)
    steps = [str(UPLOAD_STEPS[DocumentKind(d["kind"])]) for d in documents if not d["uploaded"]]
    steps += [
        ngettext(
            "%(n)s reference letter is still missing for %(call)s; it is due by %(deadline)s.",
            "%(n)s reference letters are still missing for %(call)s; they are due by %(deadline)s.",
            row.missing,
        )
        % {
            "n": row.missing,
            "call": row.call,
            "deadline": date_format(localtime(row.deadline), "DATETIME_FORMAT"),
        }
        for row in letters
        if row.missing
    ]
    return HomeCard(
        role="candidate",
        order=25,
        title=gettext_lazy("My documents and reference letters"),
        template="documents/home/candidate.html",
        context={"documents": documents, "letters": letters},
        next_step=" ".join(steps),
    )


@receiver(home_cards, dispatch_uid="documents.home")
def home_cards_documents(*, sender, home: HomeContext, **kwargs) -> list[HomeCard]:
    return home_cards_for_roles(home, {"candidate": _candidate_card})
