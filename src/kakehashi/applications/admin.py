from django.contrib import admin

from kakehashi.applications.models import Application, HostRank, RankListVersion
from kakehashi.core.admin import ReadOnlyAdmin


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    list_display = ["candidate", "project", "call", "status", "rank", "submitted_at"]
    list_filter = ["status", "call"]
    raw_id_fields = ["candidate", "project", "call"]


@admin.register(HostRank)
class HostRankAdmin(admin.ModelAdmin):
    list_display = ["supervisor", "call", "rank", "candidate"]
    raw_id_fields = ["supervisor", "candidate", "call"]


@admin.register(RankListVersion)
class RankListVersionAdmin(ReadOnlyAdmin):
    """Read-only: a kept version is evidence of what the candidate submitted."""

    list_display = ["candidate", "call", "number", "saved_at", "reason"]
    list_filter = ["call"]
    raw_id_fields = ["candidate", "call", "actor"]
