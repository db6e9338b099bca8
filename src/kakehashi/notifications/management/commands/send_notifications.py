import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from kakehashi.jobs.services import job_enqueue
from kakehashi.notifications.services import phase_notifications_send
from kakehashi.notifications.tasks import PHASES_JOB


class Command(BaseCommand):
    help = (
        "Send the phase e-mails that are due: a phase opened, a deadline in 48 hours. "
        "Each goes once per person, so run it as often as you like (e.g. hourly from cron)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--call", default="", help="Only this call (its slug).")
        parser.add_argument(
            "--now", default="", help="Act as if it were this time (ISO 8601 with offset)."
        )
        parser.add_argument(
            "--queue",
            action="store_true",
            help="Queue a notifications.phases job instead of sending here.",
        )

    def handle(self, *args, call: str, now: str, queue: bool, **options):
        at = None
        if now:
            try:
                at = dt.datetime.fromisoformat(now)
            except ValueError as exc:
                raise CommandError(f"--now: not an ISO 8601 time: {now!r}") from exc
            if at.tzinfo is None:
                raise CommandError("--now: give the time with its offset, e.g. +09:00 or Z")
        if queue:
            params = {k: v for k, v in {"call": call, "now": now}.items() if v}
            job = job_enqueue(kind=PHASES_JOB, params=params)
            self.stdout.write(f"Queued job {job.pk}.")
            return
        sent = phase_notifications_send(now=at, call_slug=call)
        self.stdout.write(
            f"Sent {sent['phase_opened']} phase-opened and "
            f"{sent['deadline_reminder']} deadline-reminder e-mails."
        )
