"""Phase e-mail: who is told a phase opened, who is reminded 48 hours before it
closes, each once, in their own language and time zone."""

import datetime as dt
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from kakehashi.jobs.models import Job
from kakehashi.jobs.services import job_execute
from kakehashi.notifications import selectors
from kakehashi.notifications.models import NotificationLog
from kakehashi.notifications.services import notify, notify_once, phase_notifications_send
from kakehashi.programs.models import CallPhase
from kakehashi.programs.services import call_phase_open_now
from tests import factories

pytestmark = pytest.mark.django_db
UTC = dt.UTC
#: Applications close on 31 January 2027 at 17:00 in Tokyo.
CLOSES = dt.datetime(2027, 1, 31, 8, 0, tzinfo=UTC)
OPENED = CLOSES - dt.timedelta(days=20)
EARLY = CLOSES - dt.timedelta(days=10)  # open, far from the deadline
LATE = CLOSES - dt.timedelta(hours=47)  # within 48 hours of it


@pytest.fixture
def world(db):
    w = factories.page_world()
    CallPhase.objects.filter(call=w.call, kind="applications").update(
        opens_at=OPENED, closes_at=CLOSES
    )
    CallPhase.objects.filter(call=w.call, kind="host_ranking").update(
        opens_at=CLOSES, closes_at=CLOSES + dt.timedelta(days=14)
    )
    return w


def _to() -> list[str]:
    return sorted(m.to[0] for m in mail.outbox)


# ---------------------------------------------------------------- phase opened


def test_applications_opened_goes_to_eligible_candidates_once(world):
    factories.candidate(user__username="too-junior", level="masters")
    world.call.program.eligible_levels = ["phd"]
    world.call.program.save()
    factories.candidate(user__username="no-mail", user__email="")
    factories.UserFactory(username="not-a-candidate")

    first = phase_notifications_send(now=EARLY)
    second = phase_notifications_send(now=EARLY + dt.timedelta(hours=1))

    assert first == {"phase_opened": 2, "deadline_reminder": 0, "ranking_reminder": 0}
    assert second == {"phase_opened": 0, "deadline_reminder": 0, "ranking_reminder": 0}
    assert _to() == ["cand2@example.org", "cand@example.org"]
    assert set(NotificationLog.objects.values_list("kind", "key")) == {
        ("phase_opened", f"call:{world.call.pk}:applications:opened")
    }


def test_phase_opened_mail_in_english(world):
    world.candidate.timezone = "America/Vancouver"
    world.candidate.save()

    phase_notifications_send(now=EARLY, call_slug="summer")

    message = next(m for m in mail.outbox if m.to == ["cand@example.org"])
    assert message.subject == "Applications are open: 2027 Summer"
    assert message.body == (
        "Hello Alex Martin,\n"
        "\n"
        f"Applications for 2027 Summer ({world.call.program.name_en}) are open. "
        "You may apply to projects and rank up to 3 of them.\n"
        "\n"
        "Deadline: Jan. 31, 2027, 5 p.m. (Asia/Tokyo), that is Jan. 31, 2027, midnight "
        "in your time zone (America/Vancouver).\n"
        "\n"
        "http://127.0.0.1:8000/projects/?call=summer\n"
        "\n"
        "Kakehashi: research internships between Canada and Japan.\n"
    )
    assert message.extra_headers["Content-Language"] == "en"


def test_host_ranking_opened_goes_to_supervisors_of_published_projects(world):
    factories.ProjectFactory(
        call=world.call,
        status="draft",
        supervisor=factories.UserFactory(username="drafting"),
    )
    during = CLOSES + dt.timedelta(days=1)

    sent = phase_notifications_send(now=during)

    assert sent == {"phase_opened": 2, "deadline_reminder": 0, "ranking_reminder": 0}
    assert _to() == ["sup2@example.org", "sup@example.org"]
    message = next(m for m in mail.outbox if m.to == ["sup@example.org"])
    assert message.subject == "Host ranking is open: 2027 Summer"
    assert "Applicants you leave out of your ranking will not be matched" in message.body
    assert message.body.endswith(
        "http://127.0.0.1:8000/supervising/calls/summer/ranking/\n\n"
        "Kakehashi: research internships between Canada and Japan.\n"
    )


