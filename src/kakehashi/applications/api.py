"""Applications, candidates' rank lists, supervisors' host rankings and applicants."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Field, Schema
from ninja.pagination import paginate

from kakehashi.applications.models import Application
from kakehashi.applications.rules import can_view_application_rank
from kakehashi.applications.selectors import (
    applicant_rows_for_supervisor,
    application_list_visible,
    application_rows_for_candidate,
    host_ranking_get,
    rank_list_get,
    rank_list_ref_visible,
    rank_list_versions,
)
from kakehashi.applications.services import (
    application_submit,
    application_withdraw,
    host_ranking_set,
    rank_list_set,
)
from kakehashi.core import limits
from kakehashi.core.api import ApiRouter, Pagination, person_page, text
from kakehashi.core.models import possible_ids
from kakehashi.core.permissions import api_permission
from kakehashi.programs.api import call_by_id, call_by_id_kept
from kakehashi.projects.selectors import project_get_visible

router = ApiRouter()


class ApplicantOut(Schema):
    id: int
    display_name: str
    level: str | None = None
    home_organisation: str | None = None

    @staticmethod
    def resolve_level(obj) -> str | None:
        profile = getattr(obj, "candidate_profile", None)
        return profile.level if profile else None

    @staticmethod
    def resolve_home_organisation(obj) -> str | None:
        profile = getattr(obj, "candidate_profile", None)
        return profile.home_organisation.name if profile else None


class ApplicationOut(Schema):
    id: int
    call_id: int
    project_id: int
    project_key: str = Field(alias="project.key")
    project_title: str = Field(alias="project.title")
    candidate: ApplicantOut
    status: str
    statement: str
    submitted_at: dt.datetime
    rank: int | None = Field(
        None, description="Where the candidate ranked the project: the candidate and officers only."
    )

    @staticmethod
    def resolve_rank(obj, context) -> int | None:
        return obj.rank if can_view_application_rank(context["request"].user, obj) else None


class ApplicationIn(Schema):
    project_id: int
    statement: str = text(limits.STATEMENT, "")


class RankEntryOut(Schema):
    rank: int
    project_id: int
    project_key: str = Field(alias="project.key")
    project_title: str = Field(alias="project.title")
    application_id: int = Field(alias="id")


class RankListOut(Schema):
    call_id: int
    ranking_limit: int
    project_ids: list[int]
    entries: list[RankEntryOut]


class RankListIn(Schema):
    project_ids: list[int] = Field(..., description="Project ids, best first.")


class RankListVersionEntryOut(Schema):
    rank: int
    project_id: int
    key: str = Field(description="The project's key when the version was saved.")
    title: str = Field(description="The project's title when the version was saved.")


class RankListVersionOut(Schema):
    number: int
    saved_at: dt.datetime
    actor_id: int | None
    reason: str = Field(
        description="`saved`; `withdrawal` when a withdrawn application left the list; "
        "`existing` for a list saved before versions were kept (its first version)."
    )
    project_ids: list[int]
    entries: list[RankListVersionEntryOut]

    @staticmethod
    def resolve_project_ids(obj) -> list[int]:
        return [entry["project_id"] for entry in obj.entries]


class HostRankEntryOut(Schema):
    rank: int
    candidate_id: int
    candidate_name: str = Field(alias="candidate.display_name")


class HostRankingOut(Schema):
    call_id: int
    candidate_ids: list[int]
    entries: list[HostRankEntryOut]


class HostRankingIn(Schema):
    candidate_ids: list[int] = Field(
        ..., description="Applicant (person) ids, best first; at most 2000."
    )


def _application(request: HttpRequest, application_id: int, **_kwargs) -> Application:
    return application_list_visible(user=request.user).get(pk=application_id)


ONLY_CANDIDATES_RANK = _("Only candidates have a rank list.")
ONLY_SUPERVISORS_RANK = _("Only host supervisors rank applicants.")


def _rank_list(request: HttpRequest) -> dict:
    """The caller's rank list for the call of the request (`request.permission_object`)."""
    call = request.permission_object
    entries = rank_list_get(candidate=request.user, call=call)
    return {
        "call_id": call.pk,
        "ranking_limit": call.ranking_limit,
        "project_ids": [a.project_id for a in entries],
        "entries": entries,
    }


def _host_ranking(request: HttpRequest) -> dict:
    """The caller's ranking of applicants for the call of the request."""
    call = request.permission_object
    entries = list(host_ranking_get(supervisor=request.user, call=call))
    return {
        "call_id": call.pk,
        "candidate_ids": [e.candidate_id for e in entries],
        "entries": entries,
    }


@router.get("/applications", response=list[ApplicationOut], summary="Your own applications")
@api_permission("applications.view_application_list")
@person_page(ApplicationOut, name="api:applications")
@paginate(Pagination)
def application_list(request: HttpRequest, call: int | None = None):
    qs = application_rows_for_candidate(candidate=request.user)
    # Not call_id=call: a foreign key's lookup hands a number past 64 bits to SQLite (500).
    return qs.filter(call_id__in=possible_ids([call])) if call is not None else qs


