"""Review's card on a reviewer's home (receiver of ``programs.signals.home_cards``):
rounds taking bids and the proposals assigned to them. Two queries."""

from __future__ import annotations

from django.dispatch import receiver
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kakehashi.programs.home import HomeCard, HomeContext, home_cards_for_roles
from kakehashi.programs.signals import home_cards
from kakehashi.review.enums import RoundStatus
from kakehashi.review.models import ReviewRound
from kakehashi.review.selectors import assignments_for_reviewer

#: At most this many assignments on the card; it links to the reviewing page.
CARD_ROWS = 10


def _reviewer_card(home: HomeContext) -> HomeCard:
    bidding = list(
        ReviewRound.objects.filter(status=RoundStatus.BIDDING)
        .select_related("call")
        .order_by("-created_at")[:CARD_ROWS]
    )
    assignments = list(assignments_for_reviewer(user=home.user)[:CARD_ROWS])
    to_write = [
        a for a in assignments if getattr(a, "review", None) is None or not a.review.submitted
    ]
    steps = []
    if bidding:
        steps.append(_("Bid on the proposals you would like to review."))
    if to_write:
        steps.append(
            _("%(count)d proposals are waiting for your review.") % {"count": len(to_write)}
        )
    return HomeCard(
        role="reviewer",
        order=10,
        title=gettext_lazy("Review assignments"),
        template="review/home/reviewer.html",
        context={"bidding": bidding, "assignments": assignments},
        next_step=" ".join(steps),
    )


@receiver(home_cards, dispatch_uid="review.home")
def home_cards_review(*, sender, home: HomeContext, **kwargs) -> list[HomeCard]:
    return home_cards_for_roles(home, {"reviewer": _reviewer_card})
