"""Mail of the review workflow: reviewers when the assignment is released and before
reviews are due, authors when the decision is made; each in the recipient's language."""

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from kakehashi.audit.models import AuditEntry
from kakehashi.review.models import Assignment
from kakehashi.review.services import (
    assignment_apply,
    assignment_release,
    proposal_decide,
    review_reminders_send,
    review_round_due_set,
    review_save,
)
from tests.kakehashi.review.helpers import open_round, run

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2031, 3, 1, 9, 0, tzinfo=dt.UTC)


def _assigned(rnd) -> dict[str, int]:
    counts: dict[str, int] = {}
    for a in Assignment.objects.filter(proposal__round=rnd).select_related("reviewer"):
        counts[a.reviewer.email] = counts.get(a.reviewer.email, 0) + 1
    return counts


@pytest.fixture
def applied(world, django_capture_on_commit_callbacks):
    world["r_ja"].preferred_language = "ja"
    world["r_ja"].save(update_fields=["preferred_language"])
    world["supervisors"]["grant"].preferred_language = "fr"
    world["supervisors"]["grant"].save(update_fields=["preferred_language"])
    rnd = open_round(world)
    assignment_apply(
        actor=world["officer"], run=run(world, rnd, django_capture_on_commit_callbacks)
    )
    mail.outbox.clear()
    return {**world, "round": rnd}


def test_release_mails_each_assigned_reviewer_once_in_their_language(
    applied, django_capture_on_commit_callbacks
):
    rnd, name = applied["round"], applied["call"].name
    review_round_due_set(
        actor=applied["officer"], round=rnd, reviews_due_at=timezone.now() + dt.timedelta(days=20)
    )
    counts = _assigned(rnd)
    with django_capture_on_commit_callbacks(execute=True):
        assignment_release(actor=applied["officer"], round=rnd)
    expected = sorted(
        (
            email,
            f"Kakehashi：{name} で審査する提案"
            if email == "r_ja@example.org"
            else f"Kakehashi: proposals to review in {name}",
        )
        for email in counts
    )
    assert sorted((m.to[0], m.subject) for m in mail.outbox) == expected
    assert "r_ja@example.org" in counts
    english = next(m for m in mail.outbox if m.to == ["r_en@example.org"])
    n = counts["r_en@example.org"]
    assert (
        f"{n} proposals are assigned to you" if n > 1 else "one proposal is assigned to you"
    ) in english.body
    assert "Reviews are due by" in english.body and "(Asia/Tokyo)" in english.body
    assert "/review/" in english.body
    japanese = next(m for m in mail.outbox if m.to == ["r_ja@example.org"])
    assert japanese.extra_headers["Content-Language"] == "ja"


def test_nothing_is_mailed_when_release_is_refused(world, django_capture_on_commit_callbacks):
    rnd = open_round(world)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        assignment_release(actor=world["officer"], round=rnd)
    assert mail.outbox == []


def test_reminder_before_reviews_are_due_once_per_date(applied, django_capture_on_commit_callbacks):
    rnd, name = applied["round"], applied["call"].name
    with django_capture_on_commit_callbacks(execute=True):
        assignment_release(actor=applied["officer"], round=rnd)
    # Set directly: the service refuses a date in the past of the real clock.
    rnd.reviews_due_at = NOW + dt.timedelta(hours=30)
    rnd.save()
    done = Assignment.objects.filter(proposal__round=rnd, reviewer=applied["r_en"]).first()
    review_save(
        reviewer=applied["r_en"],
        assignment=done,
        scores={"merit": 4, "feasibility": 4},
        comment_authors="Fine.",
        submit=True,
    )
    waiting = {
        a.reviewer.email
        for a in Assignment.objects.filter(proposal__round=rnd)
        .exclude(pk=done.pk)
        .select_related("reviewer")
    }
    mail.outbox.clear()
    # Three days before: too early.
    assert review_reminders_send(now=NOW - dt.timedelta(days=2)) == {"review_reminder": 0}
    assert review_reminders_send(now=NOW) == {"review_reminder": len(waiting)}
    expected = sorted(
        (
            email,
            f"リマインダー：{name} の審査の締め切りが近づいています"
            if email == "r_ja@example.org"
            else f"Reminder: your reviews for {name} are due soon",
        )
        for email in waiting
    )
    assert sorted((m.to[0], m.subject) for m in mail.outbox) == expected
    # Idempotent; a moved date is a new reminder.
    assert review_reminders_send(now=NOW + dt.timedelta(hours=1)) == {"review_reminder": 0}
    rnd.reviews_due_at = NOW + dt.timedelta(hours=40)
    rnd.save()
    assert review_reminders_send(now=NOW) == {"review_reminder": len(waiting)}
    # After the due date: nothing.
    assert review_reminders_send(now=NOW + dt.timedelta(days=3)) == {"review_reminder": 0}


