"""Research fields (CRDC 2020, with Japanese labels): public, read-only."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Field, Schema

from kakehashi.core.api import ApiRouter
from kakehashi.core.permissions import api_permission
from kakehashi.research_fields.selectors import research_field_list

router = ApiRouter()


class ResearchFieldOut(Schema):
    code: str
    level: int
    parent: str | None = Field(None, alias="parent.code")
    title: str
    title_en: str
    title_fr: str
    title_ja: str


@router.list_get(
    "/research-fields",
    ResearchFieldOut,
    summary="List research fields; filter by level, parent code or text",
    public=True,
)
@api_permission("research_fields.view_researchfield")
def field_list(request: HttpRequest, level: int | None = None, parent: str = "", q: str = ""):
    return research_field_list(level=level, parent=parent, q=q)


@router.public_get(
    "/research-fields/{code}", response=ResearchFieldOut, summary="One research field by code"
)
@api_permission("research_fields.view_researchfield")
def field_detail(request: HttpRequest, code: str):
    return research_field_list().get(code=code)
