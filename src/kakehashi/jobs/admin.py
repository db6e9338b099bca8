from django.contrib import admin

from kakehashi.jobs.models import Job


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ["pk", "kind", "status", "progress_done", "progress_total", "created_at"]
    list_filter = ["kind", "status"]
    readonly_fields = ["result", "error", "params"]
