from django.contrib import admin

from kakehashi.internships.models import Internship


@admin.register(Internship)
class InternshipAdmin(admin.ModelAdmin):
    list_display = ("id", "intern", "host", "start_date", "end_date", "status")
    list_filter = ("status", "direction", "program")
    raw_id_fields = ("offer", "intern", "project", "home_supervisor")
    autocomplete_fields = ()
