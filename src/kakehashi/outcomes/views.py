"""Outcome pages: an internship's outcomes (its people record them), officers' overview."""

from __future__ import annotations

from django.dispatch import receiver
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kakehashi.core.permissions import permission_required
from kakehashi.core.views import form_submit, post_action
from kakehashi.internships.models import Internship
from kakehashi.internships.signals import internship_page
from kakehashi.matching.charts import bar_chart
from kakehashi.outcomes.enums import OutcomeKind
from kakehashi.outcomes.forms import OutcomeFilterForm, OutcomeForm
from kakehashi.outcomes.models import Outcome
from kakehashi.outcomes.selectors import (
    outcome_counts,
    outcome_get,
    outcome_internship,
    outcome_list,
    outcomes_csv,
)
from kakehashi.outcomes.services import outcome_delete, outcome_record


def _internship(request, pk: int) -> Internship:
    return outcome_internship(pk)


def _outcome(request, pk: int) -> Outcome:
    return outcome_get(pk)


@receiver(internship_page, dispatch_uid="outcomes.panel")
def outcomes_panel(sender, *, internship, user, **kwargs):
    """Receiver of ``internships.signals.internship_page``: the outcomes panel."""
    if not user.has_perm("outcomes.view_internship_outcomes", internship):
        return None
    return [
        {
            "order": 60,
            "title": _("Outcomes"),
            "template": "outcomes/_panel.html",
            "context": {
                "outcomes": list(outcome_list(internship=internship)[:10]),
                "outcomes_url": reverse("outcomes:internship", args=[internship.pk]),
            },
        }
    ]


@permission_required("outcomes.view_internship_outcomes", obj=_internship)
def internship_outcomes(request, pk: int):
    """An internship's outcomes, and the form to record one (POST)."""
    internship = request.permission_object
    form = OutcomeForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if not request.user.has_perm("outcomes.add_outcome", internship):
            return HttpResponse(status=403)
        if form_submit(
            request,
            form,
            lambda d: outcome_record(
                actor=request.user,
                internship=internship,
                kind=d["kind"],
                date=d["date"],
                title=d["title"],
                organisations=d["organisations"],
                doi=d["doi"],
                crossref_record=d["crossref_record"],
                patent_office=d["patent_office"],
                patent_number=d["patent_number"],
            ),
            success=_("The outcome is recorded."),
        ):
            return redirect("outcomes:internship", pk=internship.pk)
    context = {
        "internship": internship,
        "outcomes": outcome_list(internship=internship),
        "form": form,
    }
    return render(request, "outcomes/internship.html", context, status=422 if form.errors else 200)


@post_action(
    "outcomes.delete_outcome",
    obj=_outcome,
    success=gettext_lazy("The outcome is removed."),
    # The outcome is gone by then; its internship's id stays on the object.
    back=lambda outcome: reverse("outcomes:internship", args=[outcome.internship_id]),
)
def outcome_delete_view(request, pk: int):
    outcome_delete(actor=request.user, outcome=request.permission_object)


def outcome_charts(counts: dict) -> list:
    """One chart per kind recorded: its outcomes per year (the shared chart helper)."""
    charts = []
    for value, label in OutcomeKind.choices:
        rows = [(str(y), (counts["counts"].get((y, value), 0),)) for y in counts["years"]]
        if not any(n for _label, (n,) in rows):
            continue
        charts.append(
            bar_chart(
                id=f"outcomes-{value}",
                title=str(label),
                description=_("%(kind)s: outcomes per year.") % {"kind": label},
                rows=rows,
            )
        )
    return charts


@permission_required("outcomes.view_outcome_list")
def outcome_overview(request):
    """Officers: every outcome, filtered by program, cohort (call), direction, kind and
    research field, charted and counted per year and kind; and the CSV of what the
    filters keep."""
    form = OutcomeFilterForm(request.GET or None)
    outcomes = list(outcome_list(filters=form.filters()))
    if request.GET.get("format") == "csv":
        response = HttpResponse(outcomes_csv(outcomes), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="kakehashi-outcomes.csv"'
        return response
    counts = outcome_counts(outcomes)
    table = [
        {"year": y, "cells": [counts["counts"].get((y, k), 0) for k in OutcomeKind.values]}
        for y in counts["years"]
    ]
    context = {
        "outcomes": outcomes,
        "form": form,
        "kinds": OutcomeKind.choices,
        "table": table,
        "charts": outcome_charts(counts),
    }
    return render(request, "outcomes/overview.html", context)
