"""Reads: rounds, proposals, bids, conflicts, assignments and reviews, and who may see
which (docs/review.md, "Who sees what")."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Count, Prefetch, Q, QuerySet

from kakehashi.core.roles import is_officer, visible_to
from kakehashi.review.enums import RoundStatus
from kakehashi.review.models import (
    Assignment,
    AssignmentRun,
    Bid,
    Conflict,
    DiscussionComment,
    Proposal,
    Review,
    ReviewerProfile,
    ReviewRound,
)

PROPOSAL_RELATED = (
    "round__call",
    "round__form",
    "project__host",
    "application__project__host",
    "application__candidate",
)


def is_reviewer(user) -> bool:
    return bool(getattr(user, "is_reviewer", False)) and user.is_authenticated


def round_list_visible(*, user) -> QuerySet[ReviewRound]:
    """Officers: every round; reviewers: every round (they bid and review in them)."""
    qs = ReviewRound.objects.select_related("call", "form").order_by("-created_at", "-pk")
    if is_officer(user) or is_reviewer(user):
        return qs
    return qs.none()


def reviewer_list(*, round: ReviewRound | None = None) -> QuerySet:
    """The reviewers: accounts marked reviewer, with a profile."""
    return (
        get_user_model()
        .objects.filter(is_reviewer=True, reviewer_profile__isnull=False)
        .select_related("reviewer_profile__organisation")
        .prefetch_related("reviewer_profile__fields")
        .order_by("pk")
    )


def proposal_list(*, round: ReviewRound) -> QuerySet[Proposal]:
    return (
        Proposal.objects.filter(round=round)
        .select_related(*PROPOSAL_RELATED)
        .prefetch_related("project__supervisions__person", "project__fields")
        .order_by("pk")
    )


def proposal_list_visible(*, user) -> QuerySet[Proposal]:
    """Proposals whose text and reviews `user` may open: officers all; a reviewer those
    assigned to them once the assignment is released; never any other."""
    return visible_to(
        Proposal.objects.select_related(*PROPOSAL_RELATED).order_by("pk"),
        user=user,
        mine=lambda qs: qs.filter(
            assignments__reviewer=user,
            round__status__in=[RoundStatus.REVIEWING, RoundStatus.CLOSED],
        ).distinct(),
    )


def proposal_list_decided_for_author(*, user) -> QuerySet[Proposal]:
    """Decided proposals `user` wrote: the supervisors of the project, the candidate of
    the application."""
    if not user.is_authenticated:
        return Proposal.objects.none()
    return (
        Proposal.objects.exclude(decision="")
        .filter(Q(project__supervisions__person=user) | Q(application__candidate=user))
        .select_related(*PROPOSAL_RELATED)
        .prefetch_related(
            Prefetch(
                "assignments",
                Assignment.objects.select_related("review").order_by("pk"),
                to_attr="assignments_with_reviews",
            )
        )
        .distinct()
        .order_by("pk")
    )


def proposals_to_bid(*, user, round: ReviewRound) -> QuerySet[Proposal]:
    """What a reviewer may bid on while the round takes bids: titles and summaries of
    every proposal without a detected conflict with them (a declared one stays, so
    they can see it)."""
    if round.status != RoundStatus.BIDDING or not is_reviewer(user):
        return Proposal.objects.none()
    detected = (
        Conflict.objects.standing().filter(reviewer=user, declared=False).values("proposal_id")
    )
    return (
        proposal_list(round=round)
        .exclude(pk__in=detected)
        .prefetch_related(Prefetch("bids", Bid.objects.filter(reviewer=user), to_attr="my_bids"))
    )


def assignments_for_reviewer(*, user) -> QuerySet[Assignment]:
    """A reviewer's released assignments, with their review (if begun)."""
    return (
        Assignment.objects.filter(
            reviewer=user, proposal__round__status__in=[RoundStatus.REVIEWING, RoundStatus.CLOSED]
        )
        .select_related(
            "proposal__round__call",
            "proposal__project",
            "proposal__application__project",
            "review",
        )
        .order_by("proposal__round", "proposal")
    )


