from django.contrib import admin

from kakehashi.research_fields.models import ResearchField


@admin.register(ResearchField)
class ResearchFieldAdmin(admin.ModelAdmin):
    list_display = ["code", "level", "title_en", "title_fr", "title_ja"]
    list_filter = ["level"]
    search_fields = ["code", "title_en", "title_fr", "title_ja"]
