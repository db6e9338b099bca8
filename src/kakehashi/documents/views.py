"""Pages: a candidate's documents and referees, the files behind permission, and a
referee's upload page (no account: the private link is the permission)."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from kakehashi.core.permissions import permission_required
from kakehashi.core.views import form_submit, post_action
from kakehashi.documents.forms import DocumentUploadForm, LetterForm, RefereeForm
from kakehashi.documents.models import Document, Referee
from kakehashi.documents.selectors import (
    document_list_for_owner,
    letters_due_for_candidate,
    referee_by_token,
    referee_list_for_candidate,
)
from kakehashi.documents.services import (
    document_delete,
    document_upload,
    letter_upload,
    referee_add,
    referee_remove,
)


def _document(request, pk: int) -> Document:
    return Document.objects.get(pk=pk)


def _referee(request, pk: int) -> Referee:
    return Referee.objects.get(pk=pk)


def _person(request, person: int):
    return get_user_model().objects.get(pk=person)


def pdf_response(field_file, filename: str) -> FileResponse:
    """A stored PDF as a download (never shown inline: a PDF is active content)."""
    try:
        handle = field_file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(
        handle, as_attachment=True, filename=filename, content_type="application/pdf"
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _mine_context(user, *, upload_form=None, referee_form=None) -> dict:
    return {
        "documents": document_list_for_owner(owner=user),
        "referees": referee_list_for_candidate(candidate=user),
        "letters_due": letters_due_for_candidate(candidate=user),
        "upload_form": upload_form or DocumentUploadForm(),
        "referee_form": referee_form or RefereeForm(),
        "upload_limit": settings.UPLOAD_MAX_BYTES,
    }


@permission_required("documents.view_own_documents")
def documents_mine(request):
    return render(request, "documents/mine.html", _mine_context(request.user))


@require_POST
@permission_required("documents.add_document")
def document_upload_view(request):
    form = DocumentUploadForm(request.POST, request.FILES)
    if form_submit(
        request,
        form,
        lambda data: document_upload(owner=request.user, kind=data["kind"], upload=data["file"]),
        success=_("Your document has been uploaded."),
        error_field="file",
    ):
        return redirect("documents:mine")
    return _mine_again(request, upload_form=form)


def _mine_again(request, **forms):
    """The documents page again with a refused form (400)."""
    return render(request, "documents/mine.html", _mine_context(request.user, **forms), status=400)


@post_action(
    "documents.delete_document",
    obj=_document,
    success=gettext_lazy("Your document has been deleted."),
    back="documents:mine",
)
def document_delete_view(request, pk: int):
    document_delete(owner=request.user, document=request.permission_object)


@permission_required("documents.view_document", obj=_document)
def document_file(request, pk: int):
    document = request.permission_object
    return pdf_response(document.file, document.filename)


@require_POST
@permission_required("documents.add_referee")
def referee_add_view(request):
    form = RefereeForm(request.POST)
    if form_submit(
        request,
        form,
        lambda data: referee_add(candidate=request.user, **data),
        success=_("Your referee has been sent a link to upload a letter."),
    ):
        return redirect("documents:mine")
    return _mine_again(request, referee_form=form)


@post_action(
    "documents.delete_referee",
    obj=_referee,
    success=gettext_lazy("The referee has been removed."),
    back="documents:mine",
)
def referee_remove_view(request, pk: int):
    referee_remove(candidate=request.user, referee=request.permission_object)


@permission_required("documents.view_letter", obj=_referee)
def letter_file(request, pk: int):
    referee = request.permission_object
    if not referee.received:
        raise Http404
    return pdf_response(referee.letter, f"letter-{referee.pk}.pdf")


@permission_required("documents.view_candidate_documents", obj=_person)
def candidate_documents(request, person: int):
    candidate = request.permission_object
    context = {
        "candidate": candidate,
        "documents": document_list_for_owner(owner=candidate),
        "referees": referee_list_for_candidate(candidate=candidate),
    }
    return render(request, "documents/candidate.html", context)


@permission_required("documents.upload_letter")
def letter_upload_view(request, token: str):
    """A referee's page: the candidate's name and a form for the letter. An unknown,
    expired or used link says so (410 for the last two)."""
    link = referee_by_token(token=token)
    if link.state == "unknown":
        raise Http404
    form = LetterForm()
    status = 200
    if link.state == "valid" and request.method == "POST":
        form = LetterForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                letter_upload(token=token, upload=form.cleaned_data["file"])
            except ValidationError as exc:
                form.add_error("file", exc)
            else:
                return render(request, "documents/letter_done.html", {"referee": link.referee})
        status = 400
    elif link.state != "valid":
        status = 410
    context = {
        "link": link,
        "referee": link.referee,
        "form": form,
        "upload_limit": settings.UPLOAD_MAX_BYTES,
    }
    return render(request, "documents/letter_upload.html", context, status=status)
