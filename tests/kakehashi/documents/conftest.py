import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests import factories


def pdf_bytes(text: str = "Hello", pad: int = 0) -> bytes:
    """A tiny valid PDF (one empty page), padded to grow it."""
    body = (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
        b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]>>endobj\n"
        + f"% {text}\n".encode()
        + b"%" * pad
        + b"\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    )
    return body


def pdf_upload(name: str = "cv.pdf", **kwargs) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_bytes(**kwargs), content_type="application/pdf")


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    # Each test's files in its own directory, never the checkout's var/.
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.UPLOAD_MAX_BYTES = 10_000
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    return settings.MEDIA_ROOT


@pytest.fixture
def world(call):
    """A candidate applied to `project` (supervised by `supervisor`); an unrelated
    supervisor and candidate; an officer."""
    candidate = factories.candidate(user__username="cand")
    supervisor = factories.UserFactory(username="sup")
    project = factories.ProjectFactory(call=call, supervisor=supervisor)
    factories.ApplicationFactory(candidate=candidate, project=project)
    other_supervisor = factories.UserFactory(username="sup-other")
    factories.ProjectFactory(call=call, supervisor=other_supervisor)
    return {
        "call": call,
        "project": project,
        "candidate": candidate,
        "other_candidate": factories.candidate(user__username="cand-other"),
        "supervisor": supervisor,
        "other_supervisor": other_supervisor,
        "officer": factories.OfficerFactory(username="off"),
    }
