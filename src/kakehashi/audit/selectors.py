from django.db import models
from django.db.models import QuerySet

from kakehashi.audit.models import AuditEntry


def audit_list(*, scope: models.Model) -> QuerySet[AuditEntry]:
    """`scope`'s record in the order it was written, with each actor."""
    return AuditEntry.objects.for_scope(scope).select_related("actor").order_by("at", "id")
