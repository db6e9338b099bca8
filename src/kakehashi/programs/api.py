"""Programs and calls (with time-zone-aware phases); the officers' call overview."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.timezone import now as time_now
from django.utils.translation import gettext as _
from ninja import Field, Schema

from kakehashi.core.api import ApiRouter, patch_schema, text
from kakehashi.core.permissions import api_permission
from kakehashi.programs.enums import PhaseKind
from kakehashi.programs.home import home_sections
from kakehashi.programs.models import Call, CallPhase, Program
from kakehashi.programs.policy import MatchPolicy
from kakehashi.programs.selectors import (
    call_get_visible,
    call_get_visible_kept,
    call_list_visible,
    call_overview,
    phase_close_preview,
    program_list,
)
from kakehashi.programs.services import (
    call_create,
    call_match_policy_set,
    call_phase_close_now,
    call_phase_open_now,
    call_phase_open_undo,
    call_phase_set,
    call_update,
    program_create,
    program_update,
)

router = ApiRouter()


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
    program_slug: str = Field(alias="program.slug")
    name: str
    name_en: str
    name_fr: str
    name_ja: str
    status: str
    timezone: str
    ranking_limit: int
    eligibility: dict[str, Any]
    phases: list[PhaseOut]

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


@router.list_get("/programs", ProgramOut, summary="List programs", public=True)
@api_permission("programs.view_program")
def program_list_endpoint(request: HttpRequest):
    return program_list()


@router.public_get("/programs/{slug}", response=ProgramOut, summary="One program")
@api_permission("programs.view_program")
def program_detail(request: HttpRequest, slug: str):
    return program_list().get(slug=slug)


@router.list_get(
    "/calls",
    CallOut,
    summary="List calls with their phases (UTC and the phase's own time zone)",
    public=True,
)
@api_permission("programs.view_call")
def call_list_endpoint(request: HttpRequest, program: str = "", status: str = ""):
    qs = call_list_visible(user=request.user)
    if program:
        qs = qs.filter(program__slug=program)
    if status:
        qs = qs.filter(status=status)
    return qs


def _call_lookup(ref: str) -> dict[str, Any]:
    """A call's `ref` in a path: its numeric id or its slug (a call's slug is never all digits)."""
    return {"pk": int(ref)} if ref.isdecimal() else {"slug": ref}


def call_by_ref(request: HttpRequest, ref: str, **_kwargs) -> Call:
    """A call the caller may see, by `ref` (id or slug): the loader of every endpoint under
    ``/calls/{ref}``, whichever app declares it."""
    return call_get_visible(user=request.user, **_call_lookup(ref))


def call_by_ref_kept(request: HttpRequest, ref: str, **_kwargs) -> Call:
    """`call_by_ref` for the lists read under a call (kept under the data version)."""
    return call_get_visible_kept(request=request, user=request.user, **_call_lookup(ref))


def call_by_id(request: HttpRequest, call_id: int, **_kwargs) -> Call:
    """A call the caller may see, by `call_id`: the loader of endpoints under
    ``/calls/{int:call_id}``."""
    return call_get_visible(user=request.user, pk=call_id)


def call_by_id_kept(request: HttpRequest, call_id: int, **_kwargs) -> Call:
    """`call_by_id` for the lists read under a call (kept under the data version)."""
    return call_get_visible_kept(request=request, user=request.user, pk=call_id)


def _program(request: HttpRequest, slug: str, **_kwargs) -> Program:
    return program_list().get(slug=slug)


@router.public_get("/calls/{ref}", response=CallOut, summary="One call, by id or slug")
@api_permission("programs.view_call")
def call_detail(request: HttpRequest, ref: str):
    return call_by_ref(request, ref)


@router.get(
    "/calls/{int:call_id}/overview",
    response=OverviewOut,
    summary="Counts officers watch during a call (officers)",
)
@api_permission("programs.view_call_overview", obj=call_by_id)
def call_overview_endpoint(request: HttpRequest, call_id: int):
    call = request.permission_object
    return {"call_id": call.pk, **call_overview(call=call)}


class HomeCardOut(Schema):
    card: str = Field(..., description="Which card: `<app>.<card>`, e.g. `projects.supervisor`.")
    title: str
    next_step: str = Field(..., description="What to do next, in your language; empty if nothing.")


class HomeSectionOut(Schema):
    role: str = Field(..., description="candidate, supervisor, org_admin, officer or reviewer.")
    label: str
    cards: list[HomeCardOut]


def _card_id(card) -> str:
    app, _home, name = card.template.removesuffix(".html").partition("/home/")
    return f"{app}.{name}" if name else card.template


@router.get(
    "/me/home",
    response=list[HomeSectionOut],
    summary="Your home: for each of your roles, its cards and what to do next (as on /home/)",
)
@api_permission("programs.view_home")
def home_endpoint(request: HttpRequest):
    return [
        {
            "role": section.role,
            "label": str(section.label),
            "cards": [
                {"card": _card_id(c), "title": str(c.title), "next_step": str(c.next_step)}
                for c in section.cards
            ],
        }
        for section in home_sections(user=request.user)
    ]


# ---------------------------------------------------------------- writes (officers)


class ProgramIn(Schema):
    slug: str
    name_en: str = text(200)
    name_fr: str = text(200, "")
    name_ja: str = text(200, "")
    directions: list[str]
    eligible_levels: list[str]
    unit_weeks_min: int = 12
    unit_weeks_max: int = 24
    max_units_per_person: int = 1


ProgramPatch = patch_schema(ProgramIn, name="ProgramPatch")


class PhaseIn(Schema):
    """A phase window. Times without an offset are read in `timezone`."""

    opens: dt.datetime
    closes: dt.datetime
    timezone: str


class PhaseSpecIn(PhaseIn):
    kind: str


class CallIn(Schema):
    program: str
    slug: str
    name_en: str = text(200)
    name_fr: str = text(200, "")
    name_ja: str = text(200, "")
    status: str = "draft"
    timezone: str = "Asia/Tokyo"
    ranking_limit: int = 5
    eligibility: dict[str, Any] = {}
    match_policy: dict[str, Any] = {}
    phases: list[PhaseSpecIn] = []


# A call's program and phases do not change through the call (phases have their own endpoint).
CallPatch = patch_schema(CallIn, name="CallPatch", exclude={"program", "phases"})


class CapOut(Schema):
    label: str
    kind: str
    values: list[str]
    capacity: int
    reserves: dict[str, int]


class PolicyExchangeOut(Schema):
    level: str = Field(description="country or organisation: what must balance")
    tolerance: int = Field(description="each unit ends with |imports - exports| <= tolerance")


class MatchPolicyIn(Schema):
    """docs/calls.md: mode (student, host, welfare, exchange), seed, caps (label, kind,
    values, capacity, reserves) and, in mode exchange only, exchange (level: country or
    organisation, tolerance). Unknown keys are refused, not ignored."""

    mode: str = MatchPolicy.mode
    seed: int = MatchPolicy.seed
    caps: list[dict[str, Any]] = []
    exchange: dict[str, Any] | None = None


class MatchPolicyOut(Schema):
    mode: str
    seed: int
    caps: list[CapOut]
    exchange: PolicyExchangeOut | None = Field(None, description="Only in mode exchange.")


def _set(payload: Schema) -> dict:
    """The fields a PATCH sends; null means "leave as it is"."""
    return {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None}


@router.created_post("/programs", ProgramOut, summary="Create a program (officers)")
@api_permission("programs.add_program")
def program_create_endpoint(request: HttpRequest, payload: ProgramIn):
    return program_create(**payload.dict())


@router.patch("/programs/{slug}", response=ProgramOut, summary="Edit a program (officers)")
@api_permission("programs.change_program", obj=_program)
def program_update_endpoint(request: HttpRequest, slug: str, payload: ProgramPatch):
    program = request.permission_object
    return program_update(program=program, **_set(payload))


@router.created_post(
    "/calls",
    CallOut,
    summary="Create a call with its phases, eligibility rules and match policy (officers)",
)
@api_permission("programs.add_call")
def call_create_endpoint(request: HttpRequest, payload: CallIn):
    fields = payload.dict()
    program = Program.objects.filter(slug=fields.pop("program")).first()
    if program is None:
        raise ValidationError({"program": _("No program with this slug.")})
    phases = fields.pop("phases")
    call = call_create(program=program, phases=phases, actor=request.user, **fields)
    return call_list_visible(user=request.user).get(pk=call.pk)


@router.patch(
    "/calls/{ref}",
    response=CallOut,
    summary="Edit a call (officers); its phases have their own endpoints",
)
@api_permission("programs.change_call", obj=call_by_ref)
def call_update_endpoint(request: HttpRequest, ref: str, payload: CallPatch):
    call = request.permission_object
    call = call_update(call=call, actor=request.user, **_set(payload))
    return call_list_visible(user=request.user).get(pk=call.pk)


def _kind(kind: str) -> str:
    if kind not in PhaseKind.values:
        raise CallPhase.DoesNotExist
    return kind


def _phase_now(request: HttpRequest, kind: str, service) -> CallPhase:
    """Open or close (`service`) the phase `kind` of the request's call now."""
    return service(call=request.permission_object, kind=_kind(kind), actor=request.user)


