"""Reads of outcomes."""

from __future__ import annotations

from collections import Counter

from django.db.models import QuerySet

from kakehashi.core.imports import write_csv
from kakehashi.internships.models import Internship
from kakehashi.outcomes.filters import OutcomeFilters
from kakehashi.outcomes.models import Outcome


def outcome_internship(pk: int) -> Internship:
    """The internship whose outcomes a page or endpoint shows or records (with what its
    permission checks read); ``Internship.DoesNotExist`` answers 404."""
    return Internship.objects.select_related("project__call", "intern", "host").get(pk=pk)


def outcome_get(pk: int) -> Outcome:
    """One outcome, with the internship its permission checks read."""
    return Outcome.objects.select_related("internship__project__call").get(pk=pk)


def outcome_list(*, internship=None, filters: OutcomeFilters | None = None) -> QuerySet[Outcome]:
    """Outcomes, newest first, of an internship or passing ``filters`` (kind, program,
    cohort, direction, research field); two queries whatever their number."""
    qs = Outcome.objects.select_related(
        "internship__intern", "internship__program", "internship__project__call",
        "internship__host", "internship__home_organisation",
    ).prefetch_related("organisations")  # fmt: skip
    if internship is not None:
        qs = qs.filter(internship=internship)
    if filters is not None:
        qs = filters.filter(qs)
    return qs


def outcome_counts(outcomes) -> dict:
    """Per year and kind, for the officers' charts and table: every year from the first
    outcome to the last (a year without any is a row of zeros, not a gap)."""
    counts = Counter((o.date.year, o.kind) for o in outcomes)
    found = {y for y, _ in counts}
    years = list(range(min(found), max(found) + 1)) if found else []
    return {"years": years, "counts": counts}


OUTCOME_COLUMNS = [
    "id", "internship", "program", "call", "direction", "kind", "date", "title", "doi",
    "patent_office", "patent_number", "organisations",
]  # fmt: skip


def outcomes_csv(outcomes) -> str:
    """The officers' CSV of ``outcomes``, through the one CSV writer every export uses (a
    title that a spreadsheet would run as a formula is written as text)."""
    return write_csv(
        (
            {
                "id": o.pk,
                "internship": o.internship.pk,
                "program": o.internship.program.slug,
                "call": o.internship.project.call.slug,
                "direction": o.internship.direction,
                "kind": o.kind,
                "date": o.date.isoformat(),
                "title": o.title,
                "doi": o.doi,
                "patent_office": o.patent_office,
                "patent_number": o.patent_number,
                "organisations": "; ".join(org.name for org in o.organisations.all()),
            }
            for o in outcomes
        ),
        OUTCOME_COLUMNS,
    )
