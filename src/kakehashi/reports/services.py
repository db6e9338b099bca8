"""Writes of reports: answers validated against the form, submitted once, audited; and
the reminders of what is due."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kakehashi.audit.services import audit_record
from kakehashi.core import limits
from kakehashi.core.enums import Language
from kakehashi.internships.models import Internship
from kakehashi.notifications.services import notify_once
from kakehashi.people.models import User
from kakehashi.reports.enums import QuestionType
from kakehashi.reports.models import Report, ReportForm
from kakehashi.reports.selectors import reports_due

REMIND_JOB = "reports.remind"
#: Reminders go this many days before a report is due, and once when it is overdue.
REMIND_BEFORE = dt.timedelta(days=7)


def answers_clean(form: ReportForm, answers: dict, *, submit: bool) -> dict:
    """The answers as stored; ValidationError naming each question that is wrong. A draft
    may leave required questions empty; a submission may not."""
    if not isinstance(answers, dict):
        raise ValidationError(_("Answers are an object of question key → answer."))
    questions = {q.key: q for q in form.questions.all()}
    unknown = sorted(set(answers) - set(questions))
    errors: dict[str, list[str]] = {}
    for key in unknown:
        errors[key] = [_("This form has no such question.")]
    clean = {}
    for key, q in questions.items():
        value = answers.get(key)
        if value in (None, ""):
            if submit and q.required:
                errors[key] = [_("This question needs an answer.")]
            continue
        if q.type == QuestionType.SCALE:
            if isinstance(value, str) and value.isdigit():
                value = int(value)
            if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 5:
                errors[key] = [_("Answer with a whole number from 1 to 5.")]
                continue
        elif q.type == QuestionType.CHOICE:
            if value not in {c["value"] for c in q.choices}:
                errors[key] = [_("Choose one of the answers offered.")]
                continue
        else:
            if not isinstance(value, str):
                errors[key] = [_("Answer with text.")]
                continue
            most = limits.LINE if q.type == QuestionType.TEXT else limits.LONG_TEXT
            if len(value) > most:
                errors[key] = [
                    _("At most %(n)s characters; this answer has %(m)s.")
                    % {"n": most, "m": len(value)}
                ]
                continue
            value = value.strip()
        clean[key] = value
    if errors:
        raise ValidationError(errors)
    return clean


def report_save(
    *, actor, form: ReportForm, internship: Internship, answers: dict, language: str,
    submit: bool,
) -> Report:  # fmt: skip
    """Save ``actor``'s answers to ``form`` about ``internship`` (a draft, or submitted).
    Only the person who owes the report may; a submitted report no longer changes."""
    if language not in Language.values:
        raise ValidationError({"language": _("Answer in English, French or Japanese.")})
    owed = [
        d
        for d in reports_due(internships=[internship], forms=[form])
        if d.respondent_id == actor.pk
    ]
    if not owed:
        raise ValidationError(_("You do not owe this report."), code="not_owed")
    clean = answers_clean(form, answers, submit=submit)
    with transaction.atomic():
        report, _created = Report.objects.select_for_update().get_or_create(
            form=form,
            internship=internship,
            respondent=actor,
            defaults={"language": language},
        )
        if report.submitted_at is not None:
            raise ValidationError(
                _("This report was submitted on %(when)s and no longer changes.")
                % {"when": report.submitted_at.date().isoformat()},
                code="submitted",
            )
        report.answers = clean
        report.language = language
        if submit:
            report.submitted_at = timezone.now()
        report.save()
        if submit:
            audit_record(
                scope=internship.project.call,
                verb="report.submitted",
                actor=actor,
                target=f"internship {internship.pk}",
                data={"form": form.pk, "kind": form.kind, "language": language},
            )
    return report


def reports_remind(*, today: dt.date | None = None) -> int:
    """Mail each person a reminder 7 days before a report is due, and once when it is
    overdue, in their language; each at most once (notifications.notify_once)."""
    today = today or timezone.localdate()
    internships = Internship.objects.select_related("project", "program", "host")
    sent = 0
    dues = [d for d in reports_due(internships=internships) if not d.submitted]
    people = User.objects.in_bulk({d.respondent_id for d in dues})
    for d in dues:
        if d.due < today:
            step = "overdue"
        elif d.due - today <= REMIND_BEFORE:
            step = "7d"
        else:
            continue
        user = people.get(d.respondent_id)
        if user is None:
            continue
        sent += notify_once(
            user=user,
            kind="report_due",
            key=f"report:{d.form.pk}:{d.internship.pk}:{step}",
            context={"form": d.form, "internship": d.internship, "due": d.due,
                     "overdue": step == "overdue"},
        )  # fmt: skip
    return sent
