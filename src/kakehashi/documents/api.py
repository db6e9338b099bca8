"""A candidate's documents and referees; the files for supervisors and officers."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Schema

from kakehashi.core.api import FILE_FIELD, ApiRouter, multipart_body, uploaded_pdf
from kakehashi.core.permissions import api_permission
from kakehashi.documents.enums import MailLanguage
from kakehashi.documents.models import Document, Referee
from kakehashi.documents.selectors import (
    document_list_for_owner,
    document_list_visible,
    letter_list_visible,
    referee_list_for_candidate,
)
from kakehashi.documents.services import (
    document_delete,
    document_upload,
    referee_add,
    referee_remove,
)
from kakehashi.documents.views import pdf_response

router = ApiRouter()


class DocumentOut(Schema):
    id: int
    owner_id: int
    kind: str = Field(description="`cv` or `transcript`.")
    filename: str
    size: int
    sha256: str
    uploaded_at: dt.datetime


class RefereeOut(Schema):
    id: int
    name: str
    email: str
    language: str
    invited_at: dt.datetime
    link_expires_at: dt.datetime | None = Field(alias="token_expires_at")
    received: bool = Field(description="Whether the letter arrived (the letter itself: never).")
    received_at: dt.datetime | None = Field(alias="letter_received_at")


class RefereeIn(Schema):
    name: str = Field(..., min_length=1, max_length=200)
    email: str = Field(..., max_length=254)
    language: MailLanguage = MailLanguage.EN


#: OpenAPI description of an upload: a multipart form with the kind and the PDF.
UPLOAD_BODY = multipart_body(
    {"kind": {"type": "string", "enum": ["cv", "transcript"]}, "file": FILE_FIELD}
)

PDF_RESPONSE = {
    "responses": {
        200: {
            "description": "The PDF file, as an attachment.",
            "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
        }
    }
}


def _own_document(request: HttpRequest, document_id: int, **_kwargs) -> Document:
    return document_list_for_owner(owner=request.user).get(pk=document_id)


def _own_referee(request: HttpRequest, referee_id: int, **_kwargs) -> Referee:
    return referee_list_for_candidate(candidate=request.user).get(pk=referee_id)


def _visible_document(request: HttpRequest, document_id: int, **_kwargs) -> Document:
    return document_list_visible(user=request.user).get(pk=document_id)


def _visible_letter(request: HttpRequest, referee_id: int, **_kwargs) -> Referee:
    return letter_list_visible(user=request.user).get(pk=referee_id)


ONLY_CANDIDATES = _("Only candidates have documents and referees.")


@router.list_get("/me/documents", DocumentOut, summary="Your documents")
@api_permission("documents.view_own_documents", message=ONLY_CANDIDATES)
def my_document_list(request: HttpRequest):
    return document_list_for_owner(owner=request.user)


@router.created_post(
    "/me/documents",
    DocumentOut,
    summary="Upload a document (a PDF; it replaces your document of the same kind)",
    openapi_extra=UPLOAD_BODY,
)
@api_permission("documents.add_document", message=ONLY_CANDIDATES)
def my_document_upload(request: HttpRequest):
    upload = uploaded_pdf(request)
    return document_upload(owner=request.user, kind=request.POST.get("kind", ""), upload=upload)


@router.removing_delete(
    "/me/documents/{int:document_id}",
    summary="Delete one of your documents (its file too)",
)
@api_permission("documents.delete_document", obj=_own_document)
def my_document_delete(request: HttpRequest, document_id: int):
    document_delete(owner=request.user, document=request.permission_object)


@router.list_get("/me/referees", RefereeOut, summary="Your referees and their letters' status")
@api_permission("documents.view_own_documents", message=ONLY_CANDIDATES)
def my_referee_list(request: HttpRequest):
    return referee_list_for_candidate(candidate=request.user)


@router.created_post(
    "/me/referees",
    RefereeOut,
    summary="Name a referee: they are mailed a private link to upload a letter",
)
@api_permission("documents.add_referee", message=ONLY_CANDIDATES)
def my_referee_add(request: HttpRequest, payload: RefereeIn):
    return referee_add(
        candidate=request.user,
        name=payload.name,
        email=payload.email,
        language=str(payload.language.value),
    )


@router.removing_delete(
    "/me/referees/{int:referee_id}",
    summary="Remove a referee (their link stops working; their letter is deleted)",
)
@api_permission("documents.delete_referee", obj=_own_referee)
def my_referee_remove(request: HttpRequest, referee_id: int):
    referee_remove(candidate=request.user, referee=request.permission_object)


@router.get(
    "/documents/{int:document_id}/file",
    response=None,
    summary="A document's PDF: its candidate, supervisors of projects they applied to, officers",
    openapi_extra=PDF_RESPONSE,
)
@api_permission("documents.view_document", obj=_visible_document)
def document_file(request: HttpRequest, document_id: int):
    document = request.permission_object
    return pdf_response(document.file, document.filename)


@router.get(
    "/letters/{int:referee_id}/file",
    response=None,
    summary="A reference letter's PDF: supervisors of projects the candidate applied to, officers",
    openapi_extra=PDF_RESPONSE,
)
@api_permission("documents.view_letter", obj=_visible_letter)
def letter_file(request: HttpRequest, referee_id: int):
    return pdf_response(request.permission_object.letter, f"letter-{referee_id}.pdf")
