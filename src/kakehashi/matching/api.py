"""API of match runs and the audit record: the same services as the officers' pages."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Field, Query, Schema, Status

from kakehashi.audit.selectors import audit_list
from kakehashi.core import limits
from kakehashi.core.api import ApiRouter, file_responses, text
from kakehashi.core.permissions import api_permission
from kakehashi.matching.enums import RunStatus
from kakehashi.matching.exports import CONTENT_TYPES, audit_export, file_response, run_export
from kakehashi.matching.models import HomePriority, MatchRun
from kakehashi.matching.selectors import (
    home_priority_list,
    run_compare,
    run_get_visible,
    run_list_rows,
    run_publish_consequences,
    run_publish_preview,
)
from kakehashi.matching.services import (
    home_priority_set,
    run_publish,
    run_publish_check,
    run_start,
)
from kakehashi.organisations.models import Organisation
from kakehashi.programs.api import call_by_ref, call_by_ref_kept
from kakehashi.programs.policy import (
    CAP_KINDS,
    EXCHANGE_LEVELS,
    MATCH_MODES,
    ROUND_TWO_MODES,
    MatchPolicy,
)

router = ApiRouter()


class ProgressOut(Schema):
    done: int
    total: int
    percent: int
    message: str


class RunOut(Schema):
    id: int
    call_id: int
    round: int
    label: str
    mode: str
    seed: int
    policy: dict[str, Any]
    status: str
    input_hash: str
    engine_version: str
    base_run_id: int | None
    created_at: dt.datetime
    created_by: str | None = None
    published: bool = Field(alias="is_published")
    published_at: dt.datetime | None
    placements: int | None = None
    mean_rank: float | None = None
    blocking_pairs: int | None = None

    @staticmethod
    def resolve_created_by(obj) -> str | None:
        return obj.created_by.username if obj.created_by else None

    @staticmethod
    def resolve_placements(obj) -> int | None:
        return (obj.summary or {}).get("placements")

    @staticmethod
    def resolve_mean_rank(obj) -> float | None:
        return (obj.summary or {}).get("mean_rank")

    @staticmethod
    def resolve_blocking_pairs(obj) -> int | None:
        return (obj.summary or {}).get("blocking_pairs")


class RunDetailOut(RunOut):
    job_id: int | None = Field(
        None, description="Its background job: `POST /jobs/{job_id}/retry` retries a failed run."
    )
    progress: ProgressOut | None = None
    error: str
    summary: dict[str, Any] | None

    @staticmethod
    def resolve_progress(obj) -> dict | None:
        job = obj.job
        if job is None:
            return None
        return {
            "done": job.progress_done,
            "total": job.progress_total,
            "percent": job.percent,
            "message": job.message,
        }


class CapIn(Schema):
    label: str = text(limits.LABEL)
    kind: Literal[CAP_KINDS]
    values: list[str]
    capacity: int
    reserves: dict[str, int] = Field(
        default_factory=dict, description="Places reserved for organisations (id or ROR id)."
    )


class RunExchangeIn(Schema):
    level: Literal[EXCHANGE_LEVELS] = "country"
    tolerance: int = 0


class RunStartIn(Schema):
    label: str = text(200, "")
    mode: Literal[MATCH_MODES] | None = Field(None, description="Default: the call's policy.")
    seed: int | None = Field(None, description="Default: the call's policy.")
    caps: list[CapIn] | None = Field(
        None,
        description="Replace the call's caps for this run ([] = none); student mode only.",
    )
    exchange: RunExchangeIn | None = Field(
        None,
        description="Mode exchange only: what balances and the tolerance "
        "(default: the call's, else country and 0).",
    )


class SecondRoundIn(Schema):
    label: str = text(200, "")
    mode: Literal[ROUND_TWO_MODES] = MatchPolicy.mode
    seed: int = 0


class MoveOut(Schema):
    candidate: str
    a: str | None
    b: str | None
    rank_a: int | None
    rank_b: int | None


class MetricOut(Schema):
    metric: str
    a: float | None
    b: float | None
    delta: float | None


class FlowOut(Schema):
    key: str
    a: int
    b: int


class RankRowOut(Schema):
    rank: int
    a: int
    b: int


class CountryFlowOut(Schema):
    home: str = Field(..., description="The candidates' home country.")
    host: str = Field(..., description="The hosts' country.")
    a: int
    b: int


class TradeOut(Schema):
    exports: int = Field(..., description="Its candidates placed at other organisations.")
    imports: int = Field(..., description="Candidates of other organisations it hosts.")
    net: int = Field(..., description="imports - exports")


class OrganisationFlowOut(Schema):
    organisation: str = Field(..., description="The organisation's match id (o + its id).")
    a: TradeOut
    b: TradeOut


class ExchangeUnitOut(TradeOut):
    lost: int = Field(..., description="Its candidates placed by student mode and not here.")
    gained: int = Field(..., description="Its candidates placed here and not by student mode.")


class ExchangeFiguresOut(Schema):
    balance: str = Field(..., description="groups (countries) or organisations")
    tolerance: int
    placed: int
    placed_student_mode: int
    units: dict[str, ExchangeUnitOut]
    balanced: bool | None
    priority_respecting: bool | None
    pareto_checked: bool
    pareto_improvement: bool | None


class CompareExchangeOut(Schema):
    available: bool = Field(..., description="False when a run has no flows by home recorded.")
    countries: list[CountryFlowOut]
    organisations: list[OrganisationFlowOut]
    a: ExchangeFiguresOut | None = Field(None, description="Run a's, if a balanced exchange.")
    b: ExchangeFiguresOut | None = Field(None, description="Run b's, if a balanced exchange.")


class CompareOut(Schema):
    a: int
    b: int
    same_input: bool
    same_market: bool
    moves: list[MoveOut]
    metrics: list[MetricOut]
    flows: dict[str, list[FlowOut]]
    exchange: CompareExchangeOut = Field(
        ..., description="Flows by the candidates' home: per country pair and organisation."
    )
    rank_distribution: list[RankRowOut]


class AuditOut(Schema):
    id: int
    at: dt.datetime
    verb: str
    actor: str | None = None
    target: str
    data: dict[str, Any]

    @staticmethod
    def resolve_actor(obj) -> str | None:
        return obj.actor.username if obj.actor else None


FILE_RESPONSE = file_responses(
    "The file, as an attachment.",
    {CONTENT_TYPES["xlsx"]: {"schema": {"type": "string", "format": "binary"}}},
)


ONLY_OFFICERS = gettext_lazy("Only program officers run, publish and export matches.")


def run_for_request(request: HttpRequest, run_id: int, **_kwargs) -> MatchRun:
    """A run, for officers only (anyone else: 404); a loader of `api_permission`."""
    return run_get_visible(user=request.user, pk=run_id)


def run_started(request: HttpRequest, run: MatchRun) -> Status:
    """The answer to starting a run: 202, the run as it stands (queued or running)."""
    return Status(202, run_for_request(request, run.pk))


@router.list_get(
    "/calls/{ref}/runs", RunOut, summary="Match runs of a call, newest first (officers)"
)
@api_permission("matching.view_matchrun", obj=call_by_ref_kept, message=ONLY_OFFICERS)
def run_list_endpoint(request: HttpRequest, ref: str):
    return run_list_rows(call=request.permission_object)


@router.post(
    "/calls/{ref}/runs",
    response={202: RunDetailOut},
    summary="Start a run of the match (officers, while the matching phase is open)",
)
@api_permission("matching.add_matchrun", obj=call_by_ref, message=ONLY_OFFICERS)
def run_start_endpoint(request: HttpRequest, ref: str, payload: RunStartIn):
    call = request.permission_object
    policy = payload.dict(exclude={"label"}, exclude_none=True)  # None keeps the call's
    run = run_start(call=call, policy=policy, label=payload.label, user=request.user)
    return run_started(request, run)


@router.get(
    "/runs/{int:run_id}",
    response=RunDetailOut,
    summary="One run: status, progress, summary, input hash and engine version (officers)",
)
@api_permission("matching.view_matchrun", obj=run_for_request, message=ONLY_OFFICERS)
def run_detail_endpoint(request: HttpRequest, run_id: int):
    return request.permission_object


class PublishPreviewOut(Schema):
    run_id: int
    round: int
    publishable: bool = Field(..., description="Whether publishing now would be accepted.")
    refusal: str | None = Field(
        None, description="Why publishing would be refused (the publish answer's message)."
    )
    irreversible: bool = Field(..., description="Publishing cannot be undone.")
    candidates: int = Field(..., description="Candidates in the run (each is mailed).")
    offers: int = Field(..., description="Offers made: one per placed candidate.")
    unplaced: int = Field(..., description="Candidates told they were not placed.")
    supervisors: int = Field(..., description="Supervisors told of offers on their projects.")
    mails: int = Field(..., description="Mails sent: one per candidate and per supervisor.")
    consequences: list[str] = Field(
        ..., description="What publishing will do, as the confirmation page lists it."
    )


@router.get(
    "/runs/{int:run_id}/publish-preview",
    response=PublishPreviewOut,
    summary="What publishing a run would do: offers, candidates not placed, mails "
    "(officers; changes nothing)",
)
@api_permission("matching.publish_matchrun", obj=run_for_request, message=ONLY_OFFICERS)
def run_publish_preview_endpoint(request: HttpRequest, run_id: int):
    run = request.permission_object
    try:
        run_publish_check(run=run)
        refusal = None
    except ValidationError as exc:
        refusal = exc.messages[0]
    preview = run_publish_preview(run=run)
    return {
        "run_id": run.pk,
        "round": run.round,
        "publishable": refusal is None,
        "refusal": refusal,
        "irreversible": True,
        **preview,
        "consequences": run_publish_consequences(preview=preview),
    }


@router.post(
    "/runs/{int:run_id}/publish",
    response=RunDetailOut,
    summary="Publish a finished run: its placements become offers (officers)",
)
@api_permission("matching.publish_matchrun", obj=run_for_request, message=ONLY_OFFICERS)
def run_publish_endpoint(request: HttpRequest, run_id: int):
    run = run_publish(run=request.permission_object, user=request.user)
    return run_for_request(request, run.pk)


@router.get(
    "/calls/{ref}/compare",
    response=CompareOut,
    summary="Two finished runs of a call side by side (officers)",
)
@api_permission("matching.view_matchrun", obj=call_by_ref, message=ONLY_OFFICERS)
def compare_endpoint(request: HttpRequest, ref: str, a: int, b: int):
    call = request.permission_object
    run_a, run_b = run_for_request(request, a), run_for_request(request, b)
    if run_a.call_id != call.pk or run_b.call_id != call.pk:
        raise ValidationError(_("Both runs must belong to this call."), code="wrong_call")
    return run_compare(a=run_a, b=run_b)


# ---------------------------------------------------------------- homes' priorities


class HomePriorityOut(Schema):
    country: str = Field(..., description="The home country (empty for an organisation).")
    organisation_id: int | None = Field(None, description="The home organisation, if one.")
    candidates: list[int] = Field(..., description="Person numbers, first goes first.")
    updated_at: dt.datetime


class HomePriorityIn(Schema):
    candidates: list[int] = Field(
        ...,
        description="The home's candidates in the call, first goes first ([] = all by lottery).",
    )


HOME_PRIORITY_PERMISSION = gettext_lazy(
    "Only program officers and organisations' admins set homes' priorities."
)


@router.get(
    "/calls/{ref}/home-priorities",
    response=list[HomePriorityOut],
    summary="Homes' orders of their own candidates in a call, for a balanced exchange "
    "(officers: all; organisation admins: their organisation's)",
)
@api_permission("matching.view_homepriority", obj=call_by_ref, message=HOME_PRIORITY_PERMISSION)
def home_priority_list_endpoint(request: HttpRequest, ref: str):
    return home_priority_list(call=request.permission_object, user=request.user)


def _home_set(request: HttpRequest, payload: HomePriorityIn, **home) -> HomePriority:
    """Set one home's order; the service's refusal of another home is a 403."""
    return home_priority_set(
        call=request.permission_object, user=request.user, candidates=payload.candidates, **home
    )


@router.put(
    "/calls/{ref}/home-priorities/countries/{country}",
    response=HomePriorityOut,
    summary="Set a country's order of its candidates in a call (officers; audited)",
)
@api_permission("matching.change_homepriority", obj=call_by_ref, message=HOME_PRIORITY_PERMISSION)
def home_priority_country_endpoint(
    request: HttpRequest, ref: str, country: str, payload: HomePriorityIn
):
    return _home_set(request, payload, country=country.upper()[:2])


@router.put(
    "/calls/{ref}/home-priorities/organisations/{int:organisation_id}",
    response=HomePriorityOut,
    summary="Set an organisation's order of its candidates in a call "
    "(officers and the organisation's admins; audited)",
)
@api_permission("matching.change_homepriority", obj=call_by_ref, message=HOME_PRIORITY_PERMISSION)
def home_priority_organisation_endpoint(
    request: HttpRequest, ref: str, organisation_id: int, payload: HomePriorityIn
):
    organisation = Organisation.objects.filter(pk=organisation_id).first()
    if organisation is None:
        raise ValidationError({"organisation": [_("No organisation with this id.")]})
    return _home_set(request, payload, organisation=organisation)


class ExportQuery(Schema):
    format: Literal["json", "csv", "xlsx"] = "json"


class AuditExportQuery(Schema):
    format: Literal["json", "csv"] = "json"


@router.get(
    "/runs/{int:run_id}/export",
    summary="The run's assignments as a file: candidate, project, rank, host, supervisor",
    openapi_extra=FILE_RESPONSE,
    response=None,
)
@api_permission("matching.view_matchrun", obj=run_for_request, message=ONLY_OFFICERS)
def run_export_endpoint(request: HttpRequest, run_id: int, query: Query[ExportQuery]):
    run = request.permission_object
    if run.status != RunStatus.DONE:
        raise ValidationError(_("Only a finished run can be exported."), code="not_done")
    content, name = run_export(run=run, fmt=query.format)
    return file_response(content, name, query.format)


@router.list_get(
    "/calls/{ref}/audit", AuditOut, summary="The call's audit record, oldest first (officers)"
)
@api_permission("matching.view_auditevent", obj=call_by_ref_kept, message=ONLY_OFFICERS)
def audit_list_endpoint(request: HttpRequest, ref: str):
    # What AuditOut shows: the entry's columns and its actor's username.
    return audit_list(scope=request.permission_object).only(
        "id", "at", "verb", "target", "data", "actor_id", "actor__username"
    )


@router.get(
    "/calls/{ref}/audit/export",
    summary="The call's audit record as a file (officers)",
    openapi_extra=FILE_RESPONSE,
    response=None,
)
@api_permission("matching.view_auditevent", obj=call_by_ref, message=ONLY_OFFICERS)
def audit_export_endpoint(request: HttpRequest, ref: str, query: Query[AuditExportQuery]):
    call = request.permission_object
    content, name = audit_export(call=call, fmt=query.format)
    return file_response(content, name, query.format)
