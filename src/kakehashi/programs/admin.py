from django.contrib import admin

from kakehashi.programs.models import Call, CallPhase, Program


@admin.register(Program)
class ProgramAdmin(admin.ModelAdmin):
    list_display = ["slug", "name_en"]


class PhaseInline(admin.TabularInline):
    model = CallPhase
    extra = 0


@admin.register(Call)
class CallAdmin(admin.ModelAdmin):
    list_display = ["slug", "name_en", "program", "status", "ranking_limit", "timezone"]
    inlines = [PhaseInline]
