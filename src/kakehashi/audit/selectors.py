from django.db import models
from django.db.models import QuerySet

from kakehashi.audit.filters import AuditFilters
from kakehashi.audit.models import AuditEntry


def audit_list(*, scope: models.Model) -> QuerySet[AuditEntry]:
    """`scope`'s record in the order it was written, with each actor."""
    return AuditEntry.objects.for_scope(scope).select_related("actor").order_by("at", "id")


def audit_search(*, filters: AuditFilters) -> QuerySet[AuditEntry]:
    """The whole record filtered, newest first, with each actor and scope type."""
    qs = AuditEntry.objects.select_related("actor", "scope_type").order_by("-at", "-id")
    return filters.filter(qs)
