from django.contrib import admin

from kakehashi.core.admin import TabularInline
from kakehashi.reports.models import Report, ReportForm, ReportQuestion


class QuestionInline(TabularInline):
    model = ReportQuestion


@admin.register(ReportForm)
class ReportFormAdmin(admin.ModelAdmin):
    """Officers edit a program's forms and questions here (docs/reports.md)."""

    list_display = ("program", "kind", "respondent", "due_days", "due_anchor", "active")
    list_filter = ("program", "kind", "respondent", "active")
    inlines = [QuestionInline]


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    """Answers are the respondents' own: shown, never edited here."""

    list_display = ("form", "internship", "respondent", "language", "submitted_at")
    list_filter = ("form__kind", "language")
    raw_id_fields = ("internship", "respondent")

    def has_change_permission(self, request, obj=None):
        return False
