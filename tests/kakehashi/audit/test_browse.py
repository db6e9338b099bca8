"""The officers' audit page: the whole record, newest first, filtered by scope, action
and actor; and entries with no scope."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kakehashi.audit.models import AuditEntry
from kakehashi.audit.services import audit_changes, audit_record
from tests import factories


@pytest.fixture
def world(db):
    call = factories.CallFactory(slug="summer")
    officer = factories.OfficerFactory(username="off")
    person = factories.UserFactory(username="someone")
    AuditEntry.objects.all().delete()  # the factories' own entries (a project's creation)
    audit_record(scope=call, verb="call.updated", actor=officer, target="summer")
    audit_record(scope=person, verb="person.updated", actor=person, target="someone")
    audit_record(scope=None, verb="auth.sign_in_failed", target="nobody")
    return call, officer, person


def _rows(html: str) -> int:
    return html.count('<td class="mono"><a href="?verb=')


@pytest.mark.parametrize(
    ("role", "status"), [("officer", 200), ("candidate", 404), ("anonymous", 302)]
)
def test_audit_page_is_for_officers(client, world, role, status):
    if role == "officer":
        client.force_login(world[1])
    elif role == "candidate":
        client.force_login(factories.candidate())
    assert client.get("/audit/").status_code == status


@pytest.mark.parametrize(
    ("query", "verbs"),
    [
        ("", ["auth.sign_in_failed", "person.updated", "call.updated"]),
        ("?verb=call.updated", ["call.updated"]),
        ("?verb=person.", ["person.updated"]),
        ("?actor=someone", ["person.updated"]),
        ("?scope_type=programs.call", ["call.updated"]),
        ("?scope_type=none", ["auth.sign_in_failed"]),
        ("?scope_type=people.user&scope_id=999999", []),
    ],
)
def test_audit_page_filters(client, world, query, verbs):
    client.force_login(world[1])
    html = client.get("/audit/" + query).content.decode()
    shown = [
        v for v in ["auth.sign_in_failed", "person.updated", "call.updated"] if f">{v}</a>" in html
    ]
    assert sorted(shown) == sorted(verbs)
    if verbs:
        # newest first
        positions = [html.index(f">{v}</a>") for v in verbs]
        assert positions == sorted(positions)


def test_audit_page_queries_do_not_grow(client, world):
    _call, officer, person = world
    client.force_login(officer)
    AuditEntry.objects.exclude(verb="call.updated").delete()
    with CaptureQueriesContext(connection) as one:
        html = client.get("/audit/").content.decode()
    assert _rows(html) == 1
    for _ in range(2):
        audit_record(scope=person, verb="person.updated", actor=person)

    with CaptureQueriesContext(connection) as three:
        html = client.get("/audit/").content.decode()

    assert _rows(html) == 3
    assert len(three.captured_queries) == len(one.captured_queries)


def test_an_entry_without_scope_and_the_changes_helper(db):
    entry = audit_record(scope=None, verb="import.people", data={"created": 1})
    assert (entry.scope_type, entry.scope_id, entry.actor, entry.data) == (
        None,
        None,
        None,
        {"created": 1},
    )
    assert audit_changes({"a": 1, "b": 2}, {"a": 1, "b": 3, "c": 4}) == {
        "before": {"b": 2, "c": None},
        "after": {"b": 3, "c": 4},
    }