def test_due_date_is_checked_and_audited(applied):
    rnd = applied["round"]
    with pytest.raises(ValidationError) as exc:
        review_round_due_set(
            actor=applied["officer"], round=rnd, reviews_due_at=dt.datetime(2040, 1, 1, 12)
        )
    assert exc.value.message_dict == {"reviews_due_at": ["Give the due date with its time zone."]}
    with pytest.raises(ValidationError) as exc:
        review_round_due_set(
            actor=applied["officer"], round=rnd, reviews_due_at=timezone.now() - dt.timedelta(1)
        )
    assert exc.value.message_dict == {"reviews_due_at": ["Reviews cannot be due in the past."]}
    with pytest.raises(ValidationError, match=r"Only program officers manage reviews\."):
        review_round_due_set(actor=applied["r_en"], round=rnd, reviews_due_at=None)
    due = dt.datetime(2040, 1, 1, 12, tzinfo=dt.UTC)
    review_round_due_set(actor=applied["officer"], round=rnd, reviews_due_at=due)
    entry = AuditEntry.objects.get(verb="review.due_set")
    assert entry.data == {"round": rnd.pk, "before": None, "after": "2040-01-01T12:00:00+00:00"}


def test_decision_mails_the_authors_in_their_language(applied, django_capture_on_commit_callbacks):
    rnd = applied["round"]
    with django_capture_on_commit_callbacks(execute=True):
        assignment_release(actor=applied["officer"], round=rnd)
    p2 = rnd.proposals.get(project__key="p2")
    first = Assignment.objects.filter(proposal=p2).order_by("pk").first()
    review_save(
        reviewer=first.reviewer,
        assignment=first,
        scores={"merit": 5, "feasibility": 4},
        comment_authors="Good.",
        submit=True,
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        proposal_decide(actor=applied["officer"], proposal=p2, decision="revise")
    # A revision sends the project back to its supervisors (review.gates): they hear
    # of that too, with the reviews' decision.
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (
            ["grant@example.org"],
            "Kakehashi : « Decoding EEG for brain-computer interfaces » a été renvoyé en brouillon",
        ),
        (
            ["grant@example.org"],
            "Kakehashi : l’évaluation de « Decoding EEG for brain-computer interfaces » "
            "est décidée",
        ),
    ]
    assert "Réviser" in mail.outbox[1].body
    assert "/review/decisions/" in mail.outbox[1].body
    # Reviewers' names are never in it.
    assert first.reviewer.username not in mail.outbox[1].body


def test_reviewers_page_shows_the_due_date_in_the_calls_zone(
    applied, django_capture_on_commit_callbacks
):
    from django.urls import reverse

    from tests.kakehashi.api_helpers import session_client

    # Imported here: only this test reads pages.
    rnd = applied["round"]
    review_round_due_set(
        actor=applied["officer"],
        round=rnd,
        reviews_due_at=dt.datetime(2040, 1, 31, 15, 0, tzinfo=dt.UTC),
    )
    with django_capture_on_commit_callbacks(execute=True):
        assignment_release(actor=applied["officer"], round=rnd)
    page = session_client(applied["r_en"]).get(reverse("review:reviewing")).content.decode()
    assert "Reviews are due by Feb. 1, 2040, midnight (Asia/Tokyo)." in page
