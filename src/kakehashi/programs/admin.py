from django.contrib import admin

from kakehashi.core.admin import TabularInline
from kakehashi.programs.models import Call, CallPhase, Program


@admin.register(Program)
class ProgramAdmin(admin.ModelAdmin):
    list_display = ["slug", "name_en"]


class PhaseInline(TabularInline):
    model = CallPhase


@admin.register(Call)
class CallAdmin(admin.ModelAdmin):
    list_display = ["slug", "name_en", "program", "status", "ranking_limit", "timezone"]
    inlines = [PhaseInline]
