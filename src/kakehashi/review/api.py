"""Proposal review through /api/v1/: reviewer profiles, bids, conflicts, assignment runs,
assignments, reviews and decisions (docs/review.md)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from ninja import Field, Schema, Status

from kakehashi.core import limits
from kakehashi.core.api import ApiRouter, text
from kakehashi.core.permissions import api_permission
from kakehashi.organisations.models import Organisation
from kakehashi.people.models import User
from kakehashi.people.names import person_name
from kakehashi.programs.api import call_by_ref
from kakehashi.research_fields.models import ResearchField
from kakehashi.review.models import (
    Assignment,
    AssignmentRun,
    Conflict,
    Proposal,
    ReviewerProfile,
    ReviewForm,
    ReviewRound,
)
from kakehashi.review.selectors import (
    assignment_list,
    assignments_for_reviewer,
    comment_list,
    conflict_list,
    proposal_list,
    proposal_list_decided_for_author,
    proposal_list_visible,
    proposals_to_bid,
    review_list_visible,
    reviews_for_author,
    round_list_visible,
    run_list,
)
from kakehashi.review.services import (
    DISCUSSION_CLOSED,
    assignment_add,
    assignment_apply,
    assignment_release,
    assignment_remove,
    assignment_run_start,
    bid_set,
    comment_post,
    conflict_declare,
    conflict_override,
    conflict_override_undo,
    conflicts_detect,
    proposal_decide,
    review_round_due_set,
    review_round_open,
    review_save,
    reviewer_profile_set,
)

router = ApiRouter()

ONLY_OFFICERS = _("Only program officers manage reviews.")
ONLY_REVIEWERS = _("Only reviewers do this.")


# ------------------------------------------------------------------ schemas


class ReviewRoundOut(Schema):
    id: int
    call_id: int
    kind: str = Field(description="`projects` or `applications`.")
    form_id: int
    reviewers_per_proposal: int
    status: str = Field(description="`bidding`, `reviewing` or `closed`.")
    released_at: dt.datetime | None
    reviews_due_at: dt.datetime | None = Field(
        None, description="When reviews are due (UTC); reviewers are reminded 48 hours before."
    )


class RoundIn(Schema):
    kind: Literal["projects", "applications"]
    form_id: int
    reviewers_per_proposal: int = Field(2, ge=1, le=10)
    reviews_due_at: dt.datetime | None = Field(
        None, description="With its time zone (ISO 8601 offset); in the future."
    )


class DueIn(Schema):
    reviews_due_at: dt.datetime | None = Field(
        ..., description="With its time zone (ISO 8601 offset), in the future; null clears it."
    )


class ProposalOut(Schema):
    id: int
    round_id: int
    project_id: int | None
    application_id: int | None
    title: str
    language: str
    decision: str = Field(description="``, `approve`, `revise` or `reject`.")


class ProfileOut(Schema):
    expertise: str
    languages: list[str]
    organisation_id: int | None
    fields: list[str]
    max_load: int
    min_load: int

    @staticmethod
    def resolve_fields(obj) -> list[str]:
        return sorted(f.code for f in obj.fields.all())


class ProfileIn(Schema):
    expertise: str = text(limits.SHORT_TEXT, "")
    languages: list[Literal["en", "fr", "ja"]] = Field(..., min_length=1, max_length=3)
    organisation_id: int | None = None
    fields: list[str] = Field(default_factory=list, max_length=limits.LIST_ITEMS)
    max_load: int = Field(4, ge=0, le=100)
    min_load: int = Field(0, ge=0, le=100)


class BidIn(Schema):
    level: Literal["eager", "willing", "not_willing", "conflict", ""]


class BidOut(Schema):
    proposal_id: int
    level: str


class DeclareIn(Schema):
    detail: str = text(limits.LINE, "")


class ConflictOut(Schema):
    id: int
    proposal_id: int
    reviewer_id: int
    reason: str = Field(
        description="`declared`, `author`, `same_organisation`, `related_organisation`, "
        "`home_university`, `co_supervision`, `co_authorship` or `name_variant`."
    )
    detail: str
    declared: bool
    overridden: bool = Field(
        description="An officer marked this name variant as another person: it no longer "
        "keeps the pair apart."
    )
    override_reason: str
    overridden_at: dt.datetime | None


class OverrideIn(Schema):
    reason: str = Field(..., min_length=1, max_length=limits.LINE)


class ReviewCommentIn(Schema):
    text: str = text(limits.TEXT)


class ReviewCommentOut(Schema):
    id: int
    proposal_id: int
    author_id: int
    author: str
    text: str
    created_at: dt.datetime

    @staticmethod
    def resolve_author(obj) -> str:
        return person_name(obj.author, get_language() or "en")


class DetectOut(Schema):
    conflicts: int


class RunIn(Schema):
    mode: Literal["sum", "fair", "randomized"] = "sum"
    seed: int = Field(0, ge=0, le=2**31 - 1)


class ReviewRunOut(Schema):
    id: int
    round_id: int
    mode: str
    seed: int
    done: bool
    applied: bool
    feasible: bool | None = Field(None, description="Null while the job runs.")
    objective: float | None = None
    min_score: float | None = None
    assignment: dict[str, list[str]] = Field(
        default_factory=dict, description="`p<proposal id>` → `r<reviewer id>` list."
    )
    loads: dict[str, int] = Field(default_factory=dict)
    error: str = ""
    affinity: dict[str, dict[str, dict]] = Field(
        default_factory=dict,
        description="Per pair: similarity, fields, bid, total, and the language read in.",
    )


def _run_out(run: AssignmentRun) -> dict:
    r = run.result or {}
    return {
        "id": run.pk,
        "round_id": run.round_id,
        "mode": run.mode,
        "seed": run.seed,
        "done": run.done,
        "applied": run.applied,
        "feasible": r.get("feasible"),
        "objective": r.get("objective"),
        "min_score": r.get("min_score"),
        "assignment": r.get("assignment") or {},
        "loads": r.get("loads") or {},
        "error": r.get("error", ""),
        "affinity": run.affinity or {},
    }


class AssignmentOut(Schema):
    id: int
    proposal_id: int
    reviewer_id: int
    source: str = Field(description="`engine` or `manual`.")
    affinity: float


class AssignmentIn(Schema):
    proposal_id: int
    reviewer_id: int


class ReviewIn(Schema):
    scores: dict[str, int] = Field(default_factory=dict, max_length=50)
    comment_authors: str = text(limits.TEXT, "")
    comment_committee: str = text(limits.TEXT, "")
    language: Literal["en", "fr", "ja"] = "en"
    submit: bool = False


class ReviewOut(Schema):
    id: int
    proposal_id: int = Field(alias="assignment.proposal_id")
    reviewer_id: int = Field(alias="assignment.reviewer_id")
    scores: dict[str, int]
    comment_authors: str
    comment_committee: str
    language: str
    submitted_at: dt.datetime | None


class DecisionIn(Schema):
    decision: Literal["approve", "revise", "reject"]
    note: str = text(limits.TEXT, "")


class AuthorReviewOut(Schema):
    number: int = Field(description="Reviewer 1, 2, …: never a name.")
    scores: dict[str, int]
    comment: str
    language: str


class DecisionOut(Schema):
    proposal_id: int
    title: str
    decision: str
    note: str
    reviews: list[AuthorReviewOut]


def _decision_out(p: Proposal) -> dict:
    return {
        "proposal_id": p.pk,
        "title": p.title,
        "decision": p.decision,
        "note": p.decision_note,
        "reviews": reviews_for_author(proposal=p),
    }


# ------------------------------------------------------------------ loaders


def _round(request: HttpRequest, round_id: int, **_kwargs) -> ReviewRound:
    return round_list_visible(user=request.user).get(pk=round_id)


def _bid_proposal(request: HttpRequest, proposal_id: int, **_kwargs) -> Proposal:
    """A proposal the caller may bid on (reviewers, bidding rounds, no detected conflict)."""
    proposal = Proposal.objects.select_related("round").get(pk=proposal_id)
    return proposals_to_bid(user=request.user, round=proposal.round).get(pk=proposal_id)


def _proposal(request: HttpRequest, proposal_id: int, **_kwargs) -> Proposal:
    return proposal_list_visible(user=request.user).get(pk=proposal_id)


def _run(request: HttpRequest, run_id: int, **_kwargs) -> AssignmentRun:
    rounds = round_list_visible(user=request.user)
    return AssignmentRun.objects.select_related("round__call").get(pk=run_id, round__in=rounds)


def _conflict(request: HttpRequest, conflict_id: int, **_kwargs) -> Conflict:
    rounds = round_list_visible(user=request.user)
    return Conflict.objects.select_related("proposal__round__call").get(
        pk=conflict_id, proposal__round__in=rounds
    )


def _assignment(request: HttpRequest, assignment_id: int, **_kwargs) -> Assignment:
    qs = Assignment.objects.select_related("proposal__round__call", "proposal__round__form")
    if request.user.is_officer or request.user.is_superuser:
        return qs.get(pk=assignment_id)
    return qs.get(pk=assignment_id, reviewer=request.user)


# ------------------------------------------------------------------ rounds


@router.list_get("/review/rounds", ReviewRoundOut, summary="Review rounds")
@api_permission("review.view_round", message=_("Only officers and reviewers see reviews."))
def round_list(request: HttpRequest):
    return round_list_visible(user=request.user)


@router.created_post(
    "/calls/{ref}/review",
    ReviewRoundOut,
    summary="Open review for a call: its submitted projects or applications become proposals",
)
@api_permission("review.manage_review", obj=call_by_ref, message=ONLY_OFFICERS)
def round_open(request: HttpRequest, ref: str, payload: RoundIn):
    call = request.permission_object
    form = get_object_or_404(ReviewForm, pk=payload.form_id)
    return review_round_open(
        actor=request.user,
        call=call,
        kind=payload.kind,
        form=form,
        reviewers_per_proposal=payload.reviewers_per_proposal,
        reviews_due_at=payload.reviews_due_at,
    )


@router.put(
    "/review/rounds/{int:round_id}/due",
    response=ReviewRoundOut,
    summary="Set when reviews are due (reviewers are reminded 48 hours before)",
)
@api_permission("review.manage_review", obj=_round, message=ONLY_OFFICERS)
def round_due(request: HttpRequest, round_id: int, payload: DueIn):
    return review_round_due_set(
        actor=request.user, round=request.permission_object, reviews_due_at=payload.reviews_due_at
    )


@router.list_get(
    "/review/rounds/{int:round_id}/proposals",
    ProposalOut,
    summary="Proposals: all (officers); those open to your bids (reviewers, while bidding)",
)
@api_permission("review.view_round", obj=_round)
def round_proposals(request: HttpRequest, round_id: int):
    rnd = request.permission_object
    if request.user.has_perm("review.manage_review", rnd):
        return proposal_list(round=rnd)
    return proposals_to_bid(user=request.user, round=rnd)


@router.post(
    "/review/rounds/{int:round_id}/conflicts/detect",
    response=DetectOut,
    summary="Detect the round's conflicts of interest afresh (declared ones stay)",
)
@api_permission("review.manage_review", obj=_round, message=ONLY_OFFICERS)
def round_conflicts_detect(request: HttpRequest, round_id: int):
    return {"conflicts": conflicts_detect(actor=request.user, round=request.permission_object)}


@router.list_get(
    "/review/rounds/{int:round_id}/conflicts",
    ConflictOut,
    summary="The round's conflicts of interest, with their reasons",
)
@api_permission("review.manage_review", obj=_round, message=ONLY_OFFICERS)
def round_conflicts(request: HttpRequest, round_id: int):
    return conflict_list(round=request.permission_object)


@router.post(
    "/review/conflicts/{int:conflict_id}/override",
    response=ConflictOut,
    summary="Mark a name variant as another person (a homonym), with the reason",
)
@api_permission("review.manage_review", obj=_conflict, message=ONLY_OFFICERS)
def conflict_override_set(request: HttpRequest, conflict_id: int, payload: OverrideIn):
    return conflict_override(
        actor=request.user, conflict=request.permission_object, reason=payload.reason
    )


@router.delete(
    "/review/conflicts/{int:conflict_id}/override",
    response=ConflictOut,
    summary='Undo "not the same person": the name variant keeps the pair apart again',
)
@api_permission("review.manage_review", obj=_conflict, message=ONLY_OFFICERS)
def conflict_override_delete(request: HttpRequest, conflict_id: int):
    return conflict_override_undo(actor=request.user, conflict=request.permission_object)


@router.post(
    "/review/rounds/{int:round_id}/runs",
    response={202: ReviewRunOut},
    summary="Run the assignment (sum, fair or randomized) as a background job",
)
@api_permission("review.manage_review", obj=_round, message=ONLY_OFFICERS)
def run_start(request: HttpRequest, round_id: int, payload: RunIn):
    run = assignment_run_start(
        actor=request.user, round=request.permission_object, mode=payload.mode, seed=payload.seed
    )
    run.refresh_from_db()
    return Status(202, _run_out(run))


@router.list_get(
    "/review/rounds/{int:round_id}/runs",
    ReviewRunOut,
    summary="The round's assignment runs, newest first",
)
@api_permission("review.manage_review", obj=_round, message=ONLY_OFFICERS)
def run_list_endpoint(request: HttpRequest, round_id: int):
    return [_run_out(r) for r in run_list(round=request.permission_object)]


@router.get(
    "/review/runs/{int:run_id}",
    response=ReviewRunOut,
    summary="One assignment run: assignment, objective, worst score, loads, affinity parts",
)
@api_permission("review.manage_review", obj=_run, message=ONLY_OFFICERS)
def run_detail(request: HttpRequest, run_id: int):
    return _run_out(request.permission_object)


@router.post(
    "/review/runs/{int:run_id}/apply",
    response=ReviewRunOut,
    summary="Make this run's assignment the round's (replacing the one before)",
)
@api_permission("review.manage_review", obj=_run, message=ONLY_OFFICERS)
def run_apply(request: HttpRequest, run_id: int):
    run = request.permission_object
    assignment_apply(actor=request.user, run=run)
    return _run_out(run)


@router.list_get(
    "/review/rounds/{int:round_id}/assignments", AssignmentOut, summary="The round's assignment"
)
@api_permission("review.manage_review", obj=_round, message=ONLY_OFFICERS)
def round_assignments(request: HttpRequest, round_id: int):
    return assignment_list(round=request.permission_object)


@router.created_post(
    "/review/rounds/{int:round_id}/assignments",
    AssignmentOut,
    summary="Assign a reviewer by hand (checked for conflicts and language; logged)",
)
@api_permission("review.manage_review", obj=_round, message=ONLY_OFFICERS)
def round_assignment_add(request: HttpRequest, round_id: int, payload: AssignmentIn):
    proposal = get_object_or_404(Proposal, pk=payload.proposal_id, round=request.permission_object)
    reviewer = get_object_or_404(User, pk=payload.reviewer_id)
    return assignment_add(actor=request.user, proposal=proposal, reviewer=reviewer)


@router.removing_delete(
    "/review/assignments/{int:assignment_id}",
    summary="Remove an assignment (before release; logged)",
)
@api_permission("review.manage_review", obj=_assignment, message=ONLY_OFFICERS)
def assignment_delete(request: HttpRequest, assignment_id: int):
    assignment_remove(actor=request.user, assignment=request.permission_object)


@router.post(
    "/review/rounds/{int:round_id}/release",
    response=ReviewRoundOut,
    summary="Release the assignment: reviewers see their proposals, bids close",
)
@api_permission("review.manage_review", obj=_round, message=ONLY_OFFICERS)
def round_release(request: HttpRequest, round_id: int):
    return assignment_release(actor=request.user, round=request.permission_object)


# ------------------------------------------------------------------ reviewers


@router.get("/me/reviewer-profile", response=ProfileOut, summary="Your reviewer profile")
@api_permission("review.change_reviewer_profile", message=ONLY_REVIEWERS)
def my_profile(request: HttpRequest):
    # No profile yet: ReviewerProfile.DoesNotExist, answered 404.
    return ReviewerProfile.objects.prefetch_related("fields").get(user=request.user)


@router.put(
    "/me/reviewer-profile",
    response=ProfileOut,
    summary="Set your reviewer profile: expertise, languages, organisation, fields, load",
)
@api_permission("review.change_reviewer_profile", message=ONLY_REVIEWERS)
def my_profile_set(request: HttpRequest, payload: ProfileIn):
    organisation = (
        get_object_or_404(Organisation, pk=payload.organisation_id)
        if payload.organisation_id
        else None
    )
    fields = list(ResearchField.objects.filter(code__in=payload.fields))
    return reviewer_profile_set(
        user=request.user,
        expertise=payload.expertise,
        languages=list(payload.languages),
        organisation=organisation,
        fields=fields,
        max_load=payload.max_load,
        min_load=payload.min_load,
    )


@router.put(
    "/review/proposals/{int:proposal_id}/bid",
    response=BidOut,
    summary="Bid on a proposal (empty level: withdraw the bid)",
)
@api_permission("review.bid", obj=_bid_proposal, message=ONLY_REVIEWERS)
def proposal_bid(request: HttpRequest, proposal_id: int, payload: BidIn):
    bid_set(reviewer=request.user, proposal=request.permission_object, level=payload.level)
    return {"proposal_id": proposal_id, "level": payload.level}


@router.created_post(
    "/review/proposals/{int:proposal_id}/conflict",
    ConflictOut,
    summary="Declare a conflict of interest with a proposal",
)
@api_permission("review.bid", obj=_bid_proposal, message=ONLY_REVIEWERS)
def proposal_declare(request: HttpRequest, proposal_id: int, payload: DeclareIn):
    return conflict_declare(
        reviewer=request.user, proposal=request.permission_object, detail=payload.detail
    )


@router.list_get(
    "/me/review-assignments", AssignmentOut, summary="The proposals assigned to you (once released)"
)
@api_permission("review.view_own_assignments", message=ONLY_REVIEWERS)
def my_assignments(request: HttpRequest):
    return assignments_for_reviewer(user=request.user)


@router.list_get(
    "/review/proposals/{int:proposal_id}/reviews",
    ReviewOut,
    summary="A proposal's reviews: officers all; a reviewer their own, the others' after "
    "submitting theirs",
)
@api_permission("review.view_proposal", obj=_proposal)
def proposal_reviews(request: HttpRequest, proposal_id: int):
    return review_list_visible(user=request.user, proposal=request.permission_object)


@router.put(
    "/review/assignments/{int:assignment_id}/review",
    response=ReviewOut,
    summary="Save or submit your review (scores per the round's form; submitted is final)",
)
@api_permission("review.write_review", obj=_assignment)
def assignment_review(request: HttpRequest, assignment_id: int, payload: ReviewIn):
    return review_save(
        reviewer=request.user,
        assignment=request.permission_object,
        scores=payload.scores,
        comment_authors=payload.comment_authors,
        comment_committee=payload.comment_committee,
        language=payload.language,
        submit=payload.submit,
    )


@router.list_get(
    "/review/proposals/{int:proposal_id}/comments",
    ReviewCommentOut,
    summary="A proposal's discussion: officers, and its reviewers once their review is in",
)
@api_permission("review.discuss", obj=_proposal, message=DISCUSSION_CLOSED)
def proposal_comments(request: HttpRequest, proposal_id: int):
    return comment_list(proposal=request.permission_object)


@router.created_post(
    "/review/proposals/{int:proposal_id}/comments",
    ReviewCommentOut,
    summary="Post on a proposal's discussion (officers; its reviewers after their review)",
)
@api_permission("review.discuss", obj=_proposal, message=DISCUSSION_CLOSED)
def proposal_comment_post(request: HttpRequest, proposal_id: int, payload: ReviewCommentIn):
    return comment_post(actor=request.user, proposal=request.permission_object, text=payload.text)


@router.post(
    "/review/proposals/{int:proposal_id}/decision",
    response=DecisionOut,
    summary="Decide a proposal: approve, revise or reject",
)
@api_permission("review.manage_review", obj=_proposal, message=ONLY_OFFICERS)
def proposal_decision(request: HttpRequest, proposal_id: int, payload: DecisionIn):
    proposal = proposal_decide(
        actor=request.user,
        proposal=request.permission_object,
        decision=payload.decision,
        note=payload.note,
    )
    return _decision_out(proposal)


@router.list_get(
    "/me/review-decisions",
    DecisionOut,
    summary="Decisions on your proposals, with the reviews, anonymised",
)
@api_permission("review.view_own_decisions")
def my_decisions(request: HttpRequest):
    return [_decision_out(p) for p in proposal_list_decided_for_author(user=request.user)]
