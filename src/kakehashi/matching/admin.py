from django.contrib import admin

from kakehashi.matching.models import MatchRun


@admin.register(MatchRun)
class MatchRunAdmin(admin.ModelAdmin):
    """A published run is the public record: the admin shows it and changes nothing
    (its audit trail is written by the services, which the admin does not call)."""

    list_display = ("id", "call", "round", "label", "mode", "status", "published_at")
    list_filter = ("status", "round")
    readonly_fields = ("snapshot", "result", "summary", "input_hash", "engine_version")

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_published:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_published:
            return False
        return super().has_delete_permission(request, obj)
