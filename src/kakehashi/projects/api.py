"""Projects: search what the caller may see; supervisors, host admins and officers edit."""

import datetime as dt
from typing import Annotated, Literal

from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Field, Query, Schema, Status
from pydantic import ConfigDict, StringConstraints
from typing_extensions import TypedDict

from kakehashi.core import limits
from kakehashi.core.api import (
    ApiRouter,
    TextList,
    export_response,
    import_answer,
    patch_schema,
    text,
)
from kakehashi.core.permissions import api_permission
from kakehashi.projects.filters import ProjectFilters
from kakehashi.projects.imports import projects_export, projects_import
from kakehashi.projects.models import Project
from kakehashi.projects.selectors import (
    project_get_visible,
    project_references,
    project_search,
    supervision_invitations_of,
)
from kakehashi.projects.services import (
    project_create,
    project_supervisors_set,
    project_transition,
    project_update,
    supervision_accept,
    supervision_decline,
)

router = ApiRouter()

NOT_INVITED = _("You have no pending invitation to supervise this project.")


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


class Translation(TypedDict, total=False):
    """One language's texts; each as long as the original's may be (``core.limits``)."""

    __pydantic_config__ = ConfigDict(extra="forbid")  # type: ignore[misc]

    title: Annotated[str, StringConstraints(max_length=limits.LINE)]
    summary: Annotated[str, StringConstraints(max_length=limits.SHORT_TEXT)]
    description: Annotated[str, StringConstraints(max_length=limits.LONG_TEXT)]


#: What projects.validators.validate_translations accepts, stated in the OpenAPI document.
Translations = dict[Literal["en", "fr", "ja"], Translation]


class SupervisorIn(Schema):
    person_id: int
    role: str


class ProjectIn(Schema):
    key: str
    call_id: int
    host_id: int
    language: str
    title: str = text(limits.LINE, description="One line.")
    summary: str = text(limits.SHORT_TEXT, "")
    description: str = text(limits.LONG_TEXT)
    translations: Translations = {}
    fields: list[str] = []
    skills: TextList = []
    working_language: str
    city: str = text(120, "")
    region: str
    start_date: dt.date
    end_date: dt.date
    capacity: int = 1
    supervisors: list[SupervisorIn] = []


# A project's key, call and host are fixed at its creation.
ProjectPatch = patch_schema(ProjectIn, name="ProjectPatch", exclude={"key", "call_id", "host_id"})


class InvitationOut(Schema):
    project_id: int
    project_key: str = Field(alias="project.key")
    project_title: str = Field(alias="project.title")
    host: str = Field(alias="project.host.name")
    role: str
    invited_by: str | None = Field(None, description="Who named you; null if they left.")
    created_at: dt.datetime

    @staticmethod
    def resolve_invited_by(obj) -> str | None:
        return obj.invited_by.display_name if obj.invited_by else None


class TransitionIn(Schema):
    to: str
    comment: str = text(
        limits.SHORT_TEXT,
        "",
        description=(
            "Only when returning a submitted project to draft (officers and the host's "
            "admins): shown to its supervisors until they submit it again."
        ),
    )


def _supervisor_ids(specs: list[SupervisorIn] | None) -> list[tuple[int, str]] | None:
    return None if specs is None else [(s.person_id, s.role) for s in specs]


def _project_visible(request: HttpRequest, project_id: int, **_kwargs) -> Project:
    return project_get_visible(user=request.user, pk=project_id)


@router.list_get(
    "/projects",
    ProjectOut,
    summary="Search the projects you may see (published ones for everyone)",
    public=True,
)
@api_permission("projects.view_project_list")
def project_list(request: HttpRequest, filters: Query[ProjectFilters]):
    return project_search(user=request.user, filters=filters)


@router.export_get(
    "/projects/export", summary="Export the projects you may see as CSV or JSON", public=True
)
@api_permission("projects.view_project_list")
def project_export(request: HttpRequest, format: str = "csv"):
    return export_response(projects_export(user=request.user, format=format), "projects", format)


