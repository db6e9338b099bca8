from django.contrib import admin

from kakehashi.documents.models import LetterRequirement


@admin.register(LetterRequirement)
class LetterRequirementAdmin(admin.ModelAdmin):
    """Officers set how many reference letters a call asks for, and by when. Documents
    and letters themselves are not in the admin: they are read through the pages that
    check permission."""

    list_display = ["call", "letters_required", "deadline"]
