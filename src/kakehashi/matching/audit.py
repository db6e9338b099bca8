"""The audit record of a call: every consequential action, appended, never edited."""

from __future__ import annotations

from kakehashi.matching.models import AuditEvent


def audit_record(*, call, verb: str, actor=None, target: str = "", data: dict | None = None):
    """Append one event. `verb` is a stable machine word (``run.published``, ``offer.declined``)."""
    return AuditEvent.objects.create(
        call=call,
        verb=verb,
        actor=actor if actor is not None and actor.is_authenticated else None,
        target=str(target)[:200],
        data=data or {},
    )