@router.get(
    "/applications/{int:application_id}",
    response=ApplicationOut,
    summary="One application (yours, to your project unless withdrawn, or any for officers)",
    description=(
        "A supervisor sees an application to their project only until it is withdrawn, "
        "and never its `rank` (404 for a withdrawn one); the candidate and officers see "
        "it with its rank."
    ),
)
@api_permission("applications.view_application", obj=_application)
def application_detail(request: HttpRequest, application_id: int):
    return request.permission_object


@router.created_post(
    "/applications",
    ApplicationOut,
    summary="Apply to a project (in the call's application phase)",
)
@api_permission("applications.add_application")
def application_submit_endpoint(request: HttpRequest, payload: ApplicationIn):
    project = project_get_visible(user=request.user, pk=payload.project_id)
    application = application_submit(
        candidate=request.user, project=project, statement=payload.statement
    )
    return application_list_visible(user=request.user).get(pk=application.pk)


@router.post(
    "/applications/{int:application_id}/withdraw",
    response=ApplicationOut,
    summary="Withdraw your application (it leaves your rank list)",
)
@api_permission(
    "applications.change_application",
    obj=_application,
    message=_("Only the candidate can withdraw their application."),
)
def application_withdraw_endpoint(request: HttpRequest, application_id: int):
    application = request.permission_object
    application_withdraw(candidate=request.user, application=application)
    return application_list_visible(user=request.user).get(pk=application.pk)


@router.get(
    "/calls/{int:call_id}/rank-list",
    response=RankListOut,
    summary="Your rank list for a call (candidates)",
)
@api_permission("applications.view_rank_list", obj=call_by_id, message=ONLY_CANDIDATES_RANK)
def rank_list_read(request: HttpRequest, call_id: int):
    return _rank_list(request)


@router.put(
    "/calls/{int:call_id}/rank-list",
    response=RankListOut,
    summary="Set your rank list: project ids, best first (candidates)",
)
@api_permission("applications.change_rank_list", obj=call_by_id, message=ONLY_CANDIDATES_RANK)
def rank_list_write(request: HttpRequest, call_id: int, payload: RankListIn):
    call = request.permission_object
    rank_list_set(
        candidate=request.user,
        call=call,
        project_ids=payload.project_ids,
        # Judged at the request's arrival (core.middleware.RequestArrivalMiddleware).
        received_at=getattr(request, "received_at", None),
    )
    return _rank_list(request)


def _own_rank_list(request: HttpRequest, call_id: int, **_kwargs):
    return rank_list_ref_visible(
        user=request.user, call=call_by_id(request, call_id), candidate_id=request.user.pk
    )


def _rank_list_of(request: HttpRequest, call_id: int, person_id: int, **_kwargs):
    return rank_list_ref_visible(
        user=request.user, call=call_by_id(request, call_id), candidate_id=person_id
    )


@router.list_get(
    "/calls/{int:call_id}/rank-list/versions",
    RankListVersionOut,
    summary="Every saved version of your rank list for a call, newest first (candidates)",
)
@api_permission(
    "applications.view_rank_list_versions", obj=_own_rank_list, message=ONLY_CANDIDATES_RANK
)
def rank_list_versions_own(request: HttpRequest, call_id: int):
    ref = request.permission_object
    return rank_list_versions(candidate=ref.candidate, call=ref.call)


@router.list_get(
    "/calls/{int:call_id}/rank-lists/{int:person_id}/versions",
    RankListVersionOut,
    summary="Every saved version of one candidate's rank list, newest first (officers, "
    "and the candidate)",
    description="Anyone else gets a 404.",
)
@api_permission("applications.view_rank_list_versions", obj=_rank_list_of)
def rank_list_versions_of(request: HttpRequest, call_id: int, person_id: int):
    ref = request.permission_object
    return rank_list_versions(candidate=ref.candidate, call=ref.call)


@router.get(
    "/calls/{int:call_id}/host-ranking",
    response=HostRankingOut,
    summary="Your ranking of applicants for a call (supervisors)",
)
@api_permission("applications.view_host_ranking", obj=call_by_id, message=ONLY_SUPERVISORS_RANK)
def host_ranking_read(request: HttpRequest, call_id: int):
    return _host_ranking(request)


@router.put(
    "/calls/{int:call_id}/host-ranking",
    response=HostRankingOut,
    summary="Set your ranking of applicants: person ids, best first (supervisors)",
)
@api_permission("applications.change_host_ranking", obj=call_by_id, message=ONLY_SUPERVISORS_RANK)
def host_ranking_write(request: HttpRequest, call_id: int, payload: HostRankingIn):
    call = request.permission_object
    host_ranking_set(supervisor=request.user, call=call, candidate_ids=payload.candidate_ids)
    return _host_ranking(request)


@router.get(
    "/calls/{int:call_id}/applicants",
    response=list[ApplicationOut],
    summary="Submitted applications to your own projects in a call (supervisors)",
)
@api_permission(
    "applications.view_applicant_list",
    obj=call_by_id_kept,
    message=_("Only host supervisors see applicants."),
)
@person_page(ApplicationOut, name="api:applicants")
@paginate(Pagination)
def applicant_list(request: HttpRequest, call_id: int):
    call = request.permission_object
    return applicant_rows_for_supervisor(supervisor=request.user, call=call)
