"""Documents and referees through /api/v1/, per role."""

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from kakehashi.documents.models import Document, Referee
from kakehashi.documents.services import document_upload, letter_upload, referee_add
from tests.kakehashi.api_helpers import API, body, error, token_client
from tests.kakehashi.documents.conftest import pdf_bytes, pdf_upload

pytestmark = pytest.mark.django_db

ONLY_CANDIDATES = "Only candidates have documents and referees."


def _token(message) -> str:
    line = next(line for line in message.body.splitlines() if "/letters/" in line)
    return line.strip().rstrip("/").rsplit("/", 1)[1]


@pytest.fixture
def filed(world, django_capture_on_commit_callbacks):
    document = document_upload(owner=world["candidate"], kind="cv", upload=pdf_upload())
    with django_capture_on_commit_callbacks(execute=True):
        referee = referee_add(
            candidate=world["candidate"], name="R", email="r@x.org", language="en"
        )
    letter_upload(token=_token(mail.outbox[-1]), upload=pdf_upload(text="letter"))
    referee.refresh_from_db()
    return {**world, "document": document, "referee": referee}


def test_anonymous_gets_401(filed):
    for path in ("/me/documents", "/me/referees", f"/documents/{filed['document'].pk}/file"):
        assert Client().get(API + path).status_code == 401


def test_list_upload_delete_documents(world):
    client = token_client(world["candidate"])
    assert body(client.get(API + "/me/documents")) == {"items": [], "count": 0}
    response = client.post(API + "/me/documents", {"kind": "transcript", "file": pdf_upload()})
    assert response.status_code == 201, response.content
    document = Document.objects.get()
    assert body(response) == {
        "id": document.pk,
        "owner_id": world["candidate"].pk,
        "kind": "transcript",
        "filename": "cv.pdf",
        "size": len(pdf_bytes()),
        "sha256": document.sha256,
        "uploaded_at": body(response)["uploaded_at"],
    }
    assert body(client.get(API + "/me/documents"))["count"] == 1
    other = token_client(world["other_candidate"])
    response = other.delete(f"{API}/me/documents/{document.pk}")
    assert response.status_code == 404
    response = client.delete(f"{API}/me/documents/{document.pk}")
    assert response.status_code == 204
    assert Document.objects.count() == 0


def test_upload_refusals(world):
    client = token_client(world["candidate"])
    response = client.post(API + "/me/documents", {"kind": "cv", "file": pdf_upload(pad=20_000)})
    assert response.status_code == 422
    assert body(response)["error"]["code"] == "too_large"
    fake = SimpleUploadedFile("cv.pdf", b"MZ not a pdf", content_type="application/pdf")
    response = client.post(API + "/me/documents", {"kind": "cv", "file": fake})
    assert body(response) == error(422, "not_pdf", "The file is not a PDF document.")
    response = client.post(API + "/me/documents", {"kind": "cv"})
    assert response.status_code == 422
    response = token_client(world["supervisor"]).post(
        API + "/me/documents", {"kind": "cv", "file": pdf_upload()}
    )
    assert body(response) == error(403, "forbidden", ONLY_CANDIDATES)
    assert Document.objects.count() == 0


def test_referees_show_status_only(world, django_capture_on_commit_callbacks):
    client = token_client(world["candidate"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            API + "/me/referees",
            {"name": "Dr. Roy", "email": "roy@example.ca", "language": "fr"},
            content_type="application/json",
        )
    assert response.status_code == 201, response.content
    referee = Referee.objects.get()
    assert body(response)["received"] is False
    assert mail.outbox[-1].to == ["roy@example.ca"]
    letter_upload(token=_token(mail.outbox[-1]), upload=pdf_upload())
    [item] = body(client.get(API + "/me/referees"))["items"]
    assert item["received"] is True and item["id"] == referee.pk
    assert "letter" not in item and "token_hash" not in item
    # The candidate never reads the letter.
    assert client.get(f"{API}/letters/{referee.pk}/file").status_code == 404
    other = token_client(world["other_candidate"])
    assert other.delete(f"{API}/me/referees/{referee.pk}").status_code == 404
    assert client.delete(f"{API}/me/referees/{referee.pk}").status_code == 204
    assert Referee.objects.count() == 0


@pytest.mark.parametrize(
    ("role", "document_status", "letter_status"),
    [
        ("candidate", 200, 404),
        ("other_candidate", 404, 404),
        ("supervisor", 200, 200),
        ("other_supervisor", 404, 404),
        ("officer", 200, 200),
    ],
)
def test_files_per_role(filed, role, document_status, letter_status):
    client = token_client(filed[role])
    response = client.get(f"{API}/documents/{filed['document'].pk}/file")
    assert response.status_code == document_status
    if document_status == 200:
        assert response["Content-Type"] == "application/pdf"
        assert b"".join(response.streaming_content) == pdf_bytes()
    response = client.get(f"{API}/letters/{filed['referee'].pk}/file")
    assert response.status_code == letter_status
    if letter_status == 200:
        assert b"".join(response.streaming_content) == pdf_bytes(text="letter")


@pytest.mark.parametrize("rows", [1, 3])
def test_list_query_counts(world, rows, django_assert_num_queries):
    candidate = world["candidate"]
    for i in range(rows):
        Referee.objects.create(
            candidate=candidate, name=f"R{i}", email=f"r{i}@x.org", invited_at=timezone.now()
        )
    for kind in ["cv", "transcript"][: min(rows, 2)]:
        document_upload(owner=candidate, kind=kind, upload=pdf_upload())
    client = token_client(candidate)
    for path in ("/me/documents", "/me/referees"):
        with django_assert_num_queries(QUERIES_LIST):
            assert client.get(API + path).status_code == 200


#: The token, its person and the page (shorter than the limit: no COUNT).
QUERIES_LIST = 3
