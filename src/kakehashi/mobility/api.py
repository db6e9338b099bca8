"""Mobility: rule packs (public), a route preview, each internship's plan (steps,
documents, insurance, travel, contacts), officers' internships at risk."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from ninja import Field, Schema

from kakehashi.core.api import FILE_FIELD, ApiRouter, multipart_body, uploaded_pdf
from kakehashi.core.permissions import api_permission
from kakehashi.mobility import engine
from kakehashi.mobility.enums import CoverageKind, StepStatus
from kakehashi.mobility.models import EmergencyContact, InsuranceCoverage, PlanStep, RulePack
from kakehashi.mobility.selectors import (
    coverage_gaps,
    plan_get_visible,
    plan_list_visible,
    plan_risks,
    plans_at_risk,
    rule_pack_current,
    rule_pack_list,
    step_get_visible,
)
from kakehashi.mobility.services import (
    check_in,
    contact_add,
    contact_remove,
    coverage_add,
    coverage_remove,
    plan_update,
    step_document_upload,
    step_set_status,
    travel_set,
)
from kakehashi.organisations.enums import OrganisationType
from kakehashi.people.enums import AcademicLevel

router = ApiRouter()

DISCLAIMER = "That this is information, not immigration advice, in the caller's language."


def _lang() -> str:
    return (translation.get_language() or "en")[:2]


def _t(value) -> str:
    return engine.text(value, _lang())


class SourceOut(Schema):
    key: str
    title: str
    url: str


def _sources(sources: list[dict], keys=None) -> list[dict]:
    return [
        {"key": s["key"], "title": _t(s.get("title")), "url": s["url"]}
        for s in sources
        if keys is None or s["key"] in keys
    ]


class RouteOut(Schema):
    key: str
    title: str
    summary: str
    sources: list[SourceOut]


def _route(route: dict | None, sources: list[dict]) -> dict | None:
    if route is None:
        return None
    return {
        "key": route["key"],
        "title": _t(route.get("title")),
        "summary": _t(route.get("summary")),
        "sources": _sources(sources, set(route.get("sources", ()))),
    }


class RulePackOut(Schema):
    country: str
    version: int
    title: str
    last_reviewed: dt.date = Field(
        description="When an officer last checked it against its sources."
    )
    reviewed_by: str
    disclaimer: str = Field(description=DISCLAIMER)
    sources: list[SourceOut]
    routes: list[RouteOut]


def _pack_out(pack) -> dict:
    return {
        "country": pack.country,
        "version": pack.version,
        "title": _t(pack.title),
        "last_reviewed": pack.last_reviewed,
        "reviewed_by": pack.reviewed_by,
        "disclaimer": _t(pack.disclaimer),
        "sources": _sources(pack.sources),
        "routes": [_route(r, pack.sources) for r in pack.data["routes"]],
    }


@router.public_get(
    "/mobility/rule-packs",
    response=list[RulePackOut],
    summary="Rule packs: the current version for each destination country",
)
@api_permission("mobility.view_rulepack")
def rule_pack_list_api(request: HttpRequest):
    return [_pack_out(p) for p in rule_pack_list()]


@router.public_get(
    "/mobility/rule-packs/{country}",
    response=RulePackOut,
    summary="One destination country's rule pack (JP, CA)",
)
@api_permission("mobility.view_rulepack")
def rule_pack_detail_api(request: HttpRequest, country: str):
    pack = rule_pack_current(country) if len(country) == 2 else None
    if pack is None:
        raise RulePack.DoesNotExist
    return _pack_out(pack)


class RouteIn(Schema):
    nationality: str = Field(..., pattern="^[A-Za-z]{2}$", description="ISO 3166-1 alpha-2.")
    region: str = Field(
        ...,
        pattern="^[A-Za-z]{2}(-[A-Za-z0-9]{1,3})?$",
        description="ISO 3166-2, e.g. JP-26, CA-BC.",
    )
    days: int = Field(..., ge=1, le=3650)
    paid: bool
    level: AcademicLevel
    home_country: str = Field("", pattern="^([A-Za-z]{2})?$")
    host_type: OrganisationType = Field(
        OrganisationType.UNIVERSITY,
        description="The host's kind of organisation (a company does not qualify for "
        "Canada's short-term researcher exemption).",
    )
    start_date: dt.date | None = Field(
        None,
        ge=dt.date(2000, 1, 1),
        le=dt.date(2100, 12, 31),
        description="Given, the steps' deadlines are computed.",
    )


class PreviewStepOut(Schema):
    key: str
    title: str
    owner: Literal["intern", "host", "home", "officer"]
    calendar: str = Field(description="Whose business days count (ISO 3166).")
    due_date: dt.date | None


class RoutePreviewOut(Schema):
    country: str
    pack_version: int
    last_reviewed: dt.date
    disclaimer: str = Field(description=DISCLAIMER)
    route: RouteOut | None
    reason: str = Field(
        description="Why no route: `nationality_missing`, `no_route`; empty otherwise."
    )
    steps: list[PreviewStepOut]


@router.post(
    "/mobility/routes",
    response=RoutePreviewOut,
    summary="Preview the route and steps a rule pack derives from the facts of a stay",
)
@api_permission("mobility.derive_route")
def route_preview(request: HttpRequest, payload: RouteIn):
    region = payload.region.upper()
    pack = rule_pack_current(region.split("-")[0])
    if pack is None:
        raise ValidationError(
            {"region": _("No rule pack for %(country)s.") % {"country": region.split("-")[0]}}
        )
    facts = engine.Facts(
        nationality=payload.nationality.upper(),
        region=region,
        days=payload.days,
        paid=payload.paid,
        level=payload.level,
        home_country=payload.home_country.upper(),
        host_type=payload.host_type,
    )
    try:
        derivation = engine.derive(pack.as_pack(), facts)
        steps = [
            {
                "key": s.key,
                "title": _t(s.title),
                "owner": s.owner,
                "calendar": engine.step_place(s, facts),
                "due_date": engine.due_date(s, facts, payload.start_date)
                if payload.start_date
                else None,
            }
            for s in derivation.steps
        ]
    except ValueError as exc:
        raise ValidationError({"region": str(exc)}) from exc
    return {
        "country": pack.country,
        "pack_version": pack.version,
        "last_reviewed": pack.last_reviewed,
        "disclaimer": _t(pack.disclaimer),
        "route": _route(derivation.route, pack.sources),
        "reason": derivation.reason,
        "steps": steps,
    }


# Plans


class StepDocumentOut(Schema):
    id: int
    filename: str
    size: int
    sha256: str
    uploaded_at: dt.datetime = Field(alias="created_at")


class StepOut(Schema):
    id: int
    key: str
    title: str
    detail: str
    owner: Literal["intern", "host", "home", "officer"]
    calendar: str = Field(alias="place", description="Whose business days count (ISO 3166).")
    due_date: dt.date | None
    due_rule: dict[str, int] = Field(
        description="How the deadline was worked out: `business_days_before_start` (in "
        "the `calendar`'s business days) or `days_after_start`."
    )
    risk_date: dt.date | None = Field(description="Not done by then, the internship is at risk.")
    status: Literal["open", "done", "not_needed"]
    done_at: dt.datetime | None
    documents_expected: bool
    documents: list[StepDocumentOut]

    @staticmethod
    def resolve_title(obj) -> str:
        return _t(obj.title)

    @staticmethod
    def resolve_detail(obj) -> str:
        return _t(obj.detail)


class CoverageOut(Schema):
    id: int
    kind: str
    insurer: str
    policy_number: str
    start_date: dt.date
    end_date: dt.date


class GapOut(Schema):
    first_day: dt.date
    last_day: dt.date


class ContactOut(Schema):
    id: int
    name: str
    relation: str
    phone: str
    email: str


class RiskOut(Schema):
    code: str = Field(
        description="`no_route`, `step_at_risk`, `step_overdue`, `insurance_gap`, `no_check_in`."
    )
    message: str
    step_id: int | None


class PackRefOut(Schema):
    country: str
    version: int
    last_reviewed: dt.date


class PlanSummaryOut(Schema):
    internship_id: int
    intern_id: int = Field(alias="internship.intern_id")
    start_date: dt.date = Field(alias="internship.start_date")
    end_date: dt.date = Field(alias="internship.end_date")
    nationality: str
    region: str
    days: int
    paid: bool
    level: str
    route_key: str
    route_reason: str

    @staticmethod
    def resolve_nationality(obj) -> str:
        return obj.nationality.code or ""


class PlanOut(PlanSummaryOut):
    timezone: str
    rule_pack: PackRefOut | None
    disclaimer: str = Field(description=DISCLAIMER)
    route: RouteOut | None
    steps: list[StepOut]
    coverages: list[CoverageOut]
    coverage_gaps: list[GapOut] = Field(description="Days of the stay no insurance covers.")
    contacts: list[ContactOut]
    arrival_at: dt.datetime | None
    departure_at: dt.datetime | None
    travel_notes: str
    checked_in_at: dt.datetime | None
    risks: list[RiskOut]

    @staticmethod
    def resolve_disclaimer(obj) -> str:
        return _t(obj.rule_pack.disclaimer) if obj.rule_pack else ""

    @staticmethod
    def resolve_route(obj) -> dict | None:
        return _route(obj.route, obj.rule_pack.sources) if obj.rule_pack else None

    @staticmethod
    def resolve_steps(obj) -> list:
        return list(obj.steps.all())

    @staticmethod
    def resolve_coverages(obj) -> list:
        return list(obj.coverages.all())

    @staticmethod
    def resolve_contacts(obj) -> list:
        return list(obj.contacts.all())

    @staticmethod
    def resolve_coverage_gaps(obj) -> list[dict]:
        return [{"first_day": a, "last_day": b} for a, b in coverage_gaps(obj)]

    @staticmethod
    def resolve_risks(obj) -> list[dict]:
        return [
            {"code": r.code, "message": r.message, "step_id": r.step.pk if r.step else None}
            for r in plan_risks(obj, today=timezone.localdate())
        ]


def _plan(request: HttpRequest, internship_id: int, **_kwargs):
    return plan_get_visible(user=request.user, internship_id=internship_id)


def _step(request: HttpRequest, step_id: int, **_kwargs):
    return step_get_visible(user=request.user, step_id=step_id).plan


def _reload(request, plan):
    return plan_get_visible(user=request.user, internship_id=plan.internship_id)


@router.list_get(
    "/mobility/plans",
    PlanSummaryOut,
    summary="Mobility plans of the internships you take part in (officers: all)",
)
@api_permission("mobility.view_plan_list")
def plan_list_api(request: HttpRequest):
    return plan_list_visible(user=request.user).order_by("internship__start_date", "id")


@router.get(
    "/mobility/plans/{int:internship_id}",
    response=PlanOut,
    summary="An internship's mobility plan: route, steps, insurance, travel",
)
@api_permission("mobility.view_plan", obj=_plan)
def plan_detail_api(request: HttpRequest, internship_id: int):
    return request.permission_object


class PlanPatch(Schema):
    paid: bool | None = Field(None, description="Paid in the host country.")
    nationality: str | None = Field(None, pattern="^[A-Za-z]{2}$")


@router.patch(
    "/mobility/plans/{int:internship_id}",
    response=PlanOut,
    summary="Correct the facts of a plan and derive its route again (officers)",
)
@api_permission(
    "mobility.change_plan", obj=_plan, message=_("Only officers change the facts of a plan.")
)
def plan_patch_api(request: HttpRequest, internship_id: int, payload: PlanPatch):
    plan = request.permission_object
    plan_update(plan=plan, actor=request.user, paid=payload.paid, nationality=payload.nationality)
    return _reload(request, plan)


class StepStatusIn(Schema):
    status: StepStatus


@router.post(
    "/mobility/steps/{int:step_id}/status",
    response=StepOut,
    summary="Mark a step done, open again, or (officers) not needed",
    description="Only the step's owner (intern, host supervisor, home supervisor) or an officer.",
)
@api_permission("mobility.change_step", obj=_step)
def step_status_api(request: HttpRequest, step_id: int, payload: StepStatusIn):
    step = step_get_visible(user=request.user, step_id=step_id)
    step = step_set_status(step=step, actor=request.user, status=payload.status)
    return PlanStep.objects.prefetch_related("documents").get(pk=step.pk)


UPLOAD_BODY = multipart_body({"file": FILE_FIELD})


@router.created_post(
    "/mobility/steps/{int:step_id}/documents",
    StepDocumentOut,
    summary="Upload a PDF against a step",
    openapi_extra=UPLOAD_BODY,
)
@api_permission("mobility.add_stepdocument", obj=_step)
def step_document_api(request: HttpRequest, step_id: int):
    upload = uploaded_pdf(request)
    step = step_get_visible(user=request.user, step_id=step_id)
    return step_document_upload(step=step, actor=request.user, upload=upload)


class CoverageIn(Schema):
    kind: CoverageKind
    insurer: str = Field(..., min_length=1, max_length=200)
    policy_number: str = Field("", max_length=100)
    start_date: dt.date
    end_date: dt.date


@router.created_post(
    "/mobility/plans/{int:internship_id}/coverages",
    CoverageOut,
    summary="Add an insurance coverage period (the intern or an officer)",
)
@api_permission("mobility.change_travel", obj=_plan)
def coverage_add_api(request: HttpRequest, internship_id: int, payload: CoverageIn):
    return coverage_add(plan=request.permission_object, actor=request.user, **payload.dict())


@router.removing_delete(
    "/mobility/plans/{int:internship_id}/coverages/{int:coverage_id}",
    summary="Remove an insurance coverage period",
)
@api_permission("mobility.change_travel", obj=_plan)
def coverage_remove_api(request: HttpRequest, internship_id: int, coverage_id: int):
    coverage = InsuranceCoverage.objects.get(pk=coverage_id, plan=request.permission_object)
    coverage_remove(coverage=coverage, actor=request.user)


class TravelIn(Schema):
    arrival_at: dt.datetime | None = Field(
        None, description="Without an offset, read in the destination's time zone."
    )
    departure_at: dt.datetime | None = None
    notes: str = Field("", max_length=2000)


@router.put(
    "/mobility/plans/{int:internship_id}/travel",
    response=PlanOut,
    summary="Set arrival and departure (the intern or an officer)",
)
@api_permission("mobility.change_travel", obj=_plan)
def travel_api(request: HttpRequest, internship_id: int, payload: TravelIn):
    plan = request.permission_object
    travel_set(plan=plan, actor=request.user, **payload.dict())
    return _reload(request, plan)


@router.post(
    "/mobility/plans/{int:internship_id}/check-in",
    response=PlanOut,
    summary="Check in on arrival (the intern)",
)
@api_permission("mobility.check_in", obj=_plan, message=_("Only the intern checks in."))
def check_in_api(request: HttpRequest, internship_id: int):
    plan = request.permission_object
    check_in(plan=plan, actor=request.user)
    return _reload(request, plan)


class ContactIn(Schema):
    name: str = Field(..., min_length=1, max_length=200)
    relation: str = Field("", max_length=100)
    phone: str = Field(..., min_length=3, max_length=40)
    email: str = Field("", max_length=254)


@router.created_post(
    "/mobility/plans/{int:internship_id}/contacts",
    ContactOut,
    summary="Add an emergency contact (the intern or an officer)",
)
@api_permission("mobility.change_travel", obj=_plan)
def contact_add_api(request: HttpRequest, internship_id: int, payload: ContactIn):
    return contact_add(plan=request.permission_object, actor=request.user, **payload.dict())


@router.removing_delete(
    "/mobility/plans/{int:internship_id}/contacts/{int:contact_id}",
    summary="Remove an emergency contact",
)
@api_permission("mobility.change_travel", obj=_plan)
def contact_remove_api(request: HttpRequest, internship_id: int, contact_id: int):
    contact = EmergencyContact.objects.get(pk=contact_id, plan=request.permission_object)
    contact_remove(contact=contact, actor=request.user)


class AtRiskOut(Schema):
    plan: PlanSummaryOut
    risks: list[RiskOut]


@router.list_get(
    "/mobility/at-risk",
    AtRiskOut,
    summary="Internships at risk today, soonest start first (officers)",
)
@api_permission("mobility.view_at_risk", message=_("Only officers see internships at risk."))
def at_risk_api(request: HttpRequest):
    return [
        {
            "plan": plan,
            "risks": [
                {"code": r.code, "message": r.message, "step_id": r.step.pk if r.step else None}
                for r in risks
            ],
        }
        for plan, risks in plans_at_risk(user=request.user, today=timezone.localdate())
    ]
