from django.contrib import admin

from kakehashi.matching.models import AuditEvent, MatchRun, Offer


@admin.register(MatchRun)
class MatchRunAdmin(admin.ModelAdmin):
    list_display = ("id", "call", "round", "label", "mode", "status", "published_at")
    list_filter = ("status", "round")
    readonly_fields = ("snapshot", "result", "summary", "input_hash", "engine_version")


@admin.register(Offer)
class OfferAdmin(admin.ModelAdmin):
    list_display = ("id", "candidate", "project", "status", "deadline")
    list_filter = ("status",)
    raw_id_fields = ("candidate", "project", "run")


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ("at", "call", "verb", "target", "actor")
    list_filter = ("verb",)