def test_draft_calls_and_closed_phases_send_nothing(world):
    world.call.status = "draft"
    world.call.save()
    other = factories.CallFactory(slug="later")
    CallPhase.objects.filter(call=other).update(
        opens_at=CLOSES + dt.timedelta(days=30), closes_at=CLOSES + dt.timedelta(days=40)
    )

    assert phase_notifications_send(now=EARLY) == {
        "phase_opened": 0,
        "deadline_reminder": 0,
        "ranking_reminder": 0,
    }
    assert phase_notifications_send(now=CLOSES) == {
        "phase_opened": 0,
        "deadline_reminder": 0,
        "ranking_reminder": 0,
    }
    assert mail.outbox == []


# ---------------------------------------------------------------- reminders


def test_reminder_goes_48_hours_before_to_candidates_with_something_to_do(world):
    done = factories.candidate(user__username="done")
    factories.ApplicationFactory(candidate=done, project=world.project, rank=1)
    phase_notifications_send(now=EARLY)
    mail.outbox.clear()

    too_early = phase_notifications_send(now=CLOSES - dt.timedelta(hours=48, seconds=1))
    mail.outbox.clear()  # the 7-day ranking reminders (tested below)
    due = phase_notifications_send(now=LATE)
    again = phase_notifications_send(now=LATE + dt.timedelta(hours=1))

    assert too_early == {"phase_opened": 0, "deadline_reminder": 0, "ranking_reminder": 2}
    assert due == {"phase_opened": 0, "deadline_reminder": 2, "ranking_reminder": 0}
    assert again == {"phase_opened": 0, "deadline_reminder": 0, "ranking_reminder": 0}
    assert _to() == ["cand2@example.org", "cand@example.org"]
    message = next(m for m in mail.outbox if m.to == ["cand@example.org"])
    assert message.subject == "Reminder: the deadline of 2027 Summer is near"
    assert message.body.startswith(
        "Hello Alex Martin,\n\n"
        "You have applied to one project in 2027 Summer but have not ranked it yet.\n"
        "Only the projects you rank take part in the match.\n\n"
        "Deadline: Jan. 31, 2027, 5 p.m. (Asia/Tokyo), that is Jan. 31, 2027, 8 a.m. "
        "in your time zone (UTC).\n\n"
        "http://127.0.0.1:8000/calls/summer/ranking/\n"
    )


def test_reminder_wording_for_no_application_and_partly_ranked(world):
    idle = factories.candidate(user__username="idle")
    busy = factories.candidate(user__username="busy")
    factories.ApplicationFactory(candidate=busy, project=world.project, rank=1)
    factories.ApplicationFactory(candidate=busy, project=world.other_project)
    NotificationLog.objects.bulk_create(
        NotificationLog(
            user=u, kind="phase_opened", key=f"call:{world.call.pk}:applications:opened"
        )
        for u in (idle, busy)
    )

    phase_notifications_send(now=LATE)

    idle_mail = next(m for m in mail.outbox if m.to == ["idle@example.org"])
    busy_mail = next(m for m in mail.outbox if m.to == ["busy@example.org"])
    assert "You have not applied to any project in 2027 Summer yet.\n" in idle_mail.body
    assert idle_mail.body.count("http://127.0.0.1:8000/projects/?call=summer") == 1
    assert (
        "You have applied to 2 projects in 2027 Summer and ranked one of them.\n"
        "Only the projects you rank take part in the match." in busy_mail.body
    )


def test_no_reminder_right_after_the_opened_mail(world):
    sent = phase_notifications_send(now=LATE)
    later = phase_notifications_send(now=LATE + dt.timedelta(hours=2))

    assert sent == {"phase_opened": 2, "deadline_reminder": 0, "ranking_reminder": 0}
    assert later == {"phase_opened": 0, "deadline_reminder": 0, "ranking_reminder": 0}
    assert NotificationLog.objects.filter(kind="deadline_reminder").count() == 2


