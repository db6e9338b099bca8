"""Writing the audit record: one function every app calls."""

from __future__ import annotations

import hashlib

from django.contrib.contenttypes.models import ContentType
from django.db import models

from kakehashi.audit.models import AuditEntry


def audit_record(
    *,
    scope: models.Model | None,
    verb: str,
    actor=None,
    target: str = "",
    data: dict | None = None,
) -> AuditEntry:
    """Append one entry to `scope`'s record (inside the caller's transaction, so a
    refused action leaves no entry). `scope` None: an entry about no object (a failed
    sign-in under a name nobody has). Nothing updates or deletes an entry."""
    return AuditEntry.objects.create(
        scope_type=(
            ContentType.objects.get_for_model(scope, for_concrete_model=False)
            if scope is not None
            else None
        ),
        scope_id=scope.pk if scope is not None else None,
        verb=verb,
        actor=actor if actor is not None and actor.is_authenticated else None,
        target=str(target)[:200],
        data=data or {},
    )


def audit_changes(before: dict, after: dict) -> dict:
    """``{"before": {...}, "after": {...}}`` of the keys whose value differs (the data
    of an edit's entry); empty dicts when nothing changed."""
    changed = [k for k in after if before.get(k) != after[k]]
    return {
        "before": {k: before.get(k) for k in changed},
        "after": {k: after[k] for k in changed},
    }


def audit_import(*, noun: str, actor, data: bytes | str, format: str, result) -> AuditEntry:
    """Record a successful import of `noun` (``import.people`` …): who, which file (its
    size and SHA-256, so the very file can be recognised later) and the counts of
    `result` (a ``core.imports.ImportResult``). A rejected file changes nothing and
    leaves no entry."""
    raw = data.encode() if isinstance(data, str) else data
    return audit_record(
        scope=None,
        verb=f"import.{noun}",
        actor=actor,
        target=f"{noun} import",
        data={
            "format": format,
            "bytes": len(raw),
            "sha256": hashlib.sha256(raw).hexdigest(),
            "created": result.created,
            "updated": result.updated,
            "skipped": result.skipped,
            "keys": result.keys[:1000],
        },
    )


#: The verbs of the Django admin's three kinds of log entry.
ADMIN_VERBS = {1: "admin.added", 2: "admin.changed", 3: "admin.deleted"}


def admin_log_audit(entries) -> None:
    """Audit the Django admin's log entries (`entries`: ``LogEntry`` rows just written):
    every addition, change and deletion made in the admin, scoped to the object itself
    (kept by type and id even once it is deleted), with the admin's message naming the
    changed fields."""
    for entry in entries:
        object_id = str(entry.object_id or "")
        AuditEntry.objects.create(
            scope_type_id=entry.content_type_id if object_id.isdigit() else None,
            scope_id=int(object_id) if object_id.isdigit() else None,
            verb=ADMIN_VERBS.get(entry.action_flag, "admin.logged"),
            actor_id=entry.user_id,
            target=str(entry.object_repr)[:200],
            data={"object_id": object_id, "change": entry.change_message},
        )


def admin_log_actions_audited(log_actions):
    """`LogEntryManager.log_actions` (the one way the admin logs, one object or a
    bulk deletion, which sends no post_save) that also audits what it logs."""

    def wrapped(self, *args, **kwargs):
        logged = log_actions(self, *args, **kwargs)
        admin_log_audit(logged if isinstance(logged, list) else [logged])
        return logged

    wrapped.audited = True
    return wrapped
