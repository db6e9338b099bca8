"""API of internships: the internships a caller takes part in (officers: all), an
internship's agreement, its approval by each party, amendments and research security.

The same selectors and services as the pages: an internship the caller may not see is
404; an approval by someone who is not a party is 403; a refused change (a blocker, a
date outside the internship, an amendment that changes nothing) is 422 and changes
nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.http import Http404, HttpRequest
from django.utils.translation import gettext_lazy
from ninja import Field, Query, Schema

from kakehashi.core.api import ApiRouter, text
from kakehashi.core.permissions import api_permission
from kakehashi.internships.enums import (
    AmendmentKind,
    InternshipStatus,
    ScreeningOutcome,
)
from kakehashi.internships.models import Amendment, in_language
from kakehashi.internships.parties import agreement_of, parties_of
from kakehashi.internships.presenters import party_rows
from kakehashi.internships.security import (
    attest,
    screening_record,
    security_state,
    sensitivity_set,
)
from kakehashi.internships.selectors import internship_get_visible, internship_list_visible
from kakehashi.internships.services import (
    agreement_approve,
    agreement_blockers_for,
    agreement_parties_set,
    agreement_update,
    amendment_approve,
    amendment_propose,
)
from kakehashi.people.names import person_name

router = ApiRouter()

NOT_A_PARTY = gettext_lazy("Only the parties of the agreement do this.")


class PartyRef(Schema):
    id: int
    name: str


def _person(user) -> dict | None:
    return {"id": user.pk, "name": person_name(user)} if user else None


class InternshipOut(Schema):
    id: int
    status: str = Field(..., description=", ".join(InternshipStatus.values))
    intern: PartyRef
    project: str = Field(..., alias="project.key", description="The project's key.")
    program: str = Field(..., alias="program.slug", description="The program's slug.")
    direction: str
    level: str
    host: str = Field(alias="host.display_name")
    home_organisation: str | None
    partner: str | None
    home_supervisor: PartyRef | None
    region: str = Field(..., description="ISO 3166-2.")
    city: str
    start_date: dt.date = Field(..., description="In the host region's time zone.")
    end_date: dt.date
    ended_on: dt.date | None
    working_language: str
    agreement_status: str | None = Field(None, description="draft, in_force, or null.")
    your_parties: list[str] = Field(..., description="The parties you are on its agreement.")

    @staticmethod
    def resolve_intern(obj) -> dict:
        return _person(obj.intern)

    @staticmethod
    def resolve_home_organisation(obj) -> str | None:
        return obj.home_organisation.display_name if obj.home_organisation else None

    @staticmethod
    def resolve_partner(obj) -> str | None:
        return obj.partner.display_name if obj.partner else None

    @staticmethod
    def resolve_home_supervisor(obj) -> dict | None:
        return _person(obj.home_supervisor)

    @staticmethod
    def resolve_agreement_status(obj) -> str | None:
        agreement = agreement_of(obj)
        return agreement.status if agreement else None

    @staticmethod
    def resolve_your_parties(obj, context) -> list[str]:
        return parties_of(obj, context["request"].user)


class InternshipFilters(Schema):
    status: Literal["", "planned", "active", "completed", "ended_early"] = ""
    program: str = Field("", max_length=50, description="A program's slug.")
    direction: Literal["", "CA_JP", "JP_CA"] = ""


@router.list_get(
    "/internships",
    InternshipOut,
    summary="Internships you take part in (officers: all, with filters)",
)
@api_permission("internships.view_internship_list")
def internship_list(request: HttpRequest, filters: Query[InternshipFilters]):
    # parties_of reads the project's supervisors: prefetched once for the page.
    return internship_list_visible(user=request.user, filters=filters.dict()).prefetch_related(
        "project__supervisions"
    )


def _visible(request: HttpRequest, internship_id: int, **_kwargs):
    return internship_get_visible(user=request.user, pk=internship_id)


@router.get("/internships/{int:internship_id}", response=InternshipOut, summary="One internship")
@api_permission("internships.view_internship", obj=_visible)
def internship_detail(request: HttpRequest, internship_id: int):
    return request.permission_object


class AgreementBudgetLineOut(Schema):
    funder: str
    label: str
    amount: str = Field(..., description="A decimal, in `currency` (JPY has no decimals).")
    currency: Literal["CAD", "JPY"]
    source: str = ""


class ApprovalOut(Schema):
    party: str
    person: PartyRef | None
    approved_at: dt.datetime | None


class TextOut(Schema):
    text: str
    language: str


class SectionOut(Schema):
    title: TextOut
    body: TextOut


class AgreementOut(Schema):
    status: str = Field(..., description="draft or in_force.")
    version: int = Field(..., description="Each edit of a draft makes a new version.")
    in_force_at: dt.datetime | None
    template_version: int
    invented_template: bool
    sections: list[SectionOut] = Field(..., description="In your language where translated.")
    plan_intern_language: str
    plan_intern: str
    plan_host_language: str
    plan_host: str
    start_date: dt.date
    end_date: dt.date
    ip_option: str | None = Field(None, description="The chosen option's key.")
    ip_terms: TextOut | None
    budget: list[AgreementBudgetLineOut] = Field(
        ..., description="Empty: the budget is set by the funders."
    )
    partner_signatory: PartyRef | None
    approvals: list[ApprovalOut] = Field(
        ..., description="Each required party, approved (of this version) or not."
    )
    blockers: list[str] = Field(..., description="Why it may not be approved yet.")


def _agreement(internship):
    """The internship's agreement, or 404 while it has none."""
    agreement = agreement_of(internship)
    if agreement is None:
        raise Http404
    return agreement


