"""Pages of documents and letters, per role; the referee's page without an account."""

import datetime as dt

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kakehashi.applications.enums import ApplicationStatus
from kakehashi.applications.models import Application
from kakehashi.documents.models import Document, LetterRequirement, Referee
from kakehashi.documents.services import document_upload, letter_upload, referee_add
from tests.kakehashi.documents.conftest import pdf_bytes, pdf_upload

pytestmark = pytest.mark.django_db


def _client(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _token(message) -> str:
    line = next(line for line in message.body.splitlines() if "/letters/" in line)
    return line.strip().rstrip("/").rsplit("/", 1)[1]


@pytest.fixture
def filed(world, django_capture_on_commit_callbacks):
    """The candidate's CV and a referee whose letter arrived."""
    document = document_upload(owner=world["candidate"], kind="cv", upload=pdf_upload())
    with django_capture_on_commit_callbacks(execute=True):
        referee = referee_add(
            candidate=world["candidate"], name="R", email="r@x.org", language="en"
        )
    letter_upload(token=_token(mail.outbox[-1]), upload=pdf_upload(text="letter"))
    referee.refresh_from_db()
    return {**world, "document": document, "referee": referee}


ROLES_DOCUMENT = [
    ("candidate", 200),
    ("other_candidate", 404),
    ("supervisor", 200),
    ("other_supervisor", 404),
    ("officer", 200),
]
ROLES_LETTER = [
    ("candidate", 404),  # never one's own letters
    ("other_candidate", 404),
    ("supervisor", 200),
    ("other_supervisor", 404),
    ("officer", 200),
]


@pytest.mark.parametrize(("role", "status"), ROLES_DOCUMENT)
def test_document_file_per_role(filed, role, status):
    response = _client(filed[role]).get(reverse("documents:file", args=[filed["document"].pk]))
    assert response.status_code == status
    if status == 200:
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith("attachment;")
        assert response["X-Content-Type-Options"] == "nosniff"
        assert b"".join(response.streaming_content) == pdf_bytes()


@pytest.mark.parametrize(("role", "status"), ROLES_LETTER)
def test_letter_file_per_role(filed, role, status):
    url = reverse("documents:letter_file", args=[filed["referee"].pk])
    response = _client(filed[role]).get(url)
    assert response.status_code == status
    if status == 200:
        assert b"".join(response.streaming_content) == pdf_bytes(text="letter")


@pytest.mark.parametrize(("role", "status"), ROLES_LETTER)
def test_candidate_documents_page_per_role(filed, role, status):
    url = reverse("documents:candidate", args=[filed["candidate"].pk])
    response = _client(filed[role]).get(url)
    assert response.status_code == status
    if status == 200:
        assert reverse("documents:letter_file", args=[filed["referee"].pk]) in response.text


def test_anonymous_is_sent_to_sign_in(filed):
    for url in (
        reverse("documents:mine"),
        reverse("documents:file", args=[filed["document"].pk]),
        reverse("documents:letter_file", args=[filed["referee"].pk]),
    ):
        response = _client().get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_a_withdrawn_application_hides_the_files_from_its_supervisor(filed):
    Application.objects.update(status=ApplicationStatus.WITHDRAWN)
    client = _client(filed["supervisor"])
    assert client.get(reverse("documents:file", args=[filed["document"].pk])).status_code == 404
    url = reverse("documents:letter_file", args=[filed["referee"].pk])
    assert client.get(url).status_code == 404


def test_no_url_serves_media_root(filed):
    name = filed["document"].file.name
    assert _client(filed["officer"]).get(f"/media/{name}").status_code == 404
    assert _client(filed["officer"]).get(f"/static/{name}").status_code == 404


def test_candidate_page_shows_letter_status_never_the_letter(filed):
    LetterRequirement.objects.create(
        call=filed["call"], letters_required=2, deadline=timezone.now() + dt.timedelta(days=3)
    )
    response = _client(filed["candidate"]).get(reverse("documents:mine"))
    assert response.status_code == 200
    assert "Received on" in response.text
    assert "1 letter missing." in response.text
    assert reverse("documents:letter_file", args=[filed["referee"].pk]) not in response.text


def test_upload_refusals_have_a_clear_message(world):
    client = _client(world["candidate"])
    url = reverse("documents:upload")
    response = client.post(url, {"kind": "cv", "file": _named("cv.pdf", b"GIF89a not a pdf")})
    assert response.status_code == 400
    assert "The file is not a PDF document." in response.text
    big = pdf_bytes(pad=20_000)
    response = client.post(url, {"kind": "cv", "file": _named("cv.pdf", big)})
    assert response.status_code == 400
    assert "The file is too large" in response.text
    assert Document.objects.count() == 0
    # Not a candidate: refused before anything is read.
    response = _client(world["supervisor"]).post(url, {"kind": "cv", "file": pdf_upload()})
    assert response.status_code == 404
    assert Document.objects.count() == 0


def _named(name, content):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def test_upload_delete_and_referee_pages(world, django_capture_on_commit_callbacks):
    client = _client(world["candidate"])
    response = client.post(reverse("documents:upload"), {"kind": "cv", "file": pdf_upload()})
    assert response.status_code == 302
    document = Document.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("documents:referee_add"),
            {"name": "Prof. Yamada", "email": "y@example.jp", "language": "ja"},
        )
    assert response.status_code == 302
    assert mail.outbox[-1].extra_headers["Content-Language"] == "ja"
    referee = Referee.objects.get()
    # Someone else's document or referee: 404, nothing changes.
    other = _client(world["other_candidate"])
    assert other.post(reverse("documents:delete", args=[document.pk])).status_code == 404
    url = reverse("documents:referee_remove", args=[referee.pk])
    assert other.post(url).status_code == 404
    assert Document.objects.count() == 1 and Referee.objects.count() == 1
    assert client.post(reverse("documents:delete", args=[document.pk])).status_code == 302
    assert client.post(url).status_code == 302
    assert Document.objects.count() == 0 and Referee.objects.count() == 0


