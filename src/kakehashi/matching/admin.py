from django.contrib import admin

from kakehashi.matching.models import MatchRun


@admin.register(MatchRun)
class MatchRunAdmin(admin.ModelAdmin):
    list_display = ("id", "call", "round", "label", "mode", "status", "published_at")
    list_filter = ("status", "round")
    readonly_fields = ("snapshot", "result", "summary", "input_hash", "engine_version")