@router.put(
    "/calls/{ref}/phases/{kind}",
    response=PhaseOut,
    summary="Set a phase's window (officers); times without an offset are in its time zone",
)
@api_permission("programs.change_call", obj=call_by_ref)
def phase_set_endpoint(request: HttpRequest, ref: str, kind: str, payload: PhaseIn):
    call = request.permission_object
    return call_phase_set(call=call, kind=_kind(kind), actor=request.user, **payload.dict())


@router.post(
    "/calls/{ref}/phases/{kind}/open",
    response=PhaseOut,
    summary="Open a phase now, to the second (officers; audited; participants are mailed)",
)
@api_permission("programs.change_call", obj=call_by_ref)
def phase_open_endpoint(request: HttpRequest, ref: str, kind: str):
    return _phase_now(request, kind, call_phase_open_now)


class ConsequenceOut(Schema):
    text: str = Field(..., description="A sentence in the caller's language.")
    warning: bool = Field(..., description="True when it leaves someone out (shown in bold).")


class PhaseCloseCountsOut(Schema):
    candidates: int
    applications: int
    candidates_ranked: int
    supervisors_ranked: int


class PhaseClosePreviewOut(Schema):
    call_id: int
    kind: str
    open: bool = Field(..., description="Whether the phase is open now.")
    closes_at: dt.datetime = Field(..., description="When it is planned to close (UTC).")
    timezone: str = Field(..., description="The phase's zone, which the page writes it in.")
    irreversible: bool = Field(..., description="Closing now cannot be undone.")
    mails: int = Field(..., description="Mails closing sends (none).")
    counts: PhaseCloseCountsOut
    consequences: list[ConsequenceOut] = Field(
        ..., description="What closing now will do, as the confirmation page lists it."
    )