def test_a_moved_deadline_is_reminded_again(world):
    phase_notifications_send(now=EARLY)
    phase_notifications_send(now=LATE)
    CallPhase.objects.filter(call=world.call, kind="applications").update(
        closes_at=CLOSES + dt.timedelta(days=3)
    )

    mail.outbox.clear()

    sent = phase_notifications_send(now=CLOSES + dt.timedelta(days=2))

    # The host ranking phase opened meanwhile: its supervisors hear of it too.
    assert sent == {"phase_opened": 2, "deadline_reminder": 2, "ranking_reminder": 0}
    assert sorted(m.to[0] for m in mail.outbox if m.subject.startswith("Reminder")) == [
        "cand2@example.org",
        "cand@example.org",
    ]


def test_supervisor_reminder_only_with_unranked_applicants(world):
    factories.HostRankFactory(
        supervisor=world.other_supervisor, call=world.call, candidate=world.other_candidate
    )
    extra = factories.candidate(user__username="extra")
    factories.ApplicationFactory(candidate=extra, project=world.project)
    host_closes = CLOSES + dt.timedelta(days=14)
    phase_notifications_send(now=CLOSES + dt.timedelta(days=1))
    mail.outbox.clear()

    sent = phase_notifications_send(now=host_closes - dt.timedelta(hours=1))

    assert sent == {"phase_opened": 0, "deadline_reminder": 1, "ranking_reminder": 0}
    assert _to() == ["sup@example.org"]
    assert (
        "2 applicants to your projects in 2027 Summer are not in your ranking yet."
        in mail.outbox[0].body
    )


# ---------------------------------------------------------------- languages and zones


@pytest.mark.parametrize(
    ("language", "deadline", "zone"),
    [
        ("fr", "31 janvier 2027 17:00", "(Asia/Tokyo)"),
        ("ja", "2027年1月31日17:00", "（Asia/Tokyo）"),
    ],
)
def test_mail_renders_in_the_recipients_language(world, language, deadline, zone):
    world.candidate.preferred_language = language
    world.candidate.timezone = "Asia/Tokyo"
    world.candidate.save()

    phase_notifications_send(now=EARLY)

    message = next(m for m in mail.outbox if m.to == ["cand@example.org"])
    assert message.extra_headers["Content-Language"] == language
    assert deadline in message.body
    assert zone in message.body


@pytest.mark.parametrize("language", ["en", "fr", "ja"])
@pytest.mark.parametrize("kind", ["phase_opened", "deadline_reminder", "ranking_reminder"])
def test_every_template_renders_under_each_language(world, language, kind):
    phase = CallPhase.objects.get(call=world.call, kind="applications")
    world.supervisor.preferred_language = language
    with translation.override(language):
        sent = notify(
            user=world.supervisor,
            kind=kind,
            context={
                "call": world.call,
                "phase": phase,
                "role": "supervisor",
                "unranked": 2,
                "applied": 2,
                "step": "2h",
                "path": "/x/",
            },
        )

    assert sent is True
    message = mail.outbox[-1]
    assert message.extra_headers["Content-Language"] == language
    assert message.subject and "\n" not in message.subject
    assert "http://127.0.0.1:8000/x/" in message.body


# ---------------------------------------------------------------- once, jobs, command


def test_notify_once_leaves_no_log_when_delivery_fails(world, monkeypatch):
    def fail(self, *args, **kwargs):
        raise ConnectionError("SMTP down")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", fail)
    phase = CallPhase.objects.get(call=world.call, kind="applications")
    context = {"call": world.call, "phase": phase, "role": "candidate", "path": "/"}

    with pytest.raises(ConnectionError):
        notify_once(user=world.candidate, kind="phase_opened", key="k", context=context)

    assert not NotificationLog.objects.exists()


