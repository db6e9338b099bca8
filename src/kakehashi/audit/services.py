"""Writing the audit record: one function every app calls."""

from __future__ import annotations

from django.db import models

from kakehashi.audit.models import AuditEntry


def audit_record(
    *,
    scope: models.Model,
    verb: str,
    actor=None,
    target: str = "",
    data: dict | None = None,
) -> AuditEntry:
    """Append one entry to `scope`'s record (inside the caller's transaction, so a
    refused action leaves no entry)."""
    return AuditEntry.objects.create(
        scope=scope,
        verb=verb,
        actor=actor if actor is not None and actor.is_authenticated else None,
        target=str(target)[:200],
        data=data or {},
    )
