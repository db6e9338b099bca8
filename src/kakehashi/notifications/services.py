"""E-mail to participants, in each recipient's own language.

A kind of notification is one template, ``notifications/<kind>.txt``, found in
any app's templates: its first line is the subject, the rest the body. It is
rendered once per recipient under their ``preferred_language`` and time zone,
so a Japanese candidate and a French supervisor of the same run each read
their own language and their own clock.

`notify_once` sends a kind about a key (``call:12:applications:opened``) at
most once per person, recorded in `NotificationLog`; `phase_notifications_send`
tells participants that a phase opened and reminds, 48 hours before a phase
closes, those who still have something to do; candidates with applications and
no saved rank list are also reminded 7 days and 2 hours before the ranking
deadline (docs/notifications.md).
"""

from __future__ import annotations

import datetime as dt
import logging
import zoneinfo
from collections.abc import Callable

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from kakehashi.notifications import selectors
from kakehashi.notifications.models import NotificationLog
from kakehashi.programs.enums import CallStatus, PhaseKind
from kakehashi.programs.selectors import call_list

logger = logging.getLogger(__name__)


def site_link(name: str, *args) -> str:
    """The full address of the page `name` (a URL name, with its `args`), for a mail."""
    return settings.SITE_URL + reverse(name, args=args)


def notify(*, user, kind: str, context: dict | None = None) -> bool:
    """Send one notification of `kind` to `user`; False when they have no address."""
    if not user.email:
        return False
    language = user.preferred_language or settings.LANGUAGE_CODE
    try:
        zone = zoneinfo.ZoneInfo(user.timezone or settings.TIME_ZONE)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    with translation.override(language), timezone.override(zone):
        text = render_to_string(
            f"notifications/{kind}.txt",
            {"user": user, "site_url": settings.SITE_URL, **(context or {})},
        ).strip()
    subject, _, body = text.partition("\n")
    message = EmailMessage(
        # One line whatever went into it: a line break in a header would inject headers.
        subject=" ".join(subject.split()),
        body=body.strip() + "\n",
        to=[user.email],
        headers={"Content-Language": language},
    )
    message.send()
    logger.info("notification %s sent to user %s", kind, user.pk)
    return True


def notify_after_commit(*, user, kind: str, context: dict | None = None) -> None:
    """Send `kind` to `user` once the transaction commits: nothing is announced that did
    not happen. A failed delivery is logged, not raised: it must not stop the others."""

    def send() -> None:
        try:
            notify(user=user, kind=kind, context=context)
        except Exception:
            logger.exception("notification %s to user %s failed", kind, user.pk)

    transaction.on_commit(send)


def notify_all_after_commit(users, kind: str, context: dict | None = None) -> None:
    """`notify_after_commit` for each of `users`, with the same context."""
    for user in users:
        notify_after_commit(user=user, kind=kind, context=context)


def notify_once(*, user, kind: str, key: str, context: dict | None = None) -> bool:
    """Send `kind` about `key` to `user` unless it was sent before; True when sent now.

    The log row and the mail share one transaction: a mail that fails to go
    leaves no row, so the next run tries again.
    """

    try:
        with transaction.atomic():
            _log, created = NotificationLog.objects.get_or_create(user=user, kind=kind, key=key)
            if not created:
                return False
            notify(user=user, kind=kind, context=context)
    except IntegrityError:  # another sender logged it first
        return False
    return True


#: How long before a phase closes its reminder goes out.
REMINDER_BEFORE = dt.timedelta(hours=48)
PHASE_OPENED = "phase_opened"
DEADLINE_REMINDER = "deadline_reminder"
RANKING_REMINDER = "ranking_reminder"
#: The ladder of reminders before the ranking deadline (the applications phase's
#: close), largest first, with the text of each. The 48-hour step is the deadline
#: reminder above (which also goes to those without a saved list); the others go
#: only to candidates with applications and no saved rank list.
RANKING_THRESHOLDS = (
    ("7d", dt.timedelta(days=7)),
    ("48h", REMINDER_BEFORE),
    ("2h", dt.timedelta(hours=2)),
)


def ranking_threshold(*, left: dt.timedelta) -> str | None:
    """The step of the ladder due when `left` remains before the deadline: the
    smallest threshold at least `left` (a late run sends only the latest step)."""
    due = None
    for name, before in RANKING_THRESHOLDS:
        if left <= before:
            due = name
    return due


