"""The session store (core.sessions): Django's database sessions, read with plain SQL.
It must read exactly what Django's store reads: a live session's data, nothing for an
expired or unknown one."""

import datetime as dt

import pytest
from django.contrib.sessions.backends.db import SessionStore as DjangoSessionStore
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from kakehashi.core.sessions import SessionStore
from tests.kakehashi.api_helpers import session_client

pytestmark = pytest.mark.django_db


def test_a_session_reads_what_djangos_store_wrote():
    written = DjangoSessionStore()
    written["answer"] = 42
    written.save()

    read = SessionStore(written.session_key)

    assert read["answer"] == 42
    assert read.session_key == written.session_key


def test_an_expired_session_reads_as_empty_and_loses_its_key():
    written = SessionStore()
    written["answer"] = 42
    written.save()
    Session.objects.filter(session_key=written.session_key).update(
        expire_date=timezone.now() - dt.timedelta(seconds=1)
    )

    read = SessionStore(written.session_key)

    assert read.load() == {}
    assert read.session_key is None


def test_an_unknown_session_reads_as_empty():
    read = SessionStore("x" * 32)

    assert read.load() == {}
    assert read.session_key is None


def test_a_signed_in_page_follows_its_session(candidate_user):
    client = session_client(candidate_user)
    mine = reverse("applications:mine")
    assert client.get(mine).status_code == 200

    Session.objects.update(expire_date=timezone.now() - dt.timedelta(seconds=1))

    assert client.get(mine)["Location"].startswith(reverse("login"))
