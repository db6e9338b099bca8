"""Outcomes as JSON: an internship's (its people and officers), every one (officers)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Schema

from kakehashi.core.api import ApiRouter
from kakehashi.core.models import possible_ids
from kakehashi.core.permissions import api_permission
from kakehashi.organisations.models import Organisation
from kakehashi.outcomes.enums import OutcomeKind, PatentOffice
from kakehashi.outcomes.filters import OutcomeFilters
from kakehashi.outcomes.selectors import outcome_get, outcome_internship, outcome_list
from kakehashi.outcomes.services import outcome_delete, outcome_record

router = ApiRouter()


class OutcomeOut(Schema):
    id: int
    internship_id: int
    kind: str = Field(description="publication, patent, hire, startup, contract or award.")
    title: str
    date: dt.date
    doi: str
    metadata: dict = Field(
        description="From the Crossref record: title, authors, container, publisher, type, issued."
    )
    patent_office: str
    patent_number: str
    organisation_ids: list[int]

    @staticmethod
    def resolve_organisation_ids(obj) -> list[int]:
        return [o.pk for o in obj.organisations.all()]


class OutcomeIn(Schema):
    kind: OutcomeKind
    date: dt.date
    title: str = Field("", max_length=300)
    organisation_ids: list[int] = Field(default_factory=list, max_length=50)
    doi: str = Field("", max_length=200)
    crossref_record: str = Field(
        "", max_length=200_000, description="A Crossref record (JSON) of the publication, as text."
    )
    patent_office: PatentOffice | None = None
    patent_number: str = Field("", max_length=40)


def _internship_api(request, internship_id: int, **_kwargs):
    return outcome_internship(internship_id)


def _outcome_api(request, outcome_id: int, **_kwargs):
    return outcome_get(outcome_id)


@router.get(
    "/internships/{int:internship_id}/outcomes",
    response=list[OutcomeOut],
    summary="An internship's outcomes (its people and officers)",
)
@api_permission("outcomes.view_internship_outcomes", obj=_internship_api)
def internship_outcomes(request: HttpRequest, internship_id: int):
    return list(outcome_list(internship=request.permission_object))


@router.created_post(
    "/internships/{int:internship_id}/outcomes",
    OutcomeOut,
    summary="Record an outcome of an internship (its people and officers; audited)",
)
@api_permission("outcomes.add_outcome", obj=_internship_api)
def internship_outcome_create(request: HttpRequest, internship_id: int, payload: OutcomeIn):
    ids = possible_ids(payload.organisation_ids)
    organisations = list(Organisation.objects.filter(pk__in=ids))
    if len(organisations) != len(set(payload.organisation_ids)):
        raise ValidationError({"organisation_ids": _("No organisation has one of these ids.")})
    return outcome_record(
        actor=request.user,
        internship=request.permission_object,
        kind=payload.kind,
        date=payload.date,
        title=payload.title,
        organisations=organisations,
        doi=payload.doi,
        crossref_record=payload.crossref_record,
        patent_office=payload.patent_office or "",
        patent_number=payload.patent_number,
    )


@router.removing_delete(
    "/outcomes/{int:outcome_id}",
    summary="Remove an outcome recorded by mistake (who recorded it, officers; audited)",
)
@api_permission("outcomes.delete_outcome", obj=_outcome_api)
def outcome_delete_endpoint(request: HttpRequest, outcome_id: int):
    outcome_delete(actor=request.user, outcome=request.permission_object)


@router.list_get(
    "/outcomes",
    OutcomeOut,
    summary="Every outcome, newest first, by kind, program, cohort (call), direction and "
    "research field (officers)",
)
@api_permission("outcomes.view_outcome_list")
def outcomes_all(request: HttpRequest, filters: Query[OutcomeFilters]):
    return outcome_list(filters=filters)
