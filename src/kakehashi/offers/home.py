"""Offers' cards on a person's home (receiver of ``programs.signals.home_cards``): a
candidate's result and offers, a supervisor's interns, an officer's offers awaiting an
answer. A fixed number of queries each."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Min, Q
from django.dispatch import receiver
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kakehashi.matching.models import MatchRun
from kakehashi.offers.enums import OfferStatus
from kakehashi.offers.models import Offer
from kakehashi.offers.selectors import offer_as_seen, offer_list_for_candidate
from kakehashi.programs.home import HomeCard, HomeContext, home_cards_for_roles
from kakehashi.programs.signals import home_cards

#: At most this many offers on a card; the card links to the full list.
CARD_ROWS = 10


def _first_deadline(offers) -> dt.datetime | None:
    """When the first of `offers` (pending, as seen now) lapses: the card changes then."""
    return min((o.deadline for o in offers if o.status == OfferStatus.PENDING), default=None)


def _candidate_card(home: HomeContext) -> HomeCard:
    offers = [
        offer_as_seen(o, now=home.now)
        for o in offer_list_for_candidate(candidate=home.user).order_by("-run__round", "deadline")[
            :CARD_ROWS
        ]
    ]
    pending = [o for o in offers if o.status == OfferStatus.PENDING]
    published = bool(offers) or (
        MatchRun.objects.filter(
            published_at__isnull=False,
            call__applications__candidate_id=home.user.pk,
        ).exists()
    )
    steps = [
        _("Answer your offer for “%(project)s” by %(deadline)s.")
        % {
            "project": o.project.title,
            "deadline": date_format(localtime(o.deadline), "DATETIME_FORMAT"),
        }
        for o in pending
    ]
    return HomeCard(
        role="candidate",
        order=30,
        title=gettext_lazy("My result"),
        template="offers/home/candidate.html",
        context={"offers": offers, "published": published},
        next_step=" ".join(steps),
        valid_until=_first_deadline(pending),
    )


def _supervisor_card(home: HomeContext) -> HomeCard:
    offers = [
        offer_as_seen(o, now=home.now)
        for o in Offer.objects.filter(
            project__supervisions__person_id=home.user.pk,
            run__published_at__isnull=False,
            status__in=[OfferStatus.PENDING, OfferStatus.ACCEPTED],
        )
        .select_related("candidate", "project")
        .distinct()
        .order_by("project__key", "candidate__family_name", "pk")[:CARD_ROWS]
    ]
    return HomeCard(
        role="supervisor",
        order=40,
        title=gettext_lazy("My interns"),
        template="offers/home/supervisor.html",
        context={"offers": [o for o in offers if o.status != OfferStatus.LAPSED]},
        valid_until=_first_deadline(offers),
    )


def _officer_card(home: HomeContext) -> HomeCard:
    counts = {
        row["run__call_id"]: row
        for row in Offer.objects.filter(run__call__in=home.calls, run__published_at__isnull=False)
        .values("run__call_id")
        .annotate(
            pending=Count("pk", filter=Q(status=OfferStatus.PENDING, deadline__gt=home.now)),
            accepted=Count("pk", filter=Q(status=OfferStatus.ACCEPTED)),
            freed=Count("pk", filter=~Q(status__in=[OfferStatus.PENDING, OfferStatus.ACCEPTED])),
            # When the first pending offer lapses: its count changes then.
            lapses=Min("deadline", filter=Q(status=OfferStatus.PENDING, deadline__gt=home.now)),
        )
    }
    rows = [{"call": call, **counts[call.pk]} for call in home.calls if call.pk in counts]
    freed = [row["call"] for row in rows if row["freed"]]
    lapses = [row["lapses"] for row in rows if row["lapses"] is not None]
    return HomeCard(
        role="officer",
        order=40,
        title=gettext_lazy("Offers"),
        template="offers/home/officer.html",
        context={"rows": rows},
        next_step=(_("Places were declined or lapsed: consider a second round.") if freed else ""),
        valid_until=min(lapses, default=None),
    )


@receiver(home_cards, dispatch_uid="offers.home")
def home_cards_offers(*, sender, home: HomeContext, **kwargs) -> list[HomeCard]:
    return home_cards_for_roles(
        home,
        {
            "candidate": _candidate_card,
            "supervisor": _supervisor_card,
            "officer": _officer_card,
        },
    )
