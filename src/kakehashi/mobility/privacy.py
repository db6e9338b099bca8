"""Mobility's answers to people's personal-data export and account deletion
(``people.signals.person_data_export`` and ``person_erase``, connected in ``ready()``)."""

from __future__ import annotations

from django.dispatch import receiver
from django.utils.translation import gettext as _

from kakehashi.mobility.models import EmergencyContact, MobilityPlan, StepDocument
from kakehashi.people.privacy import ANONYMISED, DELETED, data_section, erase_item, field_labels
from kakehashi.people.signals import person_data_export, person_erase


def _iso(value) -> str | None:
    return value.isoformat() if value else None


@receiver(person_data_export, dispatch_uid="mobility.privacy")
def mobility_data_export(*, sender, person, **kwargs) -> dict:
    plans = (
        MobilityPlan.objects.filter(internship__intern=person)
        .prefetch_related("contacts", "coverages")
        .order_by("pk")
    )
    keys = [
        "internship",
        "nationality",
        "region",
        "days",
        "paid",
        "route_key",
        "arrival_at",
        "departure_at",
        "travel_notes",
        "checked_in_at",
    ]
    return {
        "mobility": data_section(
            title=_("Visa, permits, insurance and travel"),
            explanation=_(
                "Each internship's mobility plan: the facts its route was derived from, "
                "your travel, insurance and emergency contacts."
            ),
            labels=field_labels(
                MobilityPlan, keys, coverages=_("insurance"), contacts=_("emergency contacts")
            ),
            records=[
                {
                    "internship": p.internship_id,
                    "nationality": p.nationality.code or "",
                    "region": p.region,
                    "days": p.days,
                    "paid": p.paid,
                    "route_key": p.route_key,
                    "arrival_at": _iso(p.arrival_at),
                    "departure_at": _iso(p.departure_at),
                    "travel_notes": p.travel_notes,
                    "checked_in_at": _iso(p.checked_in_at),
                    "coverages": [
                        {
                            "kind": c.kind,
                            "insurer": c.insurer,
                            "policy_number": c.policy_number,
                            "start": _iso(c.start_date),
                            "end": _iso(c.end_date),
                        }
                        for c in p.coverages.all()
                    ],
                    "contacts": [
                        {"name": c.name, "relation": c.relation, "phone": c.phone, "email": c.email}
                        for c in p.contacts.all()
                    ],
                }
                for p in plans
            ],
        )
    }


@receiver(person_erase, dispatch_uid="mobility.privacy")
def mobility_erase(*, sender, person, placeholder, dry_run, **kwargs) -> list[dict]:
    contacts = EmergencyContact.objects.filter(plan__internship__intern=person)
    plans = MobilityPlan.objects.filter(internship__intern=person)
    uploads = StepDocument.objects.filter(uploaded_by=person)
    items = [
        erase_item(
            what=_("Emergency contacts of your internships"),
            count=contacts.count(),
            action=DELETED,
            why=_("They are people you named for your stay only."),
        ),
        erase_item(
            what=_("Travel notes of your internships"),
            count=plans.exclude(travel_notes="").count(),
            action=DELETED,
            why=_("They serve only your stay."),
        ),
        erase_item(
            what=_("Documents you uploaded against mobility steps"),
            count=uploads.count(),
            action=ANONYMISED,
            why=_(
                "They are the internship's records (a permit, a certificate); who "
                "uploaded them is forgotten."
            ),
        ),
    ]
    if not dry_run:
        contacts.delete()
        plans.update(travel_notes="")
        uploads.update(uploaded_by=None)
    return items
