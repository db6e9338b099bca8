from django.contrib import admin

from kakehashi.projects.models import Project, ProjectSupervisor


class SupervisorInline(admin.TabularInline):
    model = ProjectSupervisor
    extra = 0
    raw_id_fields = ["person"]


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ["key", "title", "host", "language", "status", "capacity"]
    list_filter = ["status", "language", "working_language"]
    search_fields = ["key", "title", "description"]
    raw_id_fields = ["host", "call"]
    filter_horizontal = ["fields"]
    inlines = [SupervisorInline]
