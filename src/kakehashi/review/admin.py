from django.contrib import admin

from kakehashi.review.models import (
    Assignment,
    AssignmentRun,
    Bid,
    Conflict,
    Proposal,
    Review,
    ReviewerProfile,
    ReviewForm,
    ReviewRound,
)


@admin.register(ReviewForm)
class ReviewFormAdmin(admin.ModelAdmin):
    list_display = ("name", "program", "review_date")


@admin.register(ReviewerProfile)
class ReviewerProfileAdmin(admin.ModelAdmin):
    list_display = ("user", "organisation", "max_load", "min_load")
    raw_id_fields = ("user",)


@admin.register(ReviewRound)
class ReviewRoundAdmin(admin.ModelAdmin):
    list_display = ("call", "kind", "status", "reviewers_per_proposal")


@admin.register(Conflict)
class ConflictAdmin(admin.ModelAdmin):
    list_display = ("proposal", "reviewer", "reason", "declared")
    list_filter = ("reason",)


@admin.register(Proposal, Bid, Assignment, Review)
class ReadOnlyAdmin(admin.ModelAdmin):
    """Proposals, bids, assignments and reviews change through the review pages only
    (each change is audited there)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(AssignmentRun)
class AssignmentRunAdmin(ReadOnlyAdmin):
    list_display = ("round", "mode", "seed", "applied", "created_at")