@router.import_post("/projects/import", summary="Import projects from CSV or JSON (officers)")
@api_permission("projects.import_project")
def project_import(request: HttpRequest, format: str | None = None):
    return import_answer(request, format, projects_import)


@router.list_get(
    "/projects/invitations",
    InvitationOut,
    summary="Your invitations to supervise a project, not yet answered",
)
@api_permission("projects.view_supervision_invitation_list")
def supervision_invitation_list(request: HttpRequest):
    return supervision_invitations_of(person=request.user)


@router.public_get("/projects/{int:project_id}", response=ProjectOut, summary="One project")
@api_permission("projects.view_project", obj=_project_visible)
def project_detail(request: HttpRequest, project_id: int):
    return request.permission_object


@router.created_post(
    "/projects",
    ProjectOut,
    summary="Create a draft project (people of the host organisation, its admins, officers)",
    description=(
        "Only people affiliated with the host (as supervisor, researcher or admin) and "
        "officers may create its projects (403 otherwise). Supervisors named other than "
        "the caller are invited: they are not listed until they accept "
        "(`POST /projects/{id}/supervision/accept`)."
    ),
)
@api_permission("projects.add_project")
def project_create_endpoint(request: HttpRequest, payload: ProjectIn):
    user = request.user
    refs = project_references(
        user=user,
        call_id=payload.call_id,
        host_id=payload.host_id,
        supervisors=_supervisor_ids(payload.supervisors),
        field_codes=payload.fields,
    )
    values = payload.dict(exclude={"call_id", "host_id", "fields", "supervisors"})
    project = project_create(
        actor=user,
        call=refs.call,
        host=refs.host,
        fields=refs.fields,
        supervisors=refs.supervisors,
        **values,
    )
    return project_get_visible(user=user, pk=project.pk)


@router.patch(
    "/projects/{int:project_id}",
    response=ProjectOut,
    summary="Edit a project (its supervisors, the host's admins, officers)",
)
@api_permission("projects.change_project", obj=_project_visible)
def project_update_endpoint(request: HttpRequest, project_id: int, payload: ProjectPatch):
    project = request.permission_object
    values = payload.dict(exclude_unset=True)
    values.pop("supervisors", None)
    values.pop("fields", None)
    refs = project_references(
        user=request.user,
        supervisors=_supervisor_ids(payload.supervisors),
        field_codes=payload.fields,
    )
    with transaction.atomic():
        project_update(project=project, fields=refs.fields, actor=request.user, **values)
        if refs.supervisors is not None:
            project_supervisors_set(
                project=project, supervisors=refs.supervisors, actor=request.user
            )
    return project_get_visible(user=request.user, pk=project.pk)


@router.post(
    "/projects/{int:project_id}/transition",
    response=ProjectOut,
    summary="Move a project along draft → submitted → approved → closed",
    description=(
        "Supervisors, the host's admins and officers may submit or withdraw to draft; "
        "only officers and the host's admins may approve or close."
    ),
)
@api_permission("projects.change_project", obj=_project_visible)
def project_transition_endpoint(request: HttpRequest, project_id: int, payload: TransitionIn):
    project = request.permission_object
    project_transition(project=project, to=payload.to, actor=request.user, comment=payload.comment)
    return project_get_visible(user=request.user, pk=project.pk)


@router.post(
    "/projects/{int:project_id}/supervision/accept",
    response=ProjectOut,
    summary="Accept to supervise a project you were named a supervisor of",
    description="From then on you are listed among its supervisors, matched and may edit it.",
)
@api_permission("projects.answer_supervision", obj=_project_visible, message=NOT_INVITED)
def supervision_accept_endpoint(request: HttpRequest, project_id: int):
    project = request.permission_object
    supervision_accept(project=project, person=request.user)
    return project_get_visible(user=request.user, pk=project.pk)


@router.post(
    "/projects/{int:project_id}/supervision/decline",
    response={204: None},
    summary="Decline to supervise a project you were named a supervisor of",
)
@api_permission("projects.answer_supervision", obj=_project_visible, message=NOT_INVITED)
def supervision_decline_endpoint(request: HttpRequest, project_id: int):
    supervision_decline(project=request.permission_object, person=request.user)
    return Status(204, None)