def _agreement_out(internship) -> dict:
    agreement = _agreement(internship)
    return {
        "status": agreement.status,
        "version": agreement.version,
        "in_force_at": agreement.in_force_at,
        "template_version": agreement.template.version,
        "invented_template": agreement.template.invented,
        "sections": [
            {
                "title": dict(zip(("text", "language"), in_language(s["title"]), strict=True)),
                "body": dict(zip(("text", "language"), in_language(s["body"]), strict=True)),
            }
            for s in agreement.sections
        ],
        "plan_intern_language": agreement.plan_intern_language,
        "plan_intern": agreement.plan_intern,
        "plan_host_language": agreement.plan_host_language,
        "plan_host": agreement.plan_host,
        "start_date": agreement.start_date,
        "end_date": agreement.end_date,
        "ip_option": agreement.ip_option.key if agreement.ip_option else None,
        "ip_terms": (
            dict(zip(("text", "language"), in_language(agreement.ip_terms["text"]), strict=True))
            if agreement.ip_terms
            else None
        ),
        "budget": agreement.budget,
        "partner_signatory": _person(agreement.partner_signatory),
        "approvals": [
            {
                "party": row["party"],
                "person": _person(row["approval"].person) if row["approval"] else None,
                "approved_at": row["approval"].approved_at if row["approval"] else None,
            }
            for row in party_rows(internship, agreement)
        ],
        "blockers": agreement_blockers_for(agreement) if agreement.status == "draft" else [],
    }


def _agreement_now(internship) -> dict:
    """The answer to a change of the agreement: the agreement as it now stands."""
    internship.refresh_from_db()
    return _agreement_out(internship)


@router.get(
    "/internships/{int:internship_id}/agreement",
    response=AgreementOut,
    summary="The internship's agreement, its approvals and what blocks them",
)
@api_permission("internships.view_internship", obj=_visible)
def agreement_detail(request: HttpRequest, internship_id: int):
    return _agreement_out(request.permission_object)


class AgreementPatch(Schema):
    plan_intern: str | None = text(20000, None)
    plan_host: str | None = text(20000, None)
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    ip_option: str | None = text(40, None, description='An option\'s key; "" clears it.')


@router.patch(
    "/internships/{int:internship_id}/agreement",
    response=AgreementOut,
    summary="Edit the draft agreement (a new version: earlier approvals no longer count)",
)
@api_permission("internships.change_agreement", obj=_visible, message=NOT_A_PARTY)
def agreement_patch(request: HttpRequest, internship_id: int, payload: AgreementPatch):
    internship = request.permission_object
    agreement = _agreement(internship)
    changes = {
        k: v
        for k, v in payload.dict(exclude_unset=True).items()
        if v is not None or k == "ip_option"
    }
    agreement_update(agreement=agreement, actor=request.user, **changes)
    return _agreement_now(internship)