def assignment_list(*, round: ReviewRound) -> QuerySet[Assignment]:
    return (
        Assignment.objects.filter(proposal__round=round)
        .select_related("reviewer", "proposal__project", "proposal__application__project", "review")
        .order_by("proposal", "reviewer")
    )


def conflict_list(*, round: ReviewRound) -> QuerySet[Conflict]:
    return (
        Conflict.objects.filter(proposal__round=round)
        .select_related(
            "reviewer",
            "overridden_by",
            "proposal__project",
            "proposal__application__project",
        )
        .order_by("proposal", "reviewer", "reason")
    )


def bid_list(*, round: ReviewRound, reviewer=None) -> QuerySet[Bid]:
    qs = Bid.objects.filter(proposal__round=round).select_related("reviewer")
    if reviewer is not None:
        qs = qs.filter(reviewer=reviewer)
    return qs.order_by("proposal", "reviewer")


def run_list(*, round: ReviewRound) -> QuerySet[AssignmentRun]:
    return AssignmentRun.objects.filter(round=round).select_related("job", "created_by")


def review_list_visible(*, user, proposal: Proposal) -> QuerySet[Review]:
    """The reviews of `proposal` that `user` may read.

    Officers: all. A reviewer of it: their own, and the others' submitted reviews once
    they have submitted theirs. Anyone else: none (authors read them anonymised through
    `reviews_for_author`)."""
    qs = (
        Review.objects.filter(assignment__proposal=proposal)
        .select_related("assignment__reviewer")
        .order_by("assignment__pk")
    )
    if is_officer(user):
        return qs
    mine = qs.filter(assignment__reviewer=user).first()
    if mine is None:
        return qs.none()
    if mine.submitted:
        return qs.filter(Q(assignment__reviewer=user) | Q(submitted_at__isnull=False))
    return qs.filter(assignment__reviewer=user)


def reviews_for_author(*, proposal: Proposal) -> list[dict]:
    """The submitted reviews as authors read them once decided: scores and the comments
    meant for them, under "Reviewer 1, 2, …" (never a name)."""
    if not proposal.decision:
        return []
    assignments = getattr(proposal, "assignments_with_reviews", None)
    if assignments is None:
        assignments = proposal.assignments.select_related("review").order_by("pk")
    reviews = []
    for a in assignments:
        review = getattr(a, "review", None)
        if review is not None and review.submitted:
            reviews.append(review)
    return [
        {
            "number": i,
            "scores": review.scores,
            "comment": review.comment_authors,
            "language": review.language,
        }
        for i, review in enumerate(reviews, start=1)
    ]


def progress(*, round: ReviewRound) -> dict:
    """Counts for the officer: proposals, assignments, submitted reviews, decisions."""
    counts = Assignment.objects.filter(proposal__round=round).aggregate(
        assigned=Count("pk"), submitted=Count("pk", filter=Q(review__submitted_at__isnull=False))
    )
    proposals = Proposal.objects.filter(round=round).aggregate(
        total=Count("pk"), decided=Count("pk", filter=~Q(decision=""))
    )
    return {**counts, **proposals}


def reviewer_profile_for(*, user) -> ReviewerProfile | None:
    return ReviewerProfile.objects.filter(user=user).first()


def review_texts() -> list[str]:
    """The texts affinity embeds besides the projects': reviewers' expertise."""
    return [
        text.strip()
        for text in ReviewerProfile.objects.order_by("pk").values_list("expertise", flat=True)
        if text and text.strip()
    ]


def proposal_authors(*, proposal: Proposal) -> list:
    """Who wrote `proposal`: its project's supervisors and, for an internship
    agreement, the candidate (the people who read the decision)."""
    people = [
        s.person
        for s in proposal.subject_project.supervisions.select_related("person").order_by(
            "order", "pk"
        )
    ]
    if proposal.application_id and proposal.application.candidate not in people:
        people.append(proposal.application.candidate)
    return people


def comment_list(*, proposal: Proposal) -> QuerySet[DiscussionComment]:
    """A proposal's discussion thread, oldest first (callers check `review.discuss`)."""
    return (
        DiscussionComment.objects.filter(proposal=proposal)
        .select_related("author")
        .order_by("created_at", "pk")
    )
