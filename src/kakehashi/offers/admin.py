from django.contrib import admin

from kakehashi.offers.models import Offer


@admin.register(Offer)
class OfferAdmin(admin.ModelAdmin):
    list_display = ("id", "candidate", "project", "status", "deadline")
    list_filter = ("status",)
    raw_id_fields = ("candidate", "project", "run")
