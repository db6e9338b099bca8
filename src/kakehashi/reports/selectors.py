"""Reads of reports: who owes which report when, and what the answers say."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.db.models import Q

from kakehashi.internships.models import Internship
from kakehashi.projects.models import ProjectSupervisor
from kakehashi.reports.enums import Anchor, QuestionType, Respondent
from kakehashi.reports.models import Report, ReportForm


@dataclass
class Due:
    """One report a person owes (or gave): the form, the internship, when, and the report."""

    form: ReportForm
    internship: Internship
    respondent_id: int
    due: dt.date
    report: Report | None

    @property
    def submitted(self) -> bool:
        return self.report is not None and self.report.submitted_at is not None

    def overdue(self, today: dt.date) -> bool:
        return not self.submitted and today > self.due


def due_date(form: ReportForm, internship: Internship) -> dt.date:
    """The form's due date for the internship: days after its start or its last day (an
    early end moves the final report forward)."""
    anchor = internship.start_date if form.due_anchor == Anchor.START else internship.last_day
    return anchor + dt.timedelta(days=form.due_days)


def _respondents(internship: Internship, supervisors: dict[int, list[int]]) -> dict[str, list[int]]:
    return {
        Respondent.INTERN: [internship.intern_id],
        Respondent.HOST_SUPERVISOR: supervisors.get(internship.project_id, []),
        Respondent.HOME_SUPERVISOR: [internship.home_supervisor_id]
        if internship.home_supervisor_id
        else [],
    }


def reports_due(*, internships, forms=None) -> list[Due]:
    """Every report the internships owe under their programs' active forms, in a fixed
    number of queries. Internships ended early still owe their final report."""
    internships = list(internships)
    if not internships:
        return []
    programs = {i.program_id for i in internships}
    if forms is None:
        forms = ReportForm.objects.filter(program_id__in=programs, active=True)
    by_program: dict[int, list[ReportForm]] = defaultdict(list)
    for form in forms:
        by_program[form.program_id].append(form)
    supervisors: dict[int, list[int]] = defaultdict(list)
    for project_id, person_id in (
        ProjectSupervisor.objects.filter(project_id__in={i.project_id for i in internships})
        .order_by("order", "id")
        .values_list("project_id", "person_id")
    ):
        supervisors[project_id].append(person_id)
    reports = {
        (r.form_id, r.internship_id, r.respondent_id): r
        for r in Report.objects.filter(internship__in=internships)
    }
    out = []
    for internship in internships:
        people = _respondents(internship, supervisors)
        for form in by_program.get(internship.program_id, []):
            for person in people[form.respondent]:
                out.append(
                    Due(
                        form=form,
                        internship=internship,
                        respondent_id=person,
                        due=due_date(form, internship),
                        report=reports.get((form.pk, internship.pk, person)),
                    )
                )
    out.sort(key=lambda d: (d.due, d.internship.pk, d.form.pk, d.respondent_id))
    return out


def reports_due_for(person) -> list[Due]:
    """The reports ``person`` owes or gave, as intern, host supervisor or home supervisor."""
    internships = (
        Internship.objects.filter(
            Q(intern_id=person.pk)
            | Q(home_supervisor_id=person.pk)
            | Q(project__supervisions__person_id=person.pk)
        )
        .distinct()
        .select_related("project", "host", "intern", "program")
    )
    return [d for d in reports_due(internships=internships) if d.respondent_id == person.pk]


def cohort_internships(*, program: str = "", call: str = ""):
    qs = Internship.objects.select_related("project__call", "host", "intern", "program")
    if program:
        qs = qs.filter(program__slug=program)
    if call:
        qs = qs.filter(project__call__slug=call)
    return qs.order_by("start_date", "id")


def response_rates(dues: list[Due], today: dt.date) -> list[dict]:
    """Per form: expected (due by today), submitted, rate, and what is overdue."""
    rows: dict[int, dict] = {}
    for d in dues:
        row = rows.setdefault(
            d.form.pk, {"form": d.form, "expected": 0, "submitted": 0, "overdue": []}
        )
        if d.due <= today or d.submitted:
            row["expected"] += 1
            row["submitted"] += d.submitted
        if d.overdue(today):
            row["overdue"].append(d)
    for row in rows.values():
        row["rate"] = round(100 * row["submitted"] / row["expected"]) if row["expected"] else None
    return list(rows.values())


def scale_results(form: ReportForm, reports) -> list[dict]:
    """For each scale question: how many answered 1…5, and the mean."""
    out = []
    for q in form.questions.all():
        if q.type != QuestionType.SCALE:
            continue
        counts = Counter(
            r.answers.get(q.key) for r in reports if isinstance(r.answers.get(q.key), int)
        )
        n = sum(counts.values())
        mean = sum(k * v for k, v in counts.items()) / n if n else None
        out.append(
            {
                "question": q,
                "counts": [counts.get(k, 0) for k in range(1, 6)],
                "n": n,
                "mean": mean,
                "bars": [
                    {
                        "value": k,
                        "count": counts.get(k, 0),
                        "y": (k - 1) * 20,
                        "width": round(240 * counts.get(k, 0) / n) if n else 0,
                    }
                    for k in range(1, 6)
                ],
            }
        )
    return out


def answers_shown(form: ReportForm, report: Report) -> list[tuple[str, str]]:
    """(question, answer) in the reader's language, for a submitted report."""
    out = []
    for q in form.questions.all():
        value = report.answers.get(q.key, "")
        if q.type == QuestionType.CHOICE and value:
            value = q.choice_label(value)
        out.append((q.text, "" if value is None else str(value)))
    return out
