from django.contrib import admin

from kakehashi.audit.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: the record is append-only, in the admin as everywhere."""

    list_display = ("at", "scope_type", "scope_id", "verb", "target", "actor")
    list_filter = ("verb", "scope_type")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