def test_referee_link_valid_expired_reused_unknown(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        referee = referee_add(
            candidate=world["candidate"], name="R", email="r@x.org", language="en"
        )
    token = _token(mail.outbox[-1])
    url = reverse("documents:letter_upload", args=[token])
    anonymous = Client()
    assert anonymous.get(reverse("documents:letter_upload", args=["nope"])).status_code == 404
    response = anonymous.get(url)
    assert response.status_code == 200
    assert world["candidate"].display_name in response.text
    response = anonymous.post(url, {"file": _named("l.pdf", b"not a pdf")})
    assert response.status_code == 400
    assert "The file is not a PDF document." in response.text
    response = anonymous.post(url, {"file": pdf_upload()})
    assert response.status_code == 200
    assert "has been received" in response.text
    # Reused: the link no longer leads anywhere.
    assert anonymous.get(url).status_code == 404
    assert anonymous.post(url, {"file": pdf_upload()}).status_code == 404

    # Expired.
    with django_capture_on_commit_callbacks(execute=True):
        late = referee_add(candidate=world["candidate"], name="L", email="l@x.org", language="en")
    token = _token(mail.outbox[-1])
    Referee.objects.filter(pk=late.pk).update(token_expires_at=timezone.now())
    url = reverse("documents:letter_upload", args=[token])
    response = anonymous.get(url)
    assert response.status_code == 410
    assert "This link has expired." in response.text
    assert anonymous.post(url, {"file": pdf_upload()}).status_code == 410
    assert not Referee.objects.get(pk=late.pk).received
    assert Referee.objects.get(pk=referee.pk).received


@pytest.mark.parametrize("rows", [1, 3])
def test_my_documents_page_query_count(world, rows, django_assert_num_queries):
    candidate = world["candidate"]
    for i in range(rows):
        Referee.objects.create(
            candidate=candidate, name=f"R{i}", email=f"r{i}@x.org", invited_at=timezone.now()
        )
    for kind in ["cv", "transcript"][: min(rows, 2)]:
        document_upload(owner=candidate, kind=kind, upload=pdf_upload())
    client = _client(candidate)
    client.get(reverse("documents:mine"))  # warm the session
    with django_assert_num_queries(QUERIES_MINE):
        assert client.get(reverse("documents:mine")).status_code == 200


#: Session, user, roles, documents, referees, letters due (two), messages.
QUERIES_MINE = 8


def test_application_page_links_supervisors_to_the_documents(filed):
    application = Application.objects.get(candidate=filed["candidate"])
    url = reverse("applications:detail", args=[application.pk])
    target = reverse("documents:candidate", args=[filed["candidate"].pk])
    assert target in _client(filed["supervisor"]).get(url).text
    assert target in _client(filed["officer"]).get(url).text
    assert target not in _client(filed["candidate"]).get(url).text


@pytest.mark.parametrize("rows", [1, 3])
def test_candidate_documents_page_query_count(world, rows, django_assert_num_queries):
    candidate = world["candidate"]
    for i in range(rows):
        Referee.objects.create(
            candidate=candidate,
            name=f"R{i}",
            email=f"r{i}@x.org",
            invited_at=timezone.now(),
            letter_received_at=timezone.now() if i % 2 else None,
        )
    for kind in ["cv", "transcript"][: min(rows, 2)]:
        document_upload(owner=candidate, kind=kind, upload=pdf_upload())
    client = _client(world["supervisor"])
    url = reverse("documents:candidate", args=[candidate.pk])
    client.get(url)  # warm the session
    with django_assert_num_queries(QUERIES_CANDIDATE):
        assert client.get(url).status_code == 200


#: Session, user, roles, the person, the permission, documents, referees, messages.
QUERIES_CANDIDATE = 8
