"""Reports as JSON: what one owes and one's answers; officers' response rates."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Schema
from ninja.errors import HttpError

from kakehashi.core.api import ApiRouter
from kakehashi.core.enums import Language
from kakehashi.core.permissions import api_permission
from kakehashi.internships.models import Internship
from kakehashi.reports.models import ReportForm
from kakehashi.reports.selectors import (
    cohort_internships,
    reports_due,
    reports_due_for,
    response_rates,
)
from kakehashi.reports.services import report_save

router = ApiRouter()


class QuestionOut(Schema):
    key: str
    type: str = Field(description="text, long_text, scale (1–5) or choice")
    text: str = Field(description="In the caller's language (English when untranslated)")
    required: bool
    choices: list[dict]


class DueOut(Schema):
    form_id: int
    kind: str
    title: str
    internship_id: int
    due: dt.date
    submitted_at: dt.datetime | None
    language: str | None
    answers: dict
    questions: list[QuestionOut]


class AnswersIn(Schema):
    answers: dict = Field(description="Question key → answer (text, 1–5, or a choice's value)")
    language: Language
    submit: bool = Field(False, description="True submits (final); false saves a draft")


class ReportRateOut(Schema):
    form_id: int
    title: str
    expected: int
    submitted: int
    rate: int | None = Field(description="Percent of the reports due by today that were submitted")
    overdue: int


def _due_out(d) -> dict:
    return {
        "form_id": d.form.pk,
        "kind": d.form.kind,
        "title": d.form.text,
        "internship_id": d.internship.pk,
        "due": d.due,
        "submitted_at": d.report.submitted_at if d.report else None,
        "language": d.report.language if d.report else None,
        "answers": d.report.answers if d.report else {},
        "questions": [
            {
                "key": q.key,
                "type": q.type,
                "text": q.text,
                "required": q.required,
                "choices": q.choices,
            }
            for q in d.form.questions.all()
        ],
    }


@router.get(
    "/me/reports",
    response=list[DueOut],
    summary="The reports and surveys you owe (or gave) about your internships",
)
@api_permission("reports.view_own_reports")
def my_reports(request: HttpRequest):
    return [_due_out(d) for d in reports_due_for(request.user)]


@router.put(
    "/me/reports/{int:form_id}/{int:internship_id}",
    response=DueOut,
    summary="Save a draft of, or submit, a report you owe (audited on submission)",
)
@api_permission("reports.change_own_report")
def my_report_save(request: HttpRequest, form_id: int, internship_id: int, payload: AnswersIn):
    form = ReportForm.objects.prefetch_related("questions").filter(pk=form_id).first()
    internship = Internship.objects.select_related("project__call").filter(pk=internship_id).first()
    if form is None or internship is None:
        raise HttpError(404, "Not found.")
    report_save(actor=request.user, form=form, internship=internship, answers=payload.answers,
                language=payload.language, submit=payload.submit)  # fmt: skip
    (due,) = [
        d for d in reports_due(internships=[internship], forms=[form])
        if d.respondent_id == request.user.pk
    ]  # fmt: skip
    return _due_out(due)


@router.get(
    "/reports/rates",
    response=list[ReportRateOut],
    summary="Response rates per form in a cohort: due by today, submitted, overdue (officers)",
)
@api_permission("reports.view_report_results")
def report_rates(request: HttpRequest, program: str = "", call: str = ""):
    dues = reports_due(internships=cohort_internships(program=program[:50], call=call[:50]))
    return [
        {"form_id": r["form"].pk, "title": r["form"].text, "expected": r["expected"],
         "submitted": r["submitted"], "rate": r["rate"], "overdue": len(r["overdue"])}
        for r in response_rates(dues, timezone.localdate())
    ]  # fmt: skip
