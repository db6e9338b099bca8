"""Funding's answers to people's personal-data export and account deletion
(receivers of ``people.signals.person_data_export`` and ``person_erase``)."""

from __future__ import annotations

from django.dispatch import receiver
from django.utils.translation import gettext as _

from kakehashi.funding.models import Payment
from kakehashi.funding.money import plain
from kakehashi.people.privacy import KEPT, erase_item, model_section
from kakehashi.people.signals import person_data_export, person_erase

KEYS = ["internship", "funder", "label", "due_on", "amount", "currency", "status"]


@receiver(person_data_export, dispatch_uid="funding.privacy")
def funding_data_export(*, sender, person, **kwargs) -> dict:
    payments = (
        Payment.objects.filter(internship__intern=person)
        .select_related("funder")
        .order_by("due_on", "pk")
    )
    return {
        "payments": model_section(
            title=_("Payments"),
            explanation=_("The payments of your internships' funding, scheduled and made."),
            model=Payment,
            keys=KEYS,
            rows=payments,
            labels={"funder": _("funder")},
            values=lambda p: {
                "internship": p.internship_id,
                "funder": p.funder.code,
                "amount": plain(p.amount, p.currency),
            },
        )
    }


@receiver(person_erase, dispatch_uid="funding.privacy")
def funding_erase(*, sender, person, placeholder, dry_run, **kwargs) -> list[dict]:
    count = Payment.objects.filter(internship__intern=person).count()
    if not count:
        return []
    return [
        erase_item(
            what=_("Payments"),
            count=count,
            action=KEPT,
            why=_(
                "Payments and the ledger are financial records the funders must keep; they "
                "name the internship, not you, and stay with the anonymised account."
            ),
        )
    ]
