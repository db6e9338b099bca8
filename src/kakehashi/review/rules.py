"""Permission predicates of proposal review (docs/review.md, "Who sees what")."""

import rules

from kakehashi.core.roles import is_officer
from kakehashi.review.enums import RoundStatus
from kakehashi.review.models import Review


@rules.predicate
def is_reviewer(user) -> bool:
    return bool(getattr(user, "pk", None)) and bool(getattr(user, "is_reviewer", False))


@rules.predicate
def is_assigned(user, proposal) -> bool:
    """`user` reviews `proposal`, and the assignment is released."""
    return (
        proposal is not None
        and proposal.round.status != RoundStatus.BIDDING
        and proposal.assignments.filter(reviewer_id=user.pk).exists()
    )


@rules.predicate
def has_submitted_review(user, proposal) -> bool:
    """`user` reviews `proposal` (released) and has submitted their review of it."""
    return (
        proposal is not None
        and proposal.round.status != RoundStatus.BIDDING
        and Review.objects.filter(
            assignment__proposal=proposal,
            assignment__reviewer_id=user.pk,
            submitted_at__isnull=False,
        ).exists()
    )


@rules.predicate
def discussion_open(user, proposal) -> bool:
    """`user` reviews `proposal` (released), and every reviewer of it has submitted:
    reviewers discuss once all have written their own judgement."""
    return (
        is_assigned(user, proposal)
        and not proposal.assignments.exclude(review__submitted_at__isnull=False).exists()
    )


@rules.predicate
def owns_assignment(user, assignment) -> bool:
    return (
        assignment is not None
        and assignment.reviewer_id == user.pk
        and assignment.proposal.round.status != RoundStatus.BIDDING
    )


@rules.predicate
def is_author_of_decided(user, proposal) -> bool:
    """A supervisor of the proposal's project, or its candidate, once it is decided."""
    if proposal is None or not proposal.decision:
        return False
    project = proposal.subject_project
    if proposal.application_id and proposal.application.candidate_id == user.pk:
        return True
    return project.supervisions.filter(person_id=user.pk).exists()


#: Rounds: officers and reviewers see them.
rules.add_perm("review.view_round", is_officer | is_reviewer)
#: Running review (open, detect conflicts, run, adjust, release, decide): officers.
rules.add_perm("review.manage_review", is_officer)
#: One's own reviewer profile, bids and declared conflicts (object: the proposal).
rules.add_perm("review.change_reviewer_profile", is_reviewer)
rules.add_perm("review.bid", is_reviewer)
#: One's released assignments.
rules.add_perm("review.view_own_assignments", is_reviewer)
#: A proposal's text and reviews (object: the proposal): officers, its reviewers.
rules.add_perm("review.view_proposal", is_officer | is_assigned)
#: A proposal's discussion thread, to read and to post on (object: the proposal):
#: officers, and its reviewers once all of them have submitted; never its authors.
rules.add_perm("review.discuss", is_officer | discussion_open)
#: Writing a review (object: the assignment): its reviewer only.
rules.add_perm("review.write_review", owns_assignment)
#: The decision and the anonymised reviews (object: the proposal): its authors.
rules.add_perm("review.view_decision", is_author_of_decided | is_officer)
#: The list of one's decided proposals: anyone signed in (it holds only their own).
rules.add_perm("review.view_own_decisions", rules.is_authenticated)
