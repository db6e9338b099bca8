"""API of offers: a candidate's result and answer, a supervisor's interns.

The same selectors and services as the pages: a read shows an offer past its
deadline as lapsed without writing; an answer records the lapse first; an offer
that is not the caller's answers 404.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.http import HttpRequest
from django.utils.translation import gettext_lazy
from ninja import Field, Schema
from ninja.pagination import paginate

from kakehashi.core.api import ApiRouter, Pagination, person_page
from kakehashi.core.permissions import api_permission
from kakehashi.matching.api import (
    ONLY_OFFICERS,
    RunDetailOut,
    SecondRoundIn,
    run_for_request,
    run_started,
)
from kakehashi.matching.labels import REASON_CODES
from kakehashi.offers.enums import OfferStatus
from kakehashi.offers.selectors import (
    interns_for_supervisor,
    offer_get_for_candidate,
    ranked_outcome_sentence,
    results_for_candidate,
)
from kakehashi.offers.services import offer_accept, offer_decline, offers_lapse, round_two_start

router = ApiRouter()


class CallRef(Schema):
    id: int
    slug: str
    name: str
    timezone: str = Field(..., description="The IANA zone the call's deadlines are set in.")


class ProjectRef(Schema):
    id: int
    key: str
    title: str = Field(..., description="In the caller's language when translated.")
    language: str
    host: str = Field(alias="host.display_name")

    @staticmethod
    def resolve_title(obj) -> str:
        return obj.translated("title")


class OfferOut(Schema):
    id: int
    status: str
    deadline: dt.datetime = Field(..., description="UTC.")
    deadline_in_call_zone: dt.datetime = Field(
        ..., description="The same instant, written in the call's zone."
    )
    responded_at: dt.datetime | None
    project: ProjectRef


class ChoiceOut(Schema):
    project_key: str = Field(..., alias="key")
    project_title: str = Field(..., alias="title")
    rank: int = Field(..., description="Where you ranked this project (1 = first choice).")
    reason: str = Field(
        ...,
        description=f"{', '.join(REASON_CODES[:-1])} or {REASON_CODES[-1]}.",
    )
    your_position: int | None = Field(
        None,
        description="Your position on the host's list (lower_priority: in your home's order).",
    )
    cutoff_position: int | None = Field(
        None,
        description="Position of the last candidate admitted there (lower_priority: of "
        "the last candidate of your home placed there, in your home's order).",
    )
    message: str = Field(..., description="The reason as a sentence in the caller's language.")


class RoundOut(Schema):
    run_id: int
    round: int
    published_at: dt.datetime
    placed: bool
    project: ProjectRef | None
    rank: int | None = Field(None, description="The rank obtained on your list.")
    list_length: int
    summary: str
    better_choices: list[ChoiceOut] = Field(..., alias="choices")
    offer: OfferOut | None


class ResultOut(Schema):
    call: CallRef
    rounds: list[RoundOut]


class PersonRef(Schema):
    id: int
    display_name: str

    @staticmethod
    def resolve_display_name(obj) -> str:
        return str(obj)


class InternOfferOut(Schema):
    id: int
    round: int | None
    status: str
    deadline: dt.datetime
    responded_at: dt.datetime | None
    candidate: PersonRef


class CutoffOut(Schema):
    round: int
    capacity: int | None
    filled: int
    candidate: PersonRef | None
    position: int | None = Field(None, description="The cut-off's position on the host's list.")


class RankedOutcomeOut(Schema):
    round: int
    candidate: PersonRef | None
    position: int | None = Field(None, description="Their position on your list.")
    placed_elsewhere: bool = Field(
        ..., description="Placed in another project (never which), or not placed at all."
    )
    message: str = Field(..., description="The outcome as a sentence in the caller's language.")

    @staticmethod
    def resolve_message(obj) -> str:
        return ranked_outcome_sentence(obj)


class InternsOut(Schema):
    call: CallRef
    project: ProjectRef
    cutoffs: list[CutoffOut]
    offers: list[InternOfferOut]
    not_here: list[RankedOutcomeOut] = Field(
        ...,
        description="Candidates your list ranked for this project who are not in it, per "
        "round: placed in another project or not placed at all (never where).",
    )


def _offer_out(offer, call) -> dict:
    return {
        "id": offer.pk,
        "status": offer.status,
        "deadline": offer.deadline,
        "deadline_in_call_zone": offer.deadline.astimezone(zoneinfo.ZoneInfo(call.timezone)),
        "responded_at": offer.responded_at,
        "project": offer.project,
    }


def _round_out(r) -> dict:
    return {
        "run_id": r.run.pk,
        "round": r.round,
        "published_at": r.run.published_at,
        "placed": r.placed,
        "project": r.project,
        "rank": r.rank,
        "list_length": r.list_length,
        "summary": r.summary,
        "choices": r.choices,
        "offer": _offer_out(r.offer, r.call) if r.offer else None,
    }


def _first(deadlines) -> dt.datetime | None:
    return min(deadlines, default=None)


def _results_until(items) -> dt.datetime | None:
    """When a kept page of results stops being true: its first pending offer's deadline
    (the offer is shown lapsed from then on)."""
    return _first(
        r["offer"]["deadline"]
        for item in items
        for r in item["rounds"]
        if r["offer"] and r["offer"]["status"] == OfferStatus.PENDING
    )


def _interns_until(items) -> dt.datetime | None:
    """Likewise for a kept page of interns."""
    return _first(
        o.deadline for item in items for o in item.offers if o.status == OfferStatus.PENDING
    )


@router.get(
    "/me/results",
    response=list[ResultOut],
    summary="Your result in every call with a published match: placement, reasons, offers",
)
@api_permission(
    "offers.view_own_results", message=gettext_lazy("Only candidates have match results.")
)
@person_page(ResultOut, name="api:results", until=_results_until)
@paginate(Pagination)
def result_list(request: HttpRequest):
    return [
        {"call": group.call, "rounds": [_round_out(r) for r in group.rounds]}
        for group in results_for_candidate(candidate=request.user)
    ]


def _own_offer(request: HttpRequest, offer_id: int, **_kwargs):
    # Lapse first: an answer after the deadline meets a lapsed offer, never a stale one.
    # Another candidate's offer is not found (404).
    offers_lapse(candidate=request.user)
    return offer_get_for_candidate(candidate=request.user, pk=offer_id)


def _answer(request: HttpRequest, offer_id: int, service) -> dict:
    offer = request.permission_object
    service(offer=offer, candidate=request.user)
    return _offer_out(offer, offer.run.call)


@router.post(
    "/offers/{int:offer_id}/accept",
    response=OfferOut,
    summary="Accept your offer (before its deadline)",
)
@api_permission("offers.respond_offer", obj=_own_offer)
def offer_accept_endpoint(request: HttpRequest, offer_id: int):
    return _answer(request, offer_id, offer_accept)


@router.post(
    "/offers/{int:offer_id}/decline",
    response=OfferOut,
    summary="Decline your offer (before its deadline); the place goes to the second round",
)
@api_permission("offers.respond_offer", obj=_own_offer)
def offer_decline_endpoint(request: HttpRequest, offer_id: int):
    return _answer(request, offer_id, offer_decline)


@router.get(
    "/me/interns",
    response=list[InternsOut],
    summary="Per project you supervise with a published match: interns, cut-off, declines, "
    "and what became of the candidates you ranked and did not get",
)
@api_permission(
    "offers.view_own_interns", message=gettext_lazy("Only host supervisors have interns.")
)
@person_page(InternsOut, name="api:interns", until=_interns_until)
@paginate(Pagination)
def intern_list(request: HttpRequest):
    return interns_for_supervisor(supervisor=request.user)


@router.post(
    "/runs/{int:run_id}/second-round",
    response={202: RunDetailOut},
    summary="Start round two from this published round-one run (officers)",
)
@api_permission("matching.add_matchrun", obj=run_for_request, message=ONLY_OFFICERS)
def second_round_endpoint(request: HttpRequest, run_id: int, payload: SecondRoundIn):
    base = request.permission_object
    run = round_two_start(call=base.call, base_run=base, user=request.user, **payload.dict())
    return run_started(request, run)
