"""Programs and calls (with time-zone-aware phases); the officers' call overview."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import paginate

from kakehashi.core.api import ERRORS, OPTIONAL_AUTH, PUBLIC, Pagination, forbid
from kakehashi.people.rules import is_officer
from kakehashi.programs.selectors import call_list_visible, call_overview, program_list

router = Router()


class ProgramOut(Schema):
    id: int
    slug: str
    name: str
    name_en: str
    name_fr: str
    name_ja: str
    directions: list[str]
    eligible_levels: list[str]
    unit_weeks_min: int
    unit_weeks_max: int
    max_units_per_person: int


class PhaseOut(Schema):
    kind: str
    label: str
    opens_at: dt.datetime
    closes_at: dt.datetime
    timezone: str
    opens_local: dt.datetime
    closes_local: dt.datetime
    is_open: bool

    @staticmethod
    def resolve_label(obj) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_is_open(obj) -> bool:
        return obj.is_open()


class CallOut(Schema):
    id: int
    slug: str
    program_id: int
    program_slug: str
    name: str
    name_en: str
    name_fr: str
    name_ja: str
    status: str
    timezone: str
    ranking_limit: int
    phases: list[PhaseOut]

    @staticmethod
    def resolve_program_slug(obj) -> str:
        return obj.program.slug

    @staticmethod
    def resolve_phases(obj) -> list:
        return list(obj.phases.all())


class OverviewOut(Schema):
    call_id: int
    projects: int
    projects_approved: int
    projects_submitted: int
    projects_draft: int
    places: int
    applications: int
    candidates: int
    candidates_ranked: int
    supervisors_ranked: int
    by_country: dict[str, int]
    by_language: dict[str, int]


@router.get(
    "/programs",
    auth=PUBLIC,
    openapi_extra=OPTIONAL_AUTH,
    response=list[ProgramOut],
    summary="List programs",
)
@paginate(Pagination)
def program_list_endpoint(request: HttpRequest):
    return program_list()


@router.get(
    "/programs/{slug}",
    auth=PUBLIC,
    openapi_extra=OPTIONAL_AUTH,
    response={200: ProgramOut, **ERRORS},
    summary="One program",
)
def program_detail(request: HttpRequest, slug: str):
    return program_list().get(slug=slug)


@router.get(
    "/calls",
    auth=PUBLIC,
    openapi_extra=OPTIONAL_AUTH,
    response=list[CallOut],
    summary="List calls with their phases (UTC and the phase's own time zone)",
)
@paginate(Pagination)
def call_list_endpoint(request: HttpRequest, program: str = "", status: str = ""):
    qs = call_list_visible(user=request.user)
    if program:
        qs = qs.filter(program__slug=program)
    if status:
        qs = qs.filter(status=status)
    return qs


@router.get(
    "/calls/{int:call_id}",
    auth=PUBLIC,
    openapi_extra=OPTIONAL_AUTH,
    response={200: CallOut, **ERRORS},
    summary="One call",
)
def call_detail(request: HttpRequest, call_id: int):
    return call_list_visible(user=request.user).get(pk=call_id)


@router.get(
    "/calls/{int:call_id}/overview",
    response={200: OverviewOut, **ERRORS},
    summary="Counts officers watch during a call (officers)",
)
def call_overview_endpoint(request: HttpRequest, call_id: int):
    call = call_list_visible(user=request.user).get(pk=call_id)
    if not is_officer(request.user):
        forbid()
    return {"call_id": call.pk, **call_overview(call=call)}
