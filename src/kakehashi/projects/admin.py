from django.contrib import admin

from kakehashi.core.admin import TabularInline
from kakehashi.projects.models import Project, ProjectSupervisor, SupervisionInvitation


class SupervisorInline(TabularInline):
    model = ProjectSupervisor
    raw_id_fields = ["person"]


class InvitationInline(TabularInline):
    """People named supervisors by someone else, until they accept or decline."""

    model = SupervisionInvitation
    raw_id_fields = ["person", "invited_by"]


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ["key", "title", "host", "language", "status", "capacity"]
    list_filter = ["status", "language", "working_language"]
    search_fields = ["key", "title", "description"]
    raw_id_fields = ["host", "call"]
    filter_horizontal = ["fields"]
    inlines = [SupervisorInline, InvitationInline]
