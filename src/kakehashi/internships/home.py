"""Internships' cards on a person's home (receiver of ``programs.signals.home_cards``):
one's internships with their agreement's state, and, for officers, counts by status.
Two queries a card, whatever the number of internships."""

from __future__ import annotations

from django.db.models import Count, Q
from django.dispatch import receiver
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kakehashi.internships.enums import AgreementStatus, InternshipStatus
from kakehashi.internships.models import Approval, Internship
from kakehashi.internships.selectors import internship_list_for
from kakehashi.programs.home import HomeCard, HomeContext, home_cards_for_roles
from kakehashi.programs.signals import home_cards

#: At most this many internships on a card; the card links to the full list.
CARD_ROWS = 10


def _own_card(role: str):
    def build(home: HomeContext) -> HomeCard:
        internships = list(internship_list_for(home.user)[:CARD_ROWS])
        drafts = [
            i
            for i in internships
            if getattr(i, "agreement", None) and i.agreement.status == AgreementStatus.DRAFT
        ]
        approved = set(
            Approval.objects.filter(
                person_id=home.user.pk,
                amendment__isnull=True,
                agreement__in=[i.agreement for i in drafts],
            ).values_list("agreement_id", "version")
        )
        waiting = [i for i in drafts if (i.agreement.pk, i.agreement.version) not in approved]
        return HomeCard(
            role=role,
            order=45,
            title=gettext_lazy("My internships"),
            template="internships/home/mine.html",
            context={"internships": internships, "waiting": {i.pk for i in waiting}},
            next_step=(
                _("Review and approve the agreement of your internship.") if waiting else ""
            ),
        )

    return build


def _officer_card(home: HomeContext) -> HomeCard:
    counts = Internship.objects.aggregate(
        planned=Count("pk", filter=Q(status=InternshipStatus.PLANNED)),
        active=Count("pk", filter=Q(status=InternshipStatus.ACTIVE)),
        drafts=Count("pk", filter=Q(agreement__status=AgreementStatus.DRAFT)),
    )
    return HomeCard(
        role="officer",
        order=45,
        title=gettext_lazy("Internships"),
        template="internships/home/officer.html",
        context={"counts": counts},
        next_step=(_("Agreements await approval: review them.") if counts["drafts"] else ""),
    )


@receiver(home_cards, dispatch_uid="internships.home")
def home_cards_internships(*, sender, home: HomeContext, **kwargs) -> list[HomeCard]:
    return home_cards_for_roles(
        home,
        {
            "candidate": _own_card("candidate"),
            "supervisor": _own_card("supervisor"),
            "officer": _officer_card,
        },
    )
