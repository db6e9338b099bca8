"""The filters of the audit page: scope (``app.model`` and id), verb, actor."""

from __future__ import annotations

from django.db.models import Q

from kakehashi.core.filters import Filters


class AuditFilters(Filters):
    #: ``app_label.model`` of the scope (``programs.call``), or ``none``.
    scope_type: str = ""
    scope_id: int | None = None
    #: A verb (``project.edited``) or the start of one (``project.``).
    verb: str = ""
    #: The actor's username.
    actor: str = ""

    def filter_scope_type(self, value: str) -> Q:
        if value == "none":
            return Q(scope_type__isnull=True)
        app_label, _dot, model = value.partition(".")
        return Q(scope_type__app_label=app_label, scope_type__model=model)

    def filter_verb(self, value: str) -> Q:
        return Q(verb__startswith=value) if value.endswith(".") else Q(verb=value)

    def filter_actor(self, value: str) -> Q:
        return Q(actor__username=value)
