from django.contrib import admin

from kakehashi.jobs.models import Job


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = [
        "pk",
        "kind",
        "status",
        "attempts",
        "progress_done",
        "progress_total",
        "created_at",
        "heartbeat_at",
    ]
    list_filter = ["kind", "status"]
    readonly_fields = ["result", "error", "params", "attempts", "heartbeat_at"]
