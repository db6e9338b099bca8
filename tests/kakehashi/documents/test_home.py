"""The candidate's home says which documents are missing and how many reference letters
each call applied to still waits for, with a query count that does not grow."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kakehashi.documents.models import Document, LetterRequirement
from tests import factories

pytestmark = pytest.mark.django_db


def _home(client, user) -> str:
    client.force_login(user)
    response = client.get("/home/")
    assert response.status_code == 200
    return response.content.decode()


def _card(html: str) -> str:
    return html.split("My documents and reference letters", 1)[1].split("</section>", 1)[0]


def test_a_candidate_without_documents_is_told_to_upload_them(client, world):
    html = _home(client, world["candidate"])
    card = _card(html)
    assert "CV: <strong>missing</strong>" in card
    assert "Transcripts: <strong>missing</strong>" in card
    assert "Upload your CV. Upload your transcripts." in html
    assert 'href="/documents/"' in card


def test_uploaded_documents_are_no_longer_asked_for(client, world):
    Document.objects.create(
        owner=world["candidate"],
        kind="cv",
        filename="cv.pdf",
        size=10,
        sha256="0" * 64,
        uploaded_at=timezone.now(),
    )
    html = _home(client, world["candidate"])
    assert "CV: uploaded" in _card(html)
    assert "Upload your CV." not in html
    assert "Upload your transcripts." in html


def test_missing_letters_are_counted_with_their_deadline(client, world):
    deadline = dt.datetime(2027, 2, 1, 8, 0, tzinfo=dt.UTC)
    LetterRequirement.objects.create(call=world["call"], letters_required=2, deadline=deadline)
    world["candidate"].timezone = "Asia/Tokyo"
    world["candidate"].save()

    html = _home(client, world["candidate"])

    call = world["call"]
    assert f"{call}: 0 of 2 reference letters received (due by Feb. 1, 2027, 5 p.m.)" in _card(html)
    assert (
        f"2 reference letters are still missing for {call}; they are due by Feb. 1, 2027, 5 p.m."
        in html
    )


def test_other_roles_have_no_documents_card(client, world):
    assert "My documents and reference letters" not in _home(client, world["supervisor"])
    assert "My documents and reference letters" not in _home(client, world["officer"])


def test_query_count_does_not_grow(client, world, django_assert_num_queries):
    candidate = world["candidate"]
    client.force_login(candidate)
    LetterRequirement.objects.create(
        call=world["call"], letters_required=1, deadline=timezone.now() + dt.timedelta(days=9)
    )
    with CaptureQueriesContext(connection) as ctx:
        client.get("/home/")
    for _ in range(2):
        other = factories.CallFactory()
        factories.ApplicationFactory(
            candidate=candidate, project=factories.ProjectFactory(call=other)
        )
        LetterRequirement.objects.create(
            call=other, letters_required=1, deadline=timezone.now() + dt.timedelta(days=9)
        )
    with django_assert_num_queries(len(ctx.captured_queries)):
        html = client.get("/home/").content.decode()
    assert _card(html).count("reference letters received") == 3
