from django.contrib import admin

from kakehashi.notifications.models import NotificationLog


@admin.register(NotificationLog)
class NotificationLogAdmin(admin.ModelAdmin):
    list_display = ["sent_at", "kind", "key", "user"]
    list_filter = ["kind"]
    search_fields = ["key", "user__username", "user__email"]
    raw_id_fields = ["user"]
