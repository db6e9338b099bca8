"""Reports: due dates, answers checked against the form, submitted once, reminders, rates."""

from __future__ import annotations

import csv as csv_module
import datetime as dt
import io

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from kakehashi.audit.models import AuditEntry
from kakehashi.reports.models import Report
from kakehashi.reports.selectors import reports_due_for
from kakehashi.reports.services import report_save, reports_remind

FINAL = {"results": "A working decoder.", "continue": "yes"}


def test_due_dates_follow_the_internship(world, internship, forms):
    dues = {(d.form.kind, d.form.respondent): d.due for d in reports_due_for(world.candidate)}
    end = internship.end_date
    assert dues == {
        ("interim", "intern"): internship.start_date + dt.timedelta(days=60),
        ("exit_survey", "intern"): end + dt.timedelta(days=14),
        ("final", "intern"): end + dt.timedelta(days=30),
    }
    assert [(d.form.kind, d.form.respondent) for d in reports_due_for(world.supervisor)] == [
        ("final", "host_supervisor")
    ]
    assert reports_due_for(world.other_candidate) == []


def test_an_early_end_brings_the_final_report_forward(world, internship, forms):
    internship.ended_on = internship.start_date + dt.timedelta(days=20)
    internship.save()
    final = next(d for d in reports_due_for(world.candidate) if d.form.kind == "final")
    assert final.due == internship.ended_on + dt.timedelta(days=30)


def test_a_draft_may_be_incomplete_a_submission_not(world, internship, forms):
    form = forms[("final", "intern")]
    report_save(actor=world.candidate, form=form, internship=internship,
                answers={"results": "Half done"}, language="ja", submit=False)  # fmt: skip
    with pytest.raises(ValidationError) as err:
        report_save(actor=world.candidate, form=form, internship=internship,
                    answers={"results": "Done"}, language="ja", submit=True)  # fmt: skip
    assert err.value.message_dict == {"continue": ["This question needs an answer."]}
    report = Report.objects.get()
    assert (report.answers, report.submitted_at) == ({"results": "Half done"}, None)


@pytest.mark.parametrize(
    ("answers", "errors"),
    [
        ({**FINAL, "continue": "sometimes"}, {"continue": ["Choose one of the answers offered."]}),
        ({**FINAL, "extra": "x"}, {"extra": ["This form has no such question."]}),
        ({**FINAL, "results": 3}, {"results": ["Answer with text."]}),
    ],
)
def test_bad_answers_are_refused(world, internship, forms, answers, errors):
    with pytest.raises(ValidationError) as err:
        report_save(actor=world.candidate, form=forms[("final", "intern")], internship=internship,
                    answers=answers, language="en", submit=True)  # fmt: skip
    assert err.value.message_dict == errors
    assert not Report.objects.exists()


def test_scale_answers(world, internship, forms):
    survey = forms[("exit_survey", "intern")]
    with pytest.raises(ValidationError) as err:
        report_save(
            actor=world.candidate, form=survey, internship=internship,
            answers={"overall": 6, "career": 3, "network": 4}, language="en", submit=True,
        )  # fmt: skip
    assert err.value.message_dict == {"overall": ["Answer with a whole number from 1 to 5."]}
    report = report_save(actor=world.candidate, form=survey, internship=internship,
                         answers={"overall": "5", "career": 3, "network": 4}, language="en",
                         submit=True)  # fmt: skip
    assert report.answers == {"overall": 5, "career": 3, "network": 4}


def test_a_submitted_report_no_longer_changes_and_is_audited(world, internship, forms):
    form = forms[("final", "intern")]
    report_save(actor=world.candidate, form=form, internship=internship, answers=FINAL,
                language="ja", submit=True)  # fmt: skip
    with pytest.raises(ValidationError, match="no longer changes"):
        report_save(actor=world.candidate, form=form, internship=internship, answers=FINAL,
                    language="ja", submit=True)  # fmt: skip
    entry = AuditEntry.objects.get(verb="report.submitted")
    assert (entry.actor, entry.data) == (
        world.candidate,
        {"form": form.pk, "kind": "final", "language": "ja"},
    )


def test_only_who_owes_a_report_may_answer(world, internship, forms):
    with pytest.raises(ValidationError, match=r"You do not owe this report\."):
        report_save(actor=world.supervisor, form=forms[("final", "intern")],
                    internship=internship, answers=FINAL, language="en", submit=True)  # fmt: skip


