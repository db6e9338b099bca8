"""Projects: search what the caller may see; supervisors, host admins and officers edit."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from kakehashi.core.api import (
    ERRORS,
    EXPORT_RESPONSE,
    IMPORT_BODY,
    OPTIONAL_AUTH,
    PUBLIC,
    ImportOut,
    Pagination,
    export_response,
    forbid,
    import_request,
)
from kakehashi.organisations.models import Organisation
from kakehashi.people.imports import _research_fields
from kakehashi.people.models import User
from kakehashi.people.rules import is_officer
from kakehashi.programs.selectors import call_list_visible
from kakehashi.projects.enums import ProjectStatus
from kakehashi.projects.imports import projects_export, projects_import
from kakehashi.projects.rules import administers_host, can_change_project
from kakehashi.projects.selectors import project_get_visible, project_search
from kakehashi.projects.services import (
    project_create,
    project_supervisors_set,
    project_transition,
    project_update,
)

router = Router()

# Approving and closing are vetting: officers and the host's admins only.
_VETTING = {ProjectStatus.APPROVED, ProjectStatus.CLOSED}
can_vet_project = is_officer | administers_host


class HostOut(Schema):
    id: int
    ror_id: str | None
    name: str
    country: str


class SupervisorOut(Schema):
    person_id: int
    name: str = Field(alias="person.display_name")
    role: str


class ProjectOut(Schema):
    id: int
    key: str
    call_id: int
    call_slug: str = Field(alias="call.slug")
    host: HostOut
    language: str
    title: str
    summary: str
    description: str
    translations: dict
    fields: list[str]
    skills: list[str]
    working_language: str
    city: str
    region: str
    start_date: dt.date
    end_date: dt.date
    weeks: int
    capacity: int
    status: str
    supervisors: list[SupervisorOut]

    @staticmethod
    def resolve_fields(obj) -> list[str]:
        return [f.code for f in obj.fields.all()]

    @staticmethod
    def resolve_supervisors(obj) -> list:
        return list(obj.supervisions.all())


#: What projects.validators.validate_translations accepts, stated in the OpenAPI document.
Translations = dict[
    Literal["en", "fr", "ja"], dict[Literal["title", "summary", "description"], str]
]


class SupervisorIn(Schema):
    person_id: int
    role: str


class ProjectIn(Schema):
    key: str
    call_id: int
    host_id: int
    language: str
    title: str
    summary: str = ""
    description: str
    translations: Translations = {}
    fields: list[str] = []
    skills: list[str] = []
    working_language: str
    city: str = ""
    region: str
    start_date: dt.date
    end_date: dt.date
    capacity: int = 1
    supervisors: list[SupervisorIn] = []


class ProjectPatch(Schema):
    language: str | None = None
    title: str | None = None
    summary: str | None = None
    description: str | None = None
    translations: Translations | None = None
    fields: list[str] | None = None
    skills: list[str] | None = None
    working_language: str | None = None
    city: str | None = None
    region: str | None = None
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    capacity: int | None = None
    supervisors: list[SupervisorIn] | None = None


class TransitionIn(Schema):
    to: str


def _supervisors(specs: list[SupervisorIn]) -> list[tuple[User, str]]:
    people = {u.pk: u for u in User.objects.filter(pk__in=[s.person_id for s in specs])}
    unknown = [s.person_id for s in specs if s.person_id not in people]
    if unknown:
        raise ValidationError(
            {
                "supervisors": _("Unknown people: %(ids)s.")
                % {"ids": ", ".join(str(i) for i in unknown)}
            }
        )
    return [(people[s.person_id], s.role) for s in specs]


@router.get(
    "/projects",
    auth=PUBLIC,
    openapi_extra=OPTIONAL_AUTH,
    response=list[ProjectOut],
    summary="Search the projects you may see (published ones for everyone)",
)
@paginate(Pagination)
def project_list(
    request: HttpRequest,
    q: str = "",
    call: str = "",
    language: str = "",
    working_language: str = "",
    country: str = "",
    region: str = "",
    field: str = "",
    host: str = "",
    status: str = "",
):
    return project_search(
        user=request.user,
        q=q,
        call=call,
        language=language,
        working_language=working_language,
        country=country,
        region=region,
        field=field,
        host=host,
        status=status,
    )


@router.get(
    "/projects/export",
    auth=PUBLIC,
    response={200: None, **ERRORS},
    summary="Export the projects you may see as CSV or JSON",
    openapi_extra={**EXPORT_RESPONSE, **OPTIONAL_AUTH},
)
def project_export(request: HttpRequest, format: str = "csv"):
    return export_response(projects_export(user=request.user, format=format), "projects", format)


@router.post(
    "/projects/import",
    response={200: ImportOut, **ERRORS},
    summary="Import projects from CSV or JSON (officers)",
    openapi_extra=IMPORT_BODY,
)
def project_import(request: HttpRequest, format: str | None = None):
    if not is_officer(request.user):
        forbid()
    data, fmt = import_request(request, format, ("csv", "json"))
    return projects_import(data=data, format=fmt).as_dict()


@router.get(
    "/projects/{int:project_id}",
    auth=PUBLIC,
    openapi_extra=OPTIONAL_AUTH,
    response={200: ProjectOut, **ERRORS},
    summary="One project",
)
def project_detail(request: HttpRequest, project_id: int):
    return project_get_visible(user=request.user, pk=project_id)


@router.post(
    "/projects",
    response={201: ProjectOut, **ERRORS},
    summary="Create a draft project (its supervisors, the host's admins, officers)",
)
def project_create_endpoint(request: HttpRequest, payload: ProjectIn):
    user = request.user
    call = call_list_visible(user=user).filter(pk=payload.call_id).first()
    host = Organisation.objects.filter(pk=payload.host_id).first()
    errors = {}
    if call is None:
        errors["call_id"] = _("No such call.")
    if host is None:
        errors["host_id"] = _("No such organisation.")
    if errors:
        raise ValidationError(errors)
    supervisors = _supervisors(payload.supervisors)
    allowed = (
        is_officer(user)
        or user.affiliations.filter(organisation=host, role="admin").exists()
        or any(person.pk == user.pk for person, _role in supervisors)
    )
    if not allowed:
        forbid(_("Only the project's supervisors, the host's admins and officers may create it."))
    values = payload.dict(exclude={"call_id", "host_id", "fields", "supervisors"})
    project = project_create(
        call=call,
        host=host,
        fields=_research_fields(payload.fields),
        supervisors=supervisors,
        **values,
    )
    return Status(201, project_get_visible(user=user, pk=project.pk))


@router.patch(
    "/projects/{int:project_id}",
    response={200: ProjectOut, **ERRORS},
    summary="Edit a project (its supervisors, the host's admins, officers)",
)
def project_update_endpoint(request: HttpRequest, project_id: int, payload: ProjectPatch):
    project = project_get_visible(user=request.user, pk=project_id)
    if not can_change_project(request.user, project):
        forbid()
    values = payload.dict(exclude_unset=True)
    supervisors = values.pop("supervisors", None)
    codes = values.pop("fields", None)
    with transaction.atomic():
        project_update(
            project=project,
            fields=_research_fields(codes) if codes is not None else None,
            **values,
        )
        if supervisors is not None:
            project_supervisors_set(project=project, supervisors=_supervisors(payload.supervisors))
    return project_get_visible(user=request.user, pk=project.pk)


@router.post(
    "/projects/{int:project_id}/transition",
    response={200: ProjectOut, **ERRORS},
    summary="Move a project along draft → submitted → approved → closed",
    description=(
        "Supervisors, the host's admins and officers may submit or withdraw to draft; "
        "only officers and the host's admins may approve or close."
    ),
)
def project_transition_endpoint(request: HttpRequest, project_id: int, payload: TransitionIn):
    project = project_get_visible(user=request.user, pk=project_id)
    if not can_change_project(request.user, project):
        forbid()
    if payload.to not in ProjectStatus.values:
        raise ValidationError(
            {"to": _("“%(value)s” is not a project status.") % {"value": payload.to}}
        )
    if payload.to in _VETTING and not can_vet_project(request.user, project):
        forbid(_("Only officers and the host's admins may approve or close a project."))
    project_transition(project=project, to=payload.to)
    return project_get_visible(user=request.user, pk=project.pk)
