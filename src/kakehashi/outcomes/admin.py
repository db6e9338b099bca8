from django.contrib import admin

from kakehashi.outcomes.models import Outcome


@admin.register(Outcome)
class OutcomeAdmin(admin.ModelAdmin):
    list_display = ("date", "kind", "title", "internship")
    list_filter = ("kind",)
    raw_id_fields = ("internship", "organisations", "recorded_by")
    search_fields = ("title", "doi")