def test_open_now_mails_candidates_through_the_job(
    world, officer, django_capture_on_commit_callbacks
):
    CallPhase.objects.filter(call=world.call, kind="applications").update(
        opens_at=dt.datetime(2099, 1, 1, tzinfo=UTC), closes_at=dt.datetime(2099, 2, 1, tzinfo=UTC)
    )

    with django_capture_on_commit_callbacks(execute=True):
        call_phase_open_now(call=world.call, kind="applications", actor=officer)

    job = Job.objects.get(kind="notifications.phases")
    assert (job.status, job.result) == (
        "succeeded",
        {"phase_opened": 2, "deadline_reminder": 0, "ranking_reminder": 0},
    )
    assert _to() == ["cand2@example.org", "cand@example.org"]


def test_job_handler_takes_call_and_now(world):
    job = Job.objects.create(
        kind="notifications.phases", params={"call": "summer", "now": EARLY.isoformat()}
    )

    job = job_execute(job=job)

    assert (job.status, job.result) == (
        "succeeded",
        {"phase_opened": 2, "deadline_reminder": 0, "ranking_reminder": 0},
    )


def test_send_notifications_command(world):
    out = io.StringIO()

    call_command("send_notifications", "--now", EARLY.isoformat(), stdout=out)
    call_command("send_notifications", "--now", EARLY.isoformat(), stdout=out)
    call_command("send_notifications", "--queue", "--call", "summer", stdout=out)

    job = Job.objects.get()
    assert out.getvalue() == (
        "Sent 2 phase-opened and 0 deadline-reminder e-mails.\n"
        "Sent 0 phase-opened and 0 deadline-reminder e-mails.\n"
        f"Queued job {job.pk}.\n"
    )
    assert job.params == {"call": "summer"}


def test_send_notifications_command_refuses_a_naive_time(world):
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="give the time with its offset"):
        call_command("send_notifications", "--now", "2027-01-01T00:00")


# ---------------------------------------------------------------- no N+1


@pytest.mark.parametrize(
    "select",
    [
        selectors.candidates_eligible,
        selectors.candidates_with_something_to_do,
        selectors.supervisors_with_unranked_applicants,
        lambda call: list(selectors.supervisors_of_call(call=call)),
    ],
)
def test_recipient_queries_do_not_grow(world, select, django_assert_num_queries):
    def run():
        try:
            return select(call=world.call)
        except TypeError:
            return select(world.call)

    factories.LanguageSkillFactory(person=world.candidate)
    with CaptureQueriesContext(connection) as ctx:
        first = run()
    for n in range(2):
        person = factories.candidate(user__username=f"more{n}")
        factories.LanguageSkillFactory(person=person)
        factories.ApplicationFactory(
            candidate=person,
            project=factories.ProjectFactory(call=world.call, key=f"p{n}"),
        )

    with django_assert_num_queries(len(ctx.captured_queries)):
        second = run()
    assert len(second) > len(first)


# ---------------------------------------------------------------- ranking reminders


def _sent(ranking=0, deadline=0, opened=0) -> dict:
    return {"phase_opened": opened, "deadline_reminder": deadline, "ranking_reminder": ranking}


def test_ranking_reminders_7_days_48_hours_2_hours_to_those_without_a_saved_list(world):
    """cand and cand2 applied and saved no list; `ranked` saved one; `idle` never applied."""
    ranked = factories.candidate(user__username="ranked")
    factories.ApplicationFactory(candidate=ranked, project=world.project, rank=1)
    factories.candidate(user__username="idle")
    phase_notifications_send(now=EARLY)
    mail.outbox.clear()

    before_7d = phase_notifications_send(now=CLOSES - dt.timedelta(days=7, seconds=1))
    at_7d = phase_notifications_send(now=CLOSES - dt.timedelta(days=7))
    seven_days = _to()
    subjects = {m.subject for m in mail.outbox}
    again = phase_notifications_send(now=CLOSES - dt.timedelta(days=5))
    mail.outbox.clear()
    at_48h = phase_notifications_send(now=LATE)
    forty_eight = _to()
    mail.outbox.clear()
    # cand saves a list before the last step: only cand2 is reminded 2 hours before.
    world.application.rank = 1
    world.application.save()
    at_2h = phase_notifications_send(now=CLOSES - dt.timedelta(hours=2))
    two_hours = [(m.to[0], m.subject) for m in mail.outbox]
    last = phase_notifications_send(now=CLOSES - dt.timedelta(minutes=1))

    assert (before_7d, at_7d, again) == (_sent(), _sent(ranking=2), _sent())
    assert seven_days == ["cand2@example.org", "cand@example.org"]
    assert subjects == {"Reminder: 7 days left to rank your projects in 2027 Summer"}
    assert at_48h == _sent(deadline=3)
    assert forty_eight == ["cand2@example.org", "cand@example.org", "idle@example.org"]
    assert at_2h == _sent(ranking=1)
    assert two_hours == [
        ("cand2@example.org", "Last reminder: 2 hours left to rank your projects in 2027 Summer")
    ]
    assert last == _sent()
    assert sorted(
        NotificationLog.objects.filter(kind="ranking_reminder").values_list("user__username", "key")
    ) == [
        ("cand", f"call:{world.call.pk}:ranking:2027-01-31T08:00:00Z:7d"),
        ("cand2", f"call:{world.call.pk}:ranking:2027-01-31T08:00:00Z:2h"),
        ("cand2", f"call:{world.call.pk}:ranking:2027-01-31T08:00:00Z:7d"),
    ]


