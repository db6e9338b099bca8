"""Review's answers to people's personal-data export and account deletion
(receivers of ``people.signals.person_data_export`` and ``person_erase``)."""

from __future__ import annotations

from django.db.models import Q
from django.dispatch import receiver
from django.utils.translation import gettext as _

from kakehashi.people.privacy import (
    DELETED,
    KEPT,
    Erase,
    data_section,
    erase_plan,
    export_record,
    field_labels,
)
from kakehashi.people.signals import person_data_export, person_erase
from kakehashi.review.models import (
    Assignment,
    Bid,
    Conflict,
    DiscussionComment,
    Review,
    ReviewerProfile,
)


def _title(proposal) -> str:
    return proposal.title


@receiver(person_data_export, dispatch_uid="review.privacy")
def review_data_export(*, sender, person, **kwargs) -> dict:
    """Five queries whatever the person holds: profile, its fields, bids, reviews and
    discussion comments."""
    profile = (
        ReviewerProfile.objects.filter(user=person)
        .values("expertise", "languages", "max_load", "min_load", "organisation__name")
        .first()
    )
    fields = list(
        ReviewerProfile.fields.through.objects.filter(reviewerprofile__user=person)
        .order_by("researchfield__code")
        .values_list("researchfield__code", flat=True)
    )
    bids = Bid.objects.filter(reviewer=person).select_related(
        "proposal__project", "proposal__application__project"
    )
    reviews = Review.objects.filter(assignment__reviewer=person).select_related(
        "assignment__proposal__project", "assignment__proposal__application__project"
    )
    comments = DiscussionComment.objects.filter(author=person).select_related(
        "proposal__project", "proposal__application__project"
    )
    profile_keys = ["expertise", "languages", "max_load", "min_load", "organisation", "fields"]
    review_keys = ["scores", "comment_authors", "comment_committee", "language", "submitted_at"]
    profile_records = []
    if profile is not None:
        profile_records.append(
            {
                "expertise": profile["expertise"],
                "languages": profile["languages"],
                "max_load": profile["max_load"],
                "min_load": profile["min_load"],
                "organisation": profile["organisation__name"] or "",
                "fields": fields,
            }
        )
    return {
        "reviewer_profile": data_section(
            title=_("Reviewer profile"),
            explanation=_("What you told us about your expertise as a reviewer."),
            labels=field_labels(ReviewerProfile, profile_keys),
            records=profile_records,
        ),
        "review_bids": data_section(
            title=_("Bids on proposals"),
            explanation=_("Your bid on each proposal you bid on."),
            labels=field_labels(Bid, ["proposal", "level"], proposal=_("Proposal")),
            records=[
                export_record(b, ["proposal", "level"], proposal=_title(b.proposal)) for b in bids
            ],
        ),
        "reviews": data_section(
            title=_("Reviews you wrote"),
            explanation=_("Your scores and comments, submitted or draft."),
            labels=field_labels(Review, ["proposal", *review_keys], proposal=_("Proposal")),
            records=[
                export_record(r, ["proposal", *review_keys], proposal=_title(r.assignment.proposal))
                for r in reviews
            ],
        ),
        "review_comments": data_section(
            title=_("Comments in review discussions"),
            explanation=_("What you wrote to the other reviewers of a proposal."),
            labels=field_labels(
                DiscussionComment, ["proposal", "text", "created_at"], proposal=_("Proposal")
            ),
            records=[
                export_record(c, ["proposal", "text", "created_at"], proposal=_title(c.proposal))
                for c in comments
            ],
        ),
    }


@receiver(person_erase, dispatch_uid="review.privacy")
def review_erase(*, sender, person, placeholder, dry_run, **kwargs) -> list[dict]:
    """Profile, bids, conflicts and unsubmitted assignments (with their drafts) go;
    submitted reviews stay, on the anonymised account, as the record of decisions."""
    profile = ReviewerProfile.objects.filter(user=person)
    bids = Bid.objects.filter(reviewer=person)
    conflicts = Conflict.objects.filter(reviewer=person)
    open_assignments = Assignment.objects.filter(reviewer=person).filter(
        Q(review__isnull=True) | Q(review__submitted_at__isnull=True)
    )
    submitted = Review.objects.filter(assignment__reviewer=person, submitted_at__isnull=False)
    comments = DiscussionComment.objects.filter(author=person)
    return erase_plan(
        Erase(
            what=_("Reviewer profile"),
            rows=profile,
            action=DELETED,
            why=_("It serves only to assign you proposals."),
        ),
        Erase(
            what=_("Bids and conflicts of interest"),
            rows=(bids, conflicts),
            action=DELETED,
            why=_("They serve only to assign you proposals."),
        ),
        Erase(
            what=_("Review assignments not submitted, with their drafts"),
            rows=open_assignments,
            action=DELETED,
            why=_("You will not review them."),
        ),
        Erase(
            what=_("Submitted reviews"),
            rows=submitted,
            action=KEPT,
            why=_("Decisions were made on them; they name only the anonymised account."),
        ),
        Erase(
            what=_("Comments in review discussions"),
            rows=comments,
            action=KEPT,
            why=_(
                "They are part of the record of decisions; they name only the anonymised account."
            ),
        ),
        dry_run=dry_run,
    )