@router.get(
    "/calls/{ref}/phases/{kind}/close-preview",
    response=PhaseClosePreviewOut,
    summary="What closing a phase now would do: counts, consequences (officers; changes nothing)",
)
@api_permission("programs.change_call", obj=call_by_ref)
def phase_close_preview_endpoint(request: HttpRequest, ref: str, kind: str):
    call = request.permission_object
    phase = call.phases.get(kind=_kind(kind))
    now = time_now()
    return {
        "call_id": call.pk,
        "open": phase.opens_at <= now < phase.closes_at,
        **phase_close_preview(call=call, phase=phase),
    }


@router.post(
    "/calls/{ref}/phases/{kind}/close",
    response=PhaseOut,
    summary="Close a phase now, to the second (officers; audited)",
)
@api_permission("programs.change_call", obj=call_by_ref)
def phase_close_endpoint(request: HttpRequest, ref: str, kind: str):
    return _phase_now(request, kind, call_phase_close_now)


@router.post(
    "/calls/{ref}/phases/{kind}/undo-open",
    response=PhaseOut,
    summary="Undo an “open now” while nobody acted in the phase (officers; audited)",
)
@api_permission("programs.change_call", obj=call_by_ref)
def phase_undo_endpoint(request: HttpRequest, ref: str, kind: str):
    return _phase_now(request, kind, call_phase_open_undo)


@router.get(
    "/calls/{ref}/match-policy",
    response=MatchPolicyOut,
    summary="A call's match policy (officers)",
    exclude_none=True,  # the stored canonical form: `exchange` only in its mode
)
@api_permission("programs.change_call", obj=call_by_ref)
def match_policy_get(request: HttpRequest, ref: str):
    return request.permission_object.policy.to_data()


@router.put(
    "/calls/{ref}/match-policy",
    response=MatchPolicyOut,
    summary="Replace a call's match policy (officers; audited); see docs/calls.md",
    exclude_none=True,  # the stored canonical form: `exchange` only in its mode
)
@api_permission("programs.change_call", obj=call_by_ref)
def match_policy_put(request: HttpRequest, ref: str, payload: MatchPolicyIn):
    call = request.permission_object
    # The raw object, not the parsed schema: keys it does not know must be refused
    # (a misspelt "cap" would otherwise silently mean "no caps").
    policy = json.loads(request.body)
    return call_match_policy_set(call=call, policy=policy, actor=request.user).policy.to_data()
