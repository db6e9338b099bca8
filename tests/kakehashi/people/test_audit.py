"""Who changed a profile, made or revoked a token, signed in or failed to, imported a
file or changed something in the admin: each is in the audit record, never a secret."""

import json

import pytest
from django.contrib import admin
from django.urls import reverse

from kakehashi.audit.models import AuditEntry
from kakehashi.organisations.models import Organisation
from kakehashi.people.models import ApiToken, User
from tests import factories
from tests.kakehashi.api_helpers import API, body, session_client, token_client
from tests.kakehashi.people.test_imports import HEADER, row
from tests.kakehashi.people.test_views import _form


@pytest.fixture
def world(db):
    return factories.page_world()


def _entries(verb_prefix: str) -> list[tuple]:
    return list(
        AuditEntry.objects.filter(verb__startswith=verb_prefix)
        .order_by("id")
        .values_list("verb", "scope_type__model", "scope_id", "actor__username", "data")
    )


def test_profile_edit_keeps_before_and_after_of_changed_fields_only(client, world):
    client.force_login(world.candidate)

    client.post("/profile/edit/", _form(orcid="https://orcid.org/0000-0002-1825-0097"))

    [(verb, scope, scope_id, actor, data)] = _entries("person.")
    assert (verb, scope, scope_id, actor) == ("person.updated", "user", world.candidate.pk, "cand")
    assert data["after"] == {
        "orcid": "0000-0002-1825-0097",
        "timezone": "Asia/Tokyo",
        "languages": [["ja", "N2"]],
        "candidate.research_interests": "Robot learning.",
        "candidate.skills": ["python", "ROS"],
    }
    assert set(data["before"]) == set(data["after"])
    assert data["before"]["orcid"] is None


def test_token_creation_and_revocation_are_audited_without_the_key(world):
    # Tokens are made over the session (or HTTP Basic), never with another token.
    client = session_client(world.supervisor)

    created = body(
        client.post(f"{API}/me/tokens", {"name": "laptop"}, content_type="application/json")
    )
    token = ApiToken.objects.get(name="laptop")
    client.delete(f"{API}/me/tokens/{token.pk}")

    entries = [e for e in _entries("token.") if e[4].get("name") == "laptop"]
    assert [(v, s, i, a) for v, s, i, a, _d in entries] == [
        ("token.created", "user", world.supervisor.pk, "sup"),
        ("token.revoked", "user", world.supervisor.pk, "sup"),
    ]
    assert entries[1][4] == {"token": token.pk, "name": "laptop", "prefix": token.prefix}
    assert created.get("key", "kh_") not in json.dumps([e[4] for e in entries])


def test_sign_in_failed_sign_in_and_sign_out_are_audited_without_passwords(client, world):
    client.post(reverse("login"), {"username": "cand", "password": "not-this-one"})
    client.post(reverse("login"), {"username": "nobody", "password": "not-this-one"})
    client.post(reverse("login"), {"username": "cand", "password": factories.PASSWORD})
    client.post(reverse("logout"))

    entries = _entries("auth.")
    assert [(v, s, i, a) for v, s, i, a, _d in entries] == [
        ("auth.sign_in_failed", "user", world.candidate.pk, None),
        ("auth.sign_in_failed", None, None, None),
        ("auth.signed_in", "user", world.candidate.pk, "cand"),
        ("auth.signed_out", "user", world.candidate.pk, "cand"),
    ]
    assert entries[0][4] == {"username": "cand", "ip": "127.0.0.1"}
    assert entries[1][4] == {"username": "nobody", "ip": "127.0.0.1"}
    assert "not-this-one" not in json.dumps([e[4] for e in entries])
    assert factories.PASSWORD not in json.dumps([e[4] for e in entries])


def test_lockout_is_audited(client, world):
    for _ in range(5):
        client.post(reverse("login"), {"username": "cand", "password": "wrong"})

    assert [v for v, *_rest in _entries("auth.")] == [
        *["auth.sign_in_failed"] * 4,
        "auth.locked_out",
        "auth.sign_in_failed",
    ]


def test_import_records_who_which_file_and_the_counts(world):
    data = HEADER + row(username="tanaka", family_name="Tanaka", given_name="Yui")

    response = token_client(world.officer).post(
        f"{API}/people/import", data, content_type="text/csv"
    )

    assert response.status_code == 200
    [(verb, scope, scope_id, actor, details)] = _entries("import.")
    assert (verb, scope, scope_id, actor) == ("import.people", None, None, "off")
    assert details == {
        "format": "csv",
        "bytes": len(data.encode()),
        "sha256": __import__("hashlib").sha256(data.encode()).hexdigest(),
        "created": 1,
        "updated": 0,
        "skipped": 0,
        "keys": ["tanaka"],
    }


def test_rejected_import_leaves_no_entry(world):
    data = HEADER + row(username="tanaka", orcid="not-an-orcid")
    response = token_client(world.officer).post(
        f"{API}/people/import", data, content_type="text/csv"
    )
    assert response.status_code == 422
    assert _entries("import.") == []


def test_admin_changes_are_audited_and_the_record_stays_read_only(rf, client, world):
    admin_user = factories.UserFactory(username="root", is_staff=True, is_superuser=True)
    request = rf.post("/admin/")
    request.user = admin_user
    organisations = admin.site._registry[Organisation]
    people = admin.site._registry[User]

    organisations.log_change(request, world.host, [{"changed": {"fields": ["Name"]}}])
    # Two objects: the admin logs them with bulk_create, which sends no signal.
    people.log_deletions(
        request, User.objects.filter(pk__in=[world.officer.pk, world.supervisor.pk])
    )

    assert sorted(_entries("admin."), key=lambda e: (e[0], e[2])) == [
        (
            "admin.changed",
            "organisation",
            world.host.pk,
            "root",
            {"object_id": str(world.host.pk), "change": '[{"changed": {"fields": ["Name"]}}]'},
        ),
        *[
            (
                "admin.deleted",
                "user",
                person.pk,
                "root",
                {"object_id": str(person.pk), "change": ""},
            )
            for person in sorted([world.supervisor, world.officer], key=lambda p: p.pk)
        ],
    ]
    client.force_login(admin_user)
    entry = AuditEntry.objects.first()
    assert client.get(f"/admin/audit/auditentry/{entry.pk}/delete/").status_code == 403
    assert client.post(f"/admin/audit/auditentry/{entry.pk}/change/", {}).status_code == 403
    assert client.get("/admin/audit/auditentry/add/").status_code == 403


def test_import_that_changes_a_person_audits_the_change_as_the_importer(world):
    data = HEADER + row(
        username="cand", email="cand@example.org", family_name="Martin-Roy", given_name="Alex"
    )

    token_client(world.officer).post(f"{API}/people/import", data, content_type="text/csv")

    [(verb, scope, scope_id, actor, details)] = _entries("person.")
    assert (verb, scope, scope_id, actor) == ("person.updated", "user", world.candidate.pk, "off")
    assert details == {"before": {"family_name": "Martin"}, "after": {"family_name": "Martin-Roy"}}