def test_a_late_run_sends_only_the_latest_step(world):
    phase_notifications_send(now=EARLY)
    mail.outbox.clear()

    sent = phase_notifications_send(now=CLOSES - dt.timedelta(hours=1))

    assert sent == _sent(deadline=2, ranking=2)
    assert NotificationLog.objects.filter(kind="ranking_reminder", key__endswith=":7d").count() == 0


@pytest.mark.parametrize(
    ("language", "zone", "expected"),
    [
        (
            "fr",
            "America/Vancouver",
            [
                "Vous avez postulé à un projet dans 2027 Summer mais n’avez enregistré aucun "
                "classement.",
                "31 janvier 2027 17:00 (Asia/Tokyo)",
                "soit 31 janvier 2027 00:00 dans votre fuseau horaire (America/Vancouver).",
                "(America/Vancouver)",
            ],
        ),
        (
            "ja",
            "Asia/Tokyo",
            ["2027年1月31日17:00", "（Asia/Tokyo）"],
        ),
    ],
)
def test_ranking_reminder_in_the_readers_language_and_zone(world, language, zone, expected):
    world.candidate.preferred_language = language
    world.candidate.timezone = zone
    world.candidate.save()
    phase_notifications_send(now=EARLY)
    mail.outbox.clear()

    phase_notifications_send(now=CLOSES - dt.timedelta(days=6))

    message = next(m for m in mail.outbox if m.to == ["cand@example.org"])
    assert message.extra_headers["Content-Language"] == language
    for text in expected:
        assert text in message.body, text
    assert "http://127.0.0.1:8000/calls/summer/ranking/" in message.body


def test_a_saved_list_that_leaves_out_later_applications_is_reminded_too(world):
    """`cand` saved a list of one, then applied to a second project: the list changed
    since it was saved (the new application is on no list), so the 7-day reminder says so.
    `full` ranked all they applied to and is not reminded."""
    world.application.rank = 1
    world.application.save()
    factories.ApplicationFactory(
        candidate=world.candidate, project=factories.ProjectFactory(call=world.call)
    )
    full = factories.candidate(user__username="full")
    factories.ApplicationFactory(candidate=full, project=world.project, rank=1)
    phase_notifications_send(now=EARLY)
    mail.outbox.clear()

    sent = phase_notifications_send(now=CLOSES - dt.timedelta(days=7))

    assert sent == _sent(ranking=2)
    by_reader = {m.to[0]: m for m in mail.outbox}
    assert sorted(by_reader) == ["cand2@example.org", "cand@example.org"]
    body = " ".join(by_reader["cand@example.org"].body.split())
    assert (
        "Your saved rank list in 2027 Summer ranks 1 of the 2 projects you applied to: "
        "the others are on no list."
    ) in body
    assert "A project that is not on your saved list cannot be yours in the match." in body
    assert "no saved rank list" in by_reader["cand2@example.org"].body
