from django.contrib import admin

from kakehashi.organisations.models import Organisation


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "ror_id", "type", "country", "region", "city"]
    list_filter = ["type", "country"]
    search_fields = ["name", "name_en", "name_fr", "name_ja", "ror_id"]
    raw_id_fields = ["parent"]
