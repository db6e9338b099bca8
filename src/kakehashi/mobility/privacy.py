"""Mobility's answers to people's personal-data export and account deletion
(receivers of ``people.signals.person_data_export`` and ``person_erase``)."""

from __future__ import annotations

from django.dispatch import receiver
from django.utils.translation import gettext as _

from kakehashi.mobility.models import EmergencyContact, MobilityPlan, StepDocument
from kakehashi.people.privacy import (
    ANONYMISED,
    DELETED,
    Erase,
    data_section,
    erase_plan,
    export_record,
    field_labels,
)
from kakehashi.people.signals import person_data_export, person_erase


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
    coverage_keys = ["kind", "insurer", "policy_number", "start", "end"]
    contact_keys = ["name", "relation", "phone", "email"]
    return {
        "mobility": data_section(
            title=_("Visa, permits, insurance and travel"),
            explanation=_(
                "Each internship's mobility plan: the facts its route was derived from, "
                "your travel, insurance and emergency contacts."
            ),
            labels=field_labels(
                MobilityPlan,
                [*keys, "coverages", "contacts"],
                coverages=_("insurance"),
                contacts=_("emergency contacts"),
            ),
            records=[
                export_record(
                    p,
                    [*keys, "coverages", "contacts"],
                    internship=p.internship_id,
                    nationality=p.nationality.code or "",
                    coverages=[
                        export_record(c, coverage_keys, start=c.start_date, end=c.end_date)
                        for c in p.coverages.all()
                    ],
                    contacts=[export_record(c, contact_keys) for c in p.contacts.all()],
                )
                for p in plans
            ],
        )
    }


@receiver(person_erase, dispatch_uid="mobility.privacy")
def mobility_erase(*, sender, person, placeholder, dry_run, **kwargs) -> list[dict]:
    contacts = EmergencyContact.objects.filter(plan__internship__intern=person)
    plans = MobilityPlan.objects.filter(internship__intern=person)
    uploads = StepDocument.objects.filter(uploaded_by=person)
    return erase_plan(
        Erase(
            what=_("Emergency contacts of your internships"),
            rows=contacts,
            action=DELETED,
            why=_("They are people you named for your stay only."),
        ),
        Erase(
            what=_("Travel notes of your internships"),
            rows=plans.exclude(travel_notes=""),
            action=DELETED,
            why=_("They serve only your stay."),
            effect=lambda: plans.update(travel_notes=""),
        ),
        Erase(
            what=_("Documents you uploaded against mobility steps"),
            rows=uploads,
            action=ANONYMISED,
            why=_(
                "They are the internship's records (a permit, a certificate); who "
                "uploaded them is forgotten."
            ),
            effect=lambda: uploads.update(uploaded_by=None),
        ),
        dry_run=dry_run,
    )