class PartiesIn(Schema):
    home_supervisor: int | None = Field(
        None,
        description="A person affiliated with the home university (not as a student); "
        "the intern or an officer names them. Absent: unchanged; null: cleared.",
    )
    partner_signatory: int | None = Field(
        None,
        description="A person affiliated with the industry partner (not as a student); a "
        "host supervisor or an officer names them. Absent: unchanged; null: cleared.",
    )


@router.put(
    "/internships/{int:internship_id}/agreement/parties",
    response=AgreementOut,
    summary="Name the home supervisor or the partner's signatory of the draft agreement",
)
@api_permission("internships.change_agreement", obj=_visible, message=NOT_A_PARTY)
def agreement_parties_put(request: HttpRequest, internship_id: int, payload: PartiesIn):
    internship = request.permission_object
    agreement = _agreement(internship)
    agreement_parties_set(
        agreement=agreement, actor=request.user, **payload.dict(exclude_unset=True)
    )
    return _agreement_now(internship)


class ApproveIn(Schema):
    party: (
        Literal["intern", "host_supervisor", "home_supervisor", "partner_signatory", "officer"]
        | None
    ) = Field(None, description="Which of your parties approves; default: your first pending.")


@router.post(
    "/internships/{int:internship_id}/agreement/approve",
    response=AgreementOut,
    summary="Approve the agreement as one of its parties",
)
@api_permission("internships.approve_agreement", obj=_visible, message=NOT_A_PARTY)
def agreement_approve_endpoint(request: HttpRequest, internship_id: int, payload: ApproveIn):
    internship = request.permission_object
    agreement_approve(agreement=_agreement(internship), actor=request.user, party=payload.party)
    return _agreement_now(internship)


class AmendmentOut(Schema):
    number: int
    kind: str = Field(..., description=", ".join(AmendmentKind.values))
    status: str
    start_date: dt.date | None
    end_date: dt.date | None
    ended_on: dt.date | None
    reason: str
    changes: dict[str, list[str | None]] = Field(..., description="field → [before, after].")
    budget: list[AgreementBudgetLineOut]
    proposed_by: PartyRef
    approved_at: dt.datetime | None
    approvals: list[ApprovalOut]


def _amendment_out(a) -> dict:
    return {
        "number": a.number,
        "kind": a.kind,
        "status": a.status,
        "start_date": a.start_date,
        "end_date": a.end_date,
        "ended_on": a.ended_on,
        "reason": a.reason,
        "changes": a.changes,
        "budget": a.budget,
        "proposed_by": _person(a.proposed_by),
        "approved_at": a.approved_at,
        "approvals": [
            {"party": x.party, "person": _person(x.person), "approved_at": x.approved_at}
            for x in a.approvals.all()
        ],
    }


def _amendments(internship):
    return (
        Amendment.objects.filter(agreement__internship=internship)
        .select_related("proposed_by")
        .prefetch_related("approvals__person")
    )


@router.list_get(
    "/internships/{int:internship_id}/amendments",
    AmendmentOut,
    summary="The agreement's amendments, oldest first",
)
@api_permission("internships.view_internship", obj=_visible)
def amendment_list(request: HttpRequest, internship_id: int):
    return [_amendment_out(a) for a in _amendments(request.permission_object)]


class AmendmentIn(Schema):
    kind: Literal["extension", "new_dates", "early_end"]
    reason: str = text(4000)
    start_date: dt.date | None = Field(None, description="new_dates: the new first day.")
    end_date: dt.date | None = Field(None, description="extension, new_dates: the new end.")
    ended_on: dt.date | None = Field(None, description="early_end: the last day.")


@router.created_post(
    "/internships/{int:internship_id}/amendments",
    AmendmentOut,
    summary="Propose an amendment to the agreement in force",
)
@api_permission("internships.add_amendment", obj=_visible, message=NOT_A_PARTY)
def amendment_create(request: HttpRequest, internship_id: int, payload: AmendmentIn):
    agreement = _agreement(request.permission_object)
    amendment = amendment_propose(agreement=agreement, actor=request.user, **payload.dict())
    return _amendment_out(amendment)


def _amendment(request: HttpRequest, internship_id: int, number: int, **_kwargs):
    internship = internship_get_visible(user=request.user, pk=internship_id)
    request.internship = internship
    return internship


