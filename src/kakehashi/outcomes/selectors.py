"""Reads of outcomes."""

from __future__ import annotations

import csv
import io
from collections import Counter

from django.db.models import QuerySet

from kakehashi.outcomes.models import Outcome


def outcome_list(
    *, internship=None, kind: str = "", program: str = "", call: str = "", direction: str = ""
) -> QuerySet[Outcome]:
    """Outcomes, newest first, filtered by internship, kind, program (slug), call (slug,
    the cohort) and direction; two queries whatever their number."""
    qs = Outcome.objects.select_related(
        "internship__intern", "internship__program", "internship__project__call",
        "internship__host", "internship__home_organisation",
    ).prefetch_related("organisations")  # fmt: skip
    if internship is not None:
        qs = qs.filter(internship=internship)
    if kind:
        qs = qs.filter(kind=kind)
    if program:
        qs = qs.filter(internship__program__slug=program)
    if call:
        qs = qs.filter(internship__project__call__slug=call)
    if direction:
        qs = qs.filter(internship__direction=direction)
    return qs


def outcome_counts(outcomes) -> dict:
    """Per year and kind, for the officers' chart and table."""
    counts = Counter((o.date.year, o.kind) for o in outcomes)
    years = sorted({y for y, _ in counts})
    return {"years": years, "counts": counts}


def outcomes_csv(outcomes) -> str:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(
        ["id", "internship", "program", "call", "direction", "kind", "date", "title", "doi",
         "patent_office", "patent_number", "organisations"]
    )  # fmt: skip
    for o in outcomes:
        i = o.internship
        w.writerow(
            [o.pk, i.pk, i.program.slug, i.project.call.slug, i.direction, o.kind,
             o.date.isoformat(), o.title, o.doi, o.patent_office, o.patent_number,
             "; ".join(org.name for org in o.organisations.all())]
        )  # fmt: skip
    return out.getvalue()
