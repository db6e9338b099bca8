"""Research fields (CRDC 2020, with Japanese labels): public, read-only."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from kakehashi.core.api import ERRORS, OPTIONAL_AUTH, PUBLIC, Pagination
from kakehashi.core.permissions import api_permission
from kakehashi.research_fields.selectors import research_field_list

router = Router()


class ResearchFieldOut(Schema):
    code: str
    level: int
    parent: str | None = Field(None, alias="parent.code")
    title: str
    title_en: str
    title_fr: str
    title_ja: str


@router.get(
    "/research-fields",
    auth=PUBLIC,
    openapi_extra=OPTIONAL_AUTH,
    response=list[ResearchFieldOut],
    summary="List research fields; filter by level, parent code or text",
)
@api_permission("research_fields.view_researchfield")
@paginate(Pagination)
def field_list(request: HttpRequest, level: int | None = None, parent: str = "", q: str = ""):
    return research_field_list(level=level, parent=parent, q=q)


@router.get(
    "/research-fields/{code}",
    auth=PUBLIC,
    openapi_extra=OPTIONAL_AUTH,
    response={200: ResearchFieldOut, **ERRORS},
    summary="One research field by code",
)
@api_permission("research_fields.view_researchfield")
def field_detail(request: HttpRequest, code: str):
    return research_field_list().get(code=code)
