from django.contrib import admin

from kakehashi.offers.enums import OfferStatus
from kakehashi.offers.models import Offer


@admin.register(Offer)
class OfferAdmin(admin.ModelAdmin):
    """An answered offer is settled: the admin shows it and changes nothing (answers
    are audited by the services, which the admin does not call)."""

    list_display = ("id", "candidate", "project", "status", "deadline")
    list_filter = ("status",)
    raw_id_fields = ("candidate", "project", "run")

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.status != OfferStatus.PENDING:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.status != OfferStatus.PENDING:
            return False
        return super().has_delete_permission(request, obj)
