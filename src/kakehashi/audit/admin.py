from django.contrib import admin

from kakehashi.audit.models import AuditEntry
from kakehashi.core.admin import ReadOnlyAdmin


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    """Read-only: the record is append-only, in the admin as everywhere."""

    list_display = ("at", "scope_type", "scope_id", "verb", "target", "actor")
    list_filter = ("verb", "scope_type")
