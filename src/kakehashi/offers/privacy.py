"""Offers' answers to people's personal-data export and account deletion
(receivers of ``people.signals.person_data_export`` and ``person_erase``)."""

from __future__ import annotations

import logging

from django.core.exceptions import ValidationError
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext as _

from kakehashi.offers.enums import OfferStatus
from kakehashi.offers.models import Offer
from kakehashi.offers.services import offer_decline
from kakehashi.people.privacy import KEPT, erase_item, model_section
from kakehashi.people.signals import person_data_export, person_erase

logger = logging.getLogger(__name__)


@receiver(person_data_export, dispatch_uid="offers.privacy")
def offers_data_export(*, sender, person, **kwargs) -> dict:
    offers = (
        Offer.objects.filter(candidate=person)
        .select_related("run__call", "project")
        .defer("run__result", "run__snapshot", "run__summary", "run__policy")
        .order_by("deadline", "pk")
    )
    keys = ["id", "call", "round", "run", "project", "project_title", "status"]
    keys += ["deadline", "responded_at"]
    return {
        "offers": model_section(
            title=_("Offers"),
            explanation=_("The places the published matches offered you, and your answers."),
            model=Offer,
            keys=keys,
            rows=offers,
            labels={"round": _("round")},
            values=lambda o: {
                "call": o.run.call.slug,
                "round": o.run.round,
                "run": o.run_id,
                "project": o.project.key,
                "project_title": o.project.title,
            },
        )
    }


@receiver(person_erase, dispatch_uid="offers.privacy")
def offers_erase(*, sender, person, placeholder, dry_run, **kwargs) -> list[dict]:
    offers = Offer.objects.filter(candidate=person)
    now = timezone.now()
    pending = offers.filter(status=OfferStatus.PENDING, deadline__gt=now)
    items = [
        erase_item(
            what=_("Offers"),
            count=offers.count(),
            action=KEPT,
            why=_(
                "Offers are part of a published match; they stay, with the anonymised "
                "account. An offer still waiting for your answer is declined, so that "
                "its place goes to the second round."
            ),
        )
    ]
    if not dry_run:
        for offer in pending:
            try:
                offer_decline(offer=offer, candidate=person, now=now)
            except ValidationError:  # answered or lapsed meanwhile: nothing to decline
                logger.info("offer %s was no longer pending at deletion", offer.pk)
    return items
