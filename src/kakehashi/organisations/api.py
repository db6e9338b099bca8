"""Organisations: public list and detail; officers (and an organisation's admins) edit."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Schema

from kakehashi.core import limits
from kakehashi.core.api import (
    ApiRouter,
    LineList,
    TextList,
    export_response,
    import_answer,
    patch_schema,
    text,
)
from kakehashi.core.errors import errors_on
from kakehashi.core.permissions import api_permission
from kakehashi.organisations.imports import (
    IMPORT_FORMATS,
    organisations_export,
    organisations_import,
)
from kakehashi.organisations.models import Organisation
from kakehashi.organisations.selectors import organisation_list
from kakehashi.organisations.services import organisation_create, organisation_update
from kakehashi.organisations.validators import normalise_ror

router = ApiRouter()


class OrganisationOut(Schema):
    id: int
    ror_id: str | None
    ror_url: str
    name: str
    display_name: str
    name_en: str
    name_fr: str
    name_ja: str
    aliases: list[str]
    acronyms: list[str]
    type: str
    country: str
    region: str
    city: str
    parent_id: int | None
    website: str


class OrganisationIn(Schema):
    ror_id: str | None = None
    name: str = text(limits.LINE)
    name_en: str = text(limits.LINE, "")
    name_fr: str = text(limits.LINE, "")
    name_ja: str = text(limits.LINE, "")
    aliases: LineList = []
    acronyms: TextList = []
    type: str
    country: str
    region: str
    city: str = text(120, "")
    parent_id: int | None = None
    website: str = ""


OrganisationPatch = patch_schema(OrganisationIn, name="OrganisationPatch")


def _get(ref: str) -> Organisation:
    """By numeric id or by ROR id (bare or as https://ror.org/… URL-encoded)."""
    qs = organisation_list()
    try:
        return qs.get(ror_id=normalise_ror(ref))
    except ValidationError:
        pass
    if ref.isdecimal():
        return qs.get(pk=int(ref))
    raise Organisation.DoesNotExist


def _organisation(request: HttpRequest, ref: str, **_kwargs) -> Organisation:
    return _get(ref)


def _values(payload: Schema, *, exclude_unset: bool) -> dict:
    values = payload.dict(exclude_unset=exclude_unset)
    if values.get("ror_id"):
        with errors_on("ror_id"):
            values["ror_id"] = normalise_ror(values["ror_id"])
    if "parent_id" in values and values["parent_id"] is not None:
        parent = Organisation.objects.filter(pk=values["parent_id"]).first()
        if parent is None:
            raise ValidationError({"parent_id": _("No such organisation.")})
    return values


@router.list_get("/organisations", OrganisationOut, summary="Search organisations", public=True)
@api_permission("organisations.view_organisation")
def organisation_list_endpoint(
    request: HttpRequest, q: str = "", country: str = "", type: str = ""
):
    return organisation_list(q=q, country=country, type=type)


@router.export_get(
    "/organisations/export", summary="Export organisations as CSV or JSON", public=True
)
@api_permission("organisations.view_organisation")
def organisation_export(request: HttpRequest, format: str = "csv"):
    return export_response(organisations_export(format=format), "organisations", format)


@router.import_post(
    "/organisations/import", summary="Import organisations from CSV, JSON or ROR records (officers)"
)
@api_permission("organisations.import_organisation")
def organisation_import(request: HttpRequest, format: str | None = None):
    return import_answer(request, format, organisations_import, IMPORT_FORMATS)


@router.public_get(
    "/organisations/{ref}", response=OrganisationOut, summary="One organisation, by id or ROR id"
)
@api_permission("organisations.view_organisation")
def organisation_detail(request: HttpRequest, ref: str):
    return _get(ref)


@router.created_post("/organisations", OrganisationOut, summary="Create an organisation (officers)")
@api_permission("organisations.add_organisation")
def organisation_create_endpoint(request: HttpRequest, payload: OrganisationIn):
    return organisation_create(**_values(payload, exclude_unset=False))


@router.patch(
    "/organisations/{ref}",
    response=OrganisationOut,
    summary="Edit an organisation (officers and the organisation's admins)",
)
@api_permission("organisations.change_organisation", obj=_organisation)
def organisation_update_endpoint(request: HttpRequest, ref: str, payload: OrganisationPatch):
    organisation = request.permission_object
    return organisation_update(organisation=organisation, **_values(payload, exclude_unset=True))
