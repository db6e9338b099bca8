"""Report pages: one's due reports and the form to fill in; officers' response rates,
what is missing, the survey's results and the answers' export."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kakehashi.core.imports import write_csv
from kakehashi.core.permissions import permission_required
from kakehashi.core.views import form_add_service_error
from kakehashi.internships.models import Internship
from kakehashi.programs.models import Call, Program
from kakehashi.reports.forms import answers_form
from kakehashi.reports.models import Report, ReportForm
from kakehashi.reports.selectors import (
    answers_shown,
    cohort_internships,
    reports_due,
    reports_due_for,
    response_rates,
    scale_results,
)
from kakehashi.reports.services import report_save


@permission_required("reports.view_own_reports")
def my_reports(request):
    dues = reports_due_for(request.user)
    return render(request, "reports/mine.html", {"dues": dues, "today": timezone.localdate()})


@permission_required("reports.change_own_report")
def report_fill(request, form_id: int, internship_id: int):
    """Fill in (save a draft, or submit) a report one owes, in one's language."""
    form = ReportForm.objects.prefetch_related("questions").filter(pk=form_id).first()
    internship = (
        Internship.objects.select_related("project__call", "host").filter(pk=internship_id).first()
    )
    if form is None or internship is None:
        raise Http404
    owed = [
        d for d in reports_due(internships=[internship], forms=[form])
        if d.respondent_id == request.user.pk
    ]  # fmt: skip
    if not owed:
        raise Http404
    due = owed[0]
    report = due.report
    language = (translation.get_language() or "en")[:2]
    answers = answers_form(form, data=request.POST or None,
                           initial=report.answers if report else None)  # fmt: skip
    status = 200
    if request.method == "POST" and not due.submitted:
        submit = "submit" in request.POST
        raw = {k: request.POST.get(k, "") for k in answers.fields}
        try:
            report_save(actor=request.user, form=form, internship=internship, answers=raw,
                        language=language, submit=submit)  # fmt: skip
        except ValidationError as exc:
            status = 422
            form_add_service_error(answers, exc)
        else:
            messages.success(
                request, _("Your report is submitted.") if submit else _("Your draft is saved.")
            )
            return redirect("reports:mine")
    context = {"form": form, "internship": internship, "due": due, "answers": answers,
               "shown": answers_shown(form, report) if due.submitted else []}  # fmt: skip
    return render(request, "reports/fill.html", context, status=status)


def _cohort(request) -> dict:
    return {
        "program": request.GET.get("program", "")[:50],
        "call": request.GET.get("call", "")[:50],
    }


@permission_required("reports.view_report_results")
def report_results(request):
    """Officers: per form, response rates and overdue reports; the survey's scales; CSV."""
    cohort = _cohort(request)
    today = timezone.localdate()
    dues = reports_due(internships=cohort_internships(**cohort))
    if request.GET.get("format") == "csv":
        return _answers_csv(dues)
    rows = response_rates(dues, today)
    submitted = [d.report for d in dues if d.submitted]
    surveys = []
    for row in rows:
        form = row["form"]
        mine = [r for r in submitted if r.form_id == form.pk]
        results = scale_results(form, mine)
        if results:
            surveys.append({"form": form, "results": results})
    people = {d.respondent_id for row in rows for d in row["overdue"]}
    users = get_user_model().objects.in_bulk(people)
    for row in rows:
        row["overdue_people"] = [(d, users.get(d.respondent_id)) for d in row["overdue"]]
    context = {
        "rows": rows,
        "surveys": surveys,
        "cohort": cohort,
        "programs": Program.objects.order_by("slug"),
        "calls": Call.objects.order_by("slug"),
        "today": today,
    }
    return render(request, "reports/results.html", context)


ANSWER_COLUMNS = [
    "form", "kind", "respondent_role", "internship", "call", "respondent", "language",
    "submitted_at", "question", "answer",
]  # fmt: skip


def _answer_rows(dues):
    for d in dues:
        if not d.submitted:
            continue
        r: Report = d.report
        for key, value in sorted(r.answers.items()):
            yield {
                "form": d.form.pk,
                "kind": d.form.kind,
                "respondent_role": d.form.respondent,
                "internship": d.internship.pk,
                "call": d.internship.project.call.slug,
                "respondent": d.respondent_id,
                "language": r.language,
                "submitted_at": r.submitted_at.isoformat(),
                "question": key,
                "answer": value,
            }


def _answers_csv(dues) -> HttpResponse:
    """The submitted answers as CSV, through the one CSV writer every export uses: an
    answer that a spreadsheet would run as a formula is written as text."""
    out = write_csv(_answer_rows(dues), ANSWER_COLUMNS)
    response = HttpResponse(out, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="kakehashi-reports.csv"'
    return response