def test_reminders_a_week_before_and_when_overdue_once_each(world, internship, forms):
    final_due = internship.end_date + dt.timedelta(days=30)
    # The final report's 7-day reminders (intern, supervisor), and the intern's interim
    # report and exit survey, both overdue by then.
    assert reports_remind(today=final_due - dt.timedelta(days=7)) == 4
    assert reports_remind(today=final_due - dt.timedelta(days=6)) == 0
    report_save(actor=world.supervisor, form=forms[("final", "host_supervisor")],
                internship=internship, answers={"contribution": "Much", "again": 5},
                language="en", submit=True)  # fmt: skip
    mail.outbox.clear()
    assert reports_remind(today=final_due + dt.timedelta(days=1)) == 1  # the intern's
    (message,) = mail.outbox
    assert message.to == ["cand@example.org"]
    assert message.subject == "Kakehashi: your Final report is overdue"


def test_the_intern_answers_in_japanese_in_the_browser(client, world, internship, forms):
    form = forms[("final", "intern")]
    client.force_login(world.candidate)
    url = reverse("reports:fill", args=[form.pk, internship.pk])
    with translation.override("ja"):
        page = client.get(url, HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert "インターンシップで何を達成しましたか。" in page
    response = client.post(
        url, {"results": "脳波デコーダが動きました。", "continue": "yes", "submit": "1"},
        HTTP_ACCEPT_LANGUAGE="ja",
    )  # fmt: skip
    assert response.status_code == 302
    report = Report.objects.get()
    assert (report.language, report.answers["results"]) == ("ja", "脳波デコーダが動きました。")
    shown = client.get(url).content.decode()
    assert "it no longer changes" in shown and "脳波デコーダが動きました。" in shown


def test_a_missing_answer_in_the_browser_says_which(client, world, internship, forms):
    client.force_login(world.candidate)
    url = reverse("reports:fill", args=[forms[("final", "intern")].pk, internship.pk])
    response = client.post(url, {"results": "x", "submit": "1"})
    assert response.status_code == 422
    assert "This question needs an answer." in response.content.decode()


def test_someone_else_cannot_open_the_form(client, world, internship, forms):
    client.force_login(world.other_candidate)
    url = reverse("reports:fill", args=[forms[("final", "intern")].pk, internship.pk])
    assert client.get(url).status_code == 404


def test_officer_results_rates_scales_and_csv(client, world, internship, forms,
                                              django_assert_max_num_queries):  # fmt: skip
    report_save(actor=world.candidate, form=forms[("exit_survey", "intern")],
                internship=internship, answers={"overall": 4, "career": 5, "network": 3},
                language="en", submit=True)  # fmt: skip
    client.force_login(world.officer)
    with django_assert_max_num_queries(20):
        page = client.get(reverse("reports:results")).content.decode()
    assert "Exit survey" in page and "1 answer, mean 4.00" in page
    csv = client.get(reverse("reports:results"), {"format": "csv"}).content.decode()
    assert "overall,4" in csv and len(csv.splitlines()) == 4
    client.force_login(world.candidate)
    assert client.get(reverse("reports:results")).status_code == 404


def test_answers_csv_writes_a_formula_answer_as_text(client, world, internship, forms):
    formula = "=cmd|' /C calc'!A0"
    report_save(
        actor=world.candidate,
        form=forms[("interim", "intern")],
        internship=internship,
        answers={"progress": formula, "support": 4},
        language="en",
        submit=True,
    )
    client.force_login(world.officer)

    text = client.get(reverse("reports:results"), {"format": "csv"}).content.decode()

    answers = {r["question"]: r["answer"] for r in csv_module.DictReader(io.StringIO(text))}
    assert answers == {"progress": "'" + formula, "support": "4"}


def test_api_mine_save_and_rates(client, world, internship, forms):
    client.force_login(world.candidate)
    mine = client.get("/api/v1/me/reports").json()
    assert [r["kind"] for r in mine] == ["interim", "exit_survey", "final"]
    form = forms[("interim", "intern")]
    saved = client.put(
        f"/api/v1/me/reports/{form.pk}/{internship.pk}",
        {"answers": {"progress": "On plan", "support": 4}, "language": "fr", "submit": True},
        content_type="application/json",
    ).json()
    assert (saved["language"], saved["answers"]) == ("fr", {"progress": "On plan", "support": 4})
    bad = client.put(
        f"/api/v1/me/reports/{form.pk}/{internship.pk}",
        {"answers": {}, "language": "fr", "submit": True}, content_type="application/json",
    )  # fmt: skip
    assert bad.status_code == 422
    assert client.get("/api/v1/reports/rates").status_code == 403
    client.force_login(world.officer)
    rates = {r["title"]: r for r in client.get("/api/v1/reports/rates").json()}
    assert rates["Interim report"]["submitted"] == 1