@router.post(
    "/internships/{int:internship_id}/amendments/{int:number}/approve",
    response=AmendmentOut,
    summary="Approve a proposed amendment as one of the parties",
)
@api_permission("internships.approve_amendment", obj=_amendment, message=NOT_A_PARTY)
def amendment_approve_endpoint(
    request: HttpRequest, internship_id: int, number: int, payload: ApproveIn
):
    amendment = _amendments(request.permission_object).get(number=number)
    amendment_approve(amendment=amendment, actor=request.user, party=payload.party)
    return _amendment_out(_amendments(request.permission_object).get(number=number))


class AttestationOut(Schema):
    person: PartyRef
    list_version: int | None
    attested_at: dt.datetime | None


class SecurityOut(Schema):
    sensitivity: str = Field(..., description='"" (undecided), not_sensitive or sensitive.')
    area: str | None = Field(None, description="The sensitive area's code.")
    organisations_list_version: int | None
    organisations_list_invented: bool | None
    attestations: list[AttestationOut] = Field(
        ..., description="Each researcher who must attest, and whether they did."
    )
    screening_needed: bool = Field(..., description="Hosts in Japan: deemed-export screening.")
    screening_outcome: str | None = Field(None, description=", ".join(ScreeningOutcome.values))
    screened_on: dt.date | None


def _security_out(internship) -> dict:
    # Imported here: only this answer names the researchers.
    from kakehashi.people.models import User

    state = security_state(internship)
    people = {u.pk: u for u in User.objects.filter(pk__in=state["researchers"])}
    review, lst, screening = state["review"], state["organisations"], state["screening"]
    return {
        "sensitivity": review.sensitivity if review else "",
        "area": review.area.code if review and review.area else None,
        "organisations_list_version": lst.version if lst else None,
        "organisations_list_invented": lst.invented if lst else None,
        "attestations": [
            {
                "person": _person(people[pk]),
                "list_version": lst.version if pk in state["attested"] else None,
                "attested_at": state["attested"][pk].attested_at
                if pk in state["attested"]
                else None,
            }
            for pk in state["researchers"]
            if pk in people
        ],
        "screening_needed": state["screening_needed"],
        "screening_outcome": screening.outcome if screening else None,
        "screened_on": screening.screened_on if screening else None,
    }


def _security_after(request: HttpRequest, service, **values) -> dict:
    """Do `service` (an attestation, a decision, a screening) as the caller on the
    internship of the request; the answer is its research security as it then stands."""
    internship = request.permission_object
    service(internship=internship, actor=request.user, **values)
    return _security_out(internship)


@router.get(
    "/internships/{int:internship_id}/attestations",
    response=SecurityOut,
    summary="Research security: the sensitive-area decision, attestations, screening",
)
@api_permission("internships.view_internship", obj=_visible)
def security_detail(request: HttpRequest, internship_id: int):
    return _security_out(request.permission_object)


@router.created_post(
    "/internships/{int:internship_id}/attestations",
    SecurityOut,
    summary="Attest that you have no affiliation with a named research organisation",
)
@api_permission(
    "internships.attest",
    obj=_visible,
    message=gettext_lazy("Only the intern and the supervisors attest."),
)
def attestation_create(request: HttpRequest, internship_id: int):
    return _security_after(request, attest)


class SensitivityIn(Schema):
    sensitivity: Literal["not_sensitive", "sensitive"]
    area_code: str = text(40, "", description="sensitive: the area's code in the current list.")


@router.put(
    "/internships/{int:internship_id}/sensitivity",
    response=SecurityOut,
    summary="Decide whether the project is in a sensitive technology research area (officers)",
)
@api_permission(
    "internships.decide_sensitivity",
    obj=_visible,
    message=gettext_lazy("Only officers decide this."),
)
def sensitivity_put(request: HttpRequest, internship_id: int, payload: SensitivityIn):
    return _security_after(request, sensitivity_set, **payload.dict())


class ScreeningIn(Schema):
    outcome: Literal["cleared", "licence_obtained", "restricted", "refused"]
    screened_on: dt.date
    reference: str = text(120, "")
    notes: str = text(4000, "")


@router.created_post(
    "/internships/{int:internship_id}/screenings",
    SecurityOut,
    summary="Record the host's export-control (deemed export) screening (hosts in Japan)",
)
@api_permission(
    "internships.record_screening",
    obj=_visible,
    message=gettext_lazy("Only the host's supervisors and admins, and officers, do this."),
)
def screening_create(request: HttpRequest, internship_id: int, payload: ScreeningIn):
    return _security_after(request, screening_record, **payload.dict())
