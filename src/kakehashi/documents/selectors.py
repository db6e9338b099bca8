"""Reads of documents and referees, and who may see whose."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from kakehashi.applications.enums import ApplicationStatus
from kakehashi.applications.models import Application
from kakehashi.core.roles import is_officer, visible_to
from kakehashi.documents.models import Document, LetterRequirement, Referee


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def document_list_for_owner(*, owner) -> QuerySet[Document]:
    return Document.objects.filter(owner=owner).order_by("kind")


def referee_list_for_candidate(*, candidate) -> QuerySet[Referee]:
    return Referee.objects.filter(candidate=candidate).order_by("invited_at", "pk")


def candidates_visible_to(*, user) -> QuerySet:
    """Ids of the candidates whose documents and letters `user` may read besides their
    own: officers all; supervisors those with a standing (not withdrawn) application to
    a project they supervise."""
    return Application.objects.filter(
        status=ApplicationStatus.SUBMITTED, project__supervisions__person=user
    ).values("candidate_id")


def may_read_candidate_files(*, user, candidate_id: int) -> bool:
    if not user.is_authenticated:
        return False
    if user.pk == candidate_id or is_officer(user):
        return True
    return candidates_visible_to(user=user).filter(candidate_id=candidate_id).exists()


def document_list_visible(*, user) -> QuerySet[Document]:
    return visible_to(
        Document.objects.select_related("owner"),
        user=user,
        mine=lambda qs: qs.filter(Q(owner=user) | Q(owner_id__in=candidates_visible_to(user=user))),
    )


def letter_list_visible(*, user) -> QuerySet[Referee]:
    """Referees whose letter `user` may read: never the candidate's own."""
    return visible_to(
        Referee.objects.select_related("candidate").exclude(letter=""),
        user=user,
        mine=lambda qs: qs.filter(candidate_id__in=candidates_visible_to(user=user)),
    )


@dataclass(frozen=True)
class LinkState:
    referee: Referee | None
    state: str  # "valid", "expired", "used", "unknown"


def referee_by_token(*, token: str, now=None) -> LinkState:
    now = now or timezone.now()
    if not token:
        return LinkState(None, "unknown")
    referee = (
        Referee.objects.select_related("candidate").filter(token_hash=token_hash(token)).first()
    )
    if referee is None:
        return LinkState(None, "unknown")
    if referee.received:
        return LinkState(referee, "used")
    if referee.token_expires_at is None or referee.token_expires_at <= now:
        return LinkState(referee, "expired")
    return LinkState(referee, "valid")


@dataclass(frozen=True)
class CallLetters:
    call: object
    required: int
    deadline: object
    received: int

    @property
    def missing(self) -> int:
        return max(0, self.required - self.received)


def letters_due_for_candidate(*, candidate) -> list[CallLetters]:
    """For each call the candidate applied to (not withdrawn) that asks for letters:
    how many it asks for, by when, and how many arrived."""
    received = Referee.objects.filter(candidate=candidate, letter_received_at__isnull=False).count()
    calls = Application.objects.filter(
        candidate=candidate, status=ApplicationStatus.SUBMITTED
    ).values("call_id")
    requirements = LetterRequirement.objects.filter(call_id__in=calls).select_related("call")
    return [
        CallLetters(
            call=r.call, required=r.letters_required, deadline=r.deadline, received=received
        )
        for r in requirements.order_by("deadline", "pk")
    ]


def candidates_missing_letters(*, requirement: LetterRequirement) -> list[tuple]:
    """(candidate, letters received) for each candidate with a standing application in
    the requirement's call who has fewer letters than it asks for."""
    received = Count("referees", filter=Q(referees__letter_received_at__isnull=False))
    applied = Application.objects.filter(
        call_id=requirement.call_id, status=ApplicationStatus.SUBMITTED
    ).values("candidate_id")
    people = (
        get_user_model()
        .objects.filter(pk__in=applied)
        .annotate(letters=received)
        .filter(letters__lt=requirement.letters_required)
        .order_by("pk")
    )
    return [(person, person.letters) for person in people]
