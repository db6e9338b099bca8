"""What a review's decision holds back: a reviewed project is posted, and a reviewed
application's internship agreement approved (so funding commits), only once the review
has decided to approve it (docs/review.md, "What a decision does")."""

from __future__ import annotations

from django.dispatch import receiver
from django.utils.translation import gettext as _

from kakehashi.internships.signals import agreement_blockers
from kakehashi.projects.signals import project_approval_blockers
from kakehashi.review.enums import Decision, RoundStatus
from kakehashi.review.models import Proposal


def _reasons(proposal: Proposal | None, messages: dict[str, str]) -> list[str]:
    """Why `proposal`'s subject must wait: none once approved, or when its round closed
    without a decision (the review was abandoned)."""
    if proposal is None or proposal.decision == Decision.APPROVE:
        return []
    if proposal.decision:
        return [messages[proposal.decision]]
    if proposal.round.status == RoundStatus.CLOSED:
        return []
    return [messages["pending"]]


@receiver(project_approval_blockers, dispatch_uid="review.gates")
def project_review_blockers(sender, *, project, **kwargs) -> list[str]:
    """Receiver of ``projects.signals.project_approval_blockers``: the latest review of
    `project` must have approved it."""
    proposal = (
        Proposal.objects.filter(project=project).select_related("round").order_by("-round_id")
    ).first()
    return _reasons(
        proposal,
        {
            "pending": _("This project is under review: it is posted once the review approves it."),
            Decision.REVISE: _("The review asked for a revision of this project."),
            Decision.REJECT: _("The review rejected this project."),
        },
    )


@receiver(agreement_blockers, dispatch_uid="review.gates")
def agreement_review_blockers(sender, *, internship, amendment=None, **kwargs) -> list[str]:
    """Receiver of ``internships.signals.agreement_blockers``: the latest review of the
    intern's application to the project must have approved it (amendments are not
    reviewed)."""
    if amendment is not None:
        return []
    proposal = (
        Proposal.objects.filter(
            application__candidate_id=internship.intern_id,
            application__project_id=internship.project_id,
        )
        .select_related("round")
        .order_by("-round_id")
    ).first()
    return _reasons(
        proposal,
        {
            "pending": _(
                "The intern's application is under review: the agreement is approved once "
                "the review approves it."
            ),
            Decision.REVISE: _("The review asked for a revision of the intern's application."),
            Decision.REJECT: _("The review rejected the intern's application."),
        },
    )
