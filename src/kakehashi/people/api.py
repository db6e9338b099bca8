"""People: who the caller may see, the caller's own record, API tokens, import/export."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Schema, Status
from ninja.pagination import paginate

from kakehashi.core.api import (
    TOKEN_CREATE,
    ApiRouter,
    ErrorOut,
    Pagination,
    export_response,
    import_answer,
    kept_page,
)
from kakehashi.core.permissions import api_permission
from kakehashi.people.imports import people_export, people_import
from kakehashi.people.rules import is_officer
from kakehashi.people.selectors import (
    api_token_list,
    person_data_export,
    person_get_visible,
    person_list_visible,
    person_visible_ids,
)
from kakehashi.people.services import (
    api_token_create,
    api_token_revoke,
    person_delete,
    person_delete_plan,
)

router = ApiRouter()


class LanguageOut(Schema):
    code: str = Field(alias="language")
    level: str


class AffiliationOut(Schema):
    organisation_id: int
    organisation_name: str = Field(alias="organisation.name")
    organisation_ror_id: str | None = Field(alias="organisation.ror_id")
    role: str
    title: str


class CandidateOut(Schema):
    level: str
    direction: str
    nationality: str = Field(
        description="ISO 3166-1 alpha-2 code of the passport the candidate travels on; "
        "empty when not given."
    )
    home_organisation_id: int
    home_organisation_name: str = Field(alias="home_organisation.name")
    degree: str
    research_interests: str
    interests_language: str
    skills: list[str]

    @staticmethod
    def resolve_nationality(obj) -> str:
        return obj.nationality.code or ""


class PersonOut(Schema):
    id: int
    username: str
    display_name: str
    display_name_ja: str
    family_name: str
    given_name: str
    family_name_kanji: str
    given_name_kanji: str
    family_name_kana: str
    given_name_kana: str
    orcid: str | None
    timezone: str
    preferred_language: str
    languages: list[LanguageOut]
    affiliations: list[AffiliationOut]
    candidate: CandidateOut | None

    @staticmethod
    def resolve_candidate(obj) -> object:
        return getattr(obj, "candidate_profile", None)


class MeOut(PersonOut):
    email: str
    roles: list[str]

    @staticmethod
    def resolve_roles(obj) -> list[str]:
        roles = []
        if getattr(obj, "candidate_profile", None) is not None:
            roles.append("candidate")
        if obj.supervisions.exists():
            roles.append("supervisor")
        if any(a.role == "admin" for a in obj.affiliations.all()):
            roles.append("org_admin")
        if is_officer(obj):
            roles.append("officer")
        if obj.is_reviewer:
            roles.append("reviewer")
        return roles


class TokenIn(Schema):
    name: str = Field(..., min_length=1, max_length=100)


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: dt.datetime
    last_used_at: dt.datetime | None
    expires_at: dt.datetime = Field(description="From then on the token is refused.")


class TokenCreatedOut(TokenOut):
    key: str = Field(description="The clear token: shown once, never again.")


def _person(request: HttpRequest, person_id: int, **_kwargs):
    return person_get_visible(user=request.user, pk=person_id)


@router.get("/people", response=list[PersonOut], summary="List the people you may see")
@api_permission("people.view_user_list")
# People, their languages, affiliations and profiles are data the version covers; whom
# the caller sees is read each time (a supervisor's applicants come from applications).
@kept_page(PersonOut, name="api:people", visible=lambda r: person_visible_ids(user=r.user))
@paginate(Pagination)
def person_list(request: HttpRequest):
    return person_list_visible(user=request.user)


@router.export_get("/people/export", summary="Export people (officers)")
@api_permission("people.export_user")
def person_export(request: HttpRequest, format: str = "csv"):
    return export_response(people_export(user=request.user, format=format), "people", format)


@router.import_post("/people/import", summary="Import people (officers)")
@api_permission("people.import_user")
def person_import(request: HttpRequest, format: str | None = None):
    return import_answer(request, format, people_import)


@router.get("/people/{int:person_id}", response=PersonOut, summary="One person")
@api_permission("people.view_user", obj=_person)
def person_detail(request: HttpRequest, person_id: int):
    return request.permission_object


@router.get("/me", response=MeOut, summary="The caller")
@api_permission("people.view_profile")
def me(request: HttpRequest):
    return person_get_visible(user=request.user, pk=request.user.pk)


@router.list_get("/me/tokens", TokenOut, summary="Your API tokens")
@api_permission("people.view_apitoken")
def token_list(request: HttpRequest):
    return api_token_list(user=request.user)


@router.created_post(
    "/me/tokens",
    TokenCreatedOut,
    auth=TOKEN_CREATE,
    summary="Create an API token (session or HTTP Basic only)",
    description=(
        "Authenticate with the browser session (and CSRF token) or HTTP Basic "
        "(username and password), never with another token. The answer holds "
        "the clear `key` once; only its SHA-256 is stored."
    ),
)
@api_permission("people.add_apitoken")
def token_create(request: HttpRequest, payload: TokenIn):
    token, key = api_token_create(user=request.user, name=payload.name)
    token.key = key
    return token


@router.delete(
    "/me/tokens/{int:token_id}",
    response={204: None, 404: ErrorOut, 401: ErrorOut},
    summary="Revoke one of your API tokens",
)
@api_permission("people.delete_apitoken")
def token_delete(request: HttpRequest, token_id: int):
    api_token_revoke(user=request.user, token_id=token_id)
    return Status(204, None)


class DataSectionOut(Schema):
    title: str
    explanation: str
    keys: dict[str, str] = Field(description="Each key of the records and what it means.")
    count: int
    records: list[dict[str, Any]]


class PersonalDataOut(Schema):
    format: str = Field(description="The document's format and version.")
    generated_at: dt.datetime
    language: str = Field(description="The language of titles, explanations and key labels.")
    person_id: int
    about: str
    sections: dict[str, DataSectionOut]


class EraseItemOut(Schema):
    what: str
    count: int
    action: Literal["deleted", "anonymised", "kept"]
    why: str


class AccountDeleteIn(Schema):
    password: str = Field(..., min_length=1, max_length=4096)


class AccountDeletedOut(Schema):
    deleted: bool
    items: list[EraseItemOut]


@router.get(
    "/me/data",
    response=PersonalDataOut,
    summary="Everything held about you (personal data export)",
    description=(
        "One document with every record Kakehashi holds about the caller, one section "
        "per kind of record, each with an explanation and the meaning of its keys in "
        "`lang` (default: the caller's preferred language). API tokens appear without "
        "their keys; other people appear by their number at most."
    ),
)
@api_permission("people.export_own_data")
def my_data(request: HttpRequest, lang: Literal["en", "fr", "ja"] | None = None):
    return person_data_export(person=request.user, language=lang or request.user.preferred_language)


@router.get(
    "/me/delete",
    response=list[EraseItemOut],
    summary="What deleting your account would delete and keep",
    description=(
        "Nothing changes: the answer lists, per kind of record, what a deletion does and why."
    ),
)
@api_permission("people.delete_own_account")
def my_delete_plan(request: HttpRequest):
    return person_delete_plan(person=request.user)


@router.post(
    "/me/delete",
    response=AccountDeletedOut,
    summary="Delete your account",
    description=(
        "Needs your password. What must be kept (published matches, their offers, the "
        "audit record) is anonymised, the rest deleted; the login is deactivated and "
        "every API token revoked, this one included. Superusers are refused (422)."
    ),
)
@api_permission("people.delete_own_account")
def my_delete(request: HttpRequest, payload: AccountDeleteIn):
    items = person_delete(person=request.user, password=payload.password)
    return {"deleted": True, "items": items}