def _path(call, role: str, details: dict) -> str:
    if role == "supervisor":
        return reverse("applications:host_ranking", args=[call.slug])
    if details.get("applied"):
        return reverse("applications:rank", args=[call.slug])
    return reverse("projects:list") + f"?call={call.slug}"


def phase_notifications_send(
    *,
    now: dt.datetime | None = None,
    call_slug: str = "",
    progress: Callable[[int, int, str], None] | None = None,
) -> dict[str, int]:
    """Send what is due for the open phases of every call that is not a draft.

    * ``phase_opened``, once per phase: applications → eligible candidates;
      host ranking → supervisors of the call's published projects.
    * ``ranking_reminder``, once per deadline and step (7 days, then 2 hours before
      applications close): candidates with applications and no saved rank list.
    * ``deadline_reminder``, once per deadline (a moved deadline is a new one),
      from 48 hours before a phase closes: applications → eligible candidates
      who have not applied or could rank more; host ranking → supervisors with
      applicants not in their ranking. Someone told in this same run that the
      phase opened is not reminded (that mail names the deadline).

    Idempotent: run it as often as you like (``send_notifications`` from cron,
    or the ``notifications.phases`` job). Answers how many mails went out.
    """

    now = now or timezone.now()
    calls = list(call_list().exclude(status=CallStatus.DRAFT))
    if call_slug:
        calls = [c for c in calls if c.slug == call_slug]
    sent = {PHASE_OPENED: 0, DEADLINE_REMINDER: 0, RANKING_REMINDER: 0}
    for done, call in enumerate(calls):
        if progress:
            progress(done, len(calls), call.slug)
        for phase in call.phases.all():
            if not phase.is_open(now):
                continue
            if phase.kind == PhaseKind.APPLICATIONS:
                opened = [
                    selectors.Recipient(user=u, role="candidate")
                    for u in selectors.candidates_eligible(call=call)
                ]
            elif phase.kind == PhaseKind.HOST_RANKING:
                opened = [
                    selectors.Recipient(user=u, role="supervisor")
                    for u in selectors.supervisors_of_call(call=call)
                ]
            else:  # matching is the officers' work; offers are mailed by the offers app
                continue
            told_now = set()
            key = f"call:{call.pk}:{phase.kind}:opened"
            for r in opened:
                context = {"call": call, "phase": phase, "role": r.role}
                context["path"] = _path(call, r.role, r.details)
                if notify_once(user=r.user, kind=PHASE_OPENED, key=key, context=context):
                    sent[PHASE_OPENED] += 1
                    told_now.add(r.user.pk)
            if phase.kind == PhaseKind.APPLICATIONS:
                sent[RANKING_REMINDER] += _ranking_reminders_send(call, phase, now, told_now)
            if phase.closes_at - now > REMINDER_BEFORE:
                continue
            waiting = (
                selectors.candidates_with_something_to_do(call=call)
                if phase.kind == PhaseKind.APPLICATIONS
                else selectors.supervisors_with_unranked_applicants(call=call)
            )
            key = f"call:{call.pk}:{phase.kind}:closes:{phase.closes_at:%Y-%m-%dT%H:%M:%SZ}"
            for r in waiting:
                if r.user.pk in told_now:
                    NotificationLog.objects.get_or_create(
                        user=r.user, kind=DEADLINE_REMINDER, key=key
                    )
                    continue
                context = {"call": call, "phase": phase, "role": r.role, **r.details}
                context["path"] = _path(call, r.role, r.details)
                if notify_once(user=r.user, kind=DEADLINE_REMINDER, key=key, context=context):
                    sent[DEADLINE_REMINDER] += 1
    if progress:
        progress(len(calls), len(calls), "")
    return sent


def _ranking_reminders_send(call, phase, now: dt.datetime, told_now: set[int]) -> int:
    """Remind candidates with applications and no saved rank list, at the 7-day and
    2-hour steps before `phase` (applications) closes; once per person, deadline and
    step (`NotificationLog`). The 48-hour step is the deadline reminder's."""
    step = ranking_threshold(left=phase.closes_at - now)
    if step is None or step == "48h":
        return 0
    key = f"call:{call.pk}:ranking:{phase.closes_at:%Y-%m-%dT%H:%M:%SZ}:{step}"
    sent = 0
    for r in selectors.candidates_without_rank_list(call=call):
        if r.user.pk in told_now:
            continue
        context = {"call": call, "phase": phase, "step": step, **r.details}
        context["path"] = reverse("applications:rank", args=[call.slug])
        if notify_once(user=r.user, kind=RANKING_REMINDER, key=key, context=context):
            sent += 1
    return sent
