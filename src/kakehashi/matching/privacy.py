"""Matching's answers to people's personal-data export and account deletion
(receivers of ``people.signals.person_data_export`` and ``person_erase``)."""

from __future__ import annotations

from django.dispatch import receiver
from django.utils.translation import gettext as _

from kakehashi.matching.models import HomePriority, MatchRun
from kakehashi.matching.selectors import candidate_id
from kakehashi.people.privacy import (
    DELETED,
    KEPT,
    data_section,
    erase_item,
    export_record,
    field_labels,
)
from kakehashi.people.signals import person_data_export, person_erase


def _published_with(person) -> list[tuple[MatchRun, str | None]]:
    """Published runs that place or leave unplaced `person`, with their project key
    (None: not placed), in two queries."""
    me = candidate_id(person.pk)
    runs = (
        MatchRun.objects.filter(published_at__isnull=False)
        .select_related("call")
        .only("pk", "round", "published_at", "result", "call__slug")
        .order_by("published_at", "pk")
    )
    return [
        (run, (run.result or {}).get("assignments", {}).get(me))
        for run in runs
        if me in (run.result or {}).get("assignments", {})
    ]


def _orders_with(person) -> list[tuple[HomePriority, int]]:
    """Homes' orders (balanced exchange) that list `person`, with their position (1 =
    first). One query: the lists are short and per call."""
    rows = HomePriority.objects.select_related("call", "organisation").order_by("pk")
    return [
        (row, row.candidates.index(person.pk) + 1) for row in rows if person.pk in row.candidates
    ]


@receiver(person_data_export, dispatch_uid="matching.privacy")
def matching_data_export(*, sender, person, **kwargs) -> dict:
    orders = _orders_with(person)
    found = _published_with(person)
    keys = ["run", "call", "round", "published_at", "project"]
    order_keys = ["call", "country", "organisation", "position"]
    return {
        "placements": data_section(
            title=_("Placements in published matches"),
            explanation=_(
                "Where each published match placed you. The match holds you by your "
                "person number only."
            ),
            labels=field_labels(MatchRun, keys, project=_("project key (empty: not placed)")),
            records=[
                export_record(run, keys, run=run.pk, call=run.call.slug, project=key)
                for run, key in found
            ],
        ),
        "home_priorities": data_section(
            title=_("Places in your home's order"),
            explanation=_(
                "In a balanced exchange, your home (your country or your institution) "
                "may put its candidates in an order; where it put you."
            ),
            labels=field_labels(HomePriority, order_keys, position=_("position (1 = first)")),
            records=[
                export_record(
                    row,
                    order_keys,
                    call=row.call.slug,
                    organisation=row.organisation.display_name if row.organisation else "",
                    position=position,
                )
                for row, position in orders
            ],
        ),
    }


@receiver(person_erase, dispatch_uid="matching.privacy")
def matching_erase(*, sender, person, placeholder, dry_run, **kwargs) -> list[dict]:
    orders = _orders_with(person)
    if not dry_run:
        for row, _position in orders:
            row.candidates = [pk for pk in row.candidates if pk != person.pk]
            row.save(update_fields=["candidates", "updated_at"])
    return [
        erase_item(
            what=_("Places in homes' orders"),
            count=len(orders),
            action=DELETED,
            why=_("An order of a home's candidates needs nobody who has left."),
        ),
        erase_item(
            what=_("Placements in published matches"),
            count=len(_published_with(person)),
            action=KEPT,
            why=_(
                "A published match is the program's record and never changes; it holds "
                "your person number only, which now names the anonymised account."
            ),
        ),
    ]
