from django.contrib import admin

from kakehashi.network.models import NetworkSnapshot, RecordedActivity


@admin.register(RecordedActivity)
class RecordedActivityAdmin(admin.ModelAdmin):
    list_display = ("year", "kind", "description", "source", "invented")
    list_filter = ("kind", "invented", "year")
    raw_id_fields = ("organisations", "route_from", "route_to")
    search_fields = ("description", "source")


@admin.register(NetworkSnapshot)
class NetworkSnapshotAdmin(admin.ModelAdmin):
    """Snapshots are the engine's output: shown, never edited."""

    list_display = ("created_at", "engine_version", "organisations_count", "ties_count")
    exclude = ("result", "names")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
