"""Writes for programs, calls and their phases."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from kakehashi.programs.enums import PhaseKind
from kakehashi.programs.models import Call, CallPhase, Program


def phase_require_open(*, call: Call, kinds: tuple[str, ...], now: dt.datetime | None = None):
    """Raise ValidationError unless one of the call's phases of `kinds` is open at `now`.

    The message names the deadline in the zone the phase was set in, so a
    candidate in Vancouver learns that a deadline “in Tokyo” has passed.
    """
    now = now or timezone.now()
    phases = [p for p in call.phases.all() if p.kind in kinds]
    if any(p.is_open(now) for p in phases):
        return
    label = ", ".join(str(PhaseKind(k).label) for k in kinds)
    if not phases:
        raise ValidationError(
            _("This call has no %(phase)s phase.") % {"phase": label}, code="phase_missing"
        )
    first = min(phases, key=lambda p: p.opens_at)
    last = max(phases, key=lambda p: p.closes_at)
    if now < first.opens_at:
        when = first.opens_local
        raise ValidationError(
            _("The %(phase)s phase opens on %(when)s (%(zone)s).")
            % {
                "phase": label,
                "when": formats.date_format(when, "DATETIME_FORMAT"),
                "zone": first.timezone,
            },
            code="phase_not_open",
        )
    when = last.closes_local
    raise ValidationError(
        _("The %(phase)s phase closed on %(when)s (%(zone)s).")
        % {
            "phase": label,
            "when": formats.date_format(when, "DATETIME_FORMAT"),
            "zone": last.timezone,
        },
        code="phase_closed",
    )


@transaction.atomic
def program_create(**fields) -> Program:
    program = Program(**fields)
    program.full_clean()
    program.save()
    return program


@transaction.atomic
def call_create(*, program: Program, phases: list[dict] | tuple = (), **fields) -> Call:
    """Create a call and its phases; each phase: kind, opens, closes (naive = local), timezone."""
    call = Call(program=program, **fields)
    call.full_clean()
    call.save()
    for spec in phases:
        call_phase_set(call=call, **spec)
    return call


@transaction.atomic
def call_phase_set(
    *, call: Call, kind: str, opens: dt.datetime, closes: dt.datetime, timezone: str
) -> CallPhase:
    """Set a phase window. Naive datetimes are read in `timezone`; stored in UTC."""
    try:
        zone = zoneinfo.ZoneInfo(timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise ValidationError(
            {"timezone": _("“%(value)s” is not a time zone.") % {"value": timezone}}
        ) from exc
    if opens.tzinfo is None:
        opens = opens.replace(tzinfo=zone)
    if closes.tzinfo is None:
        closes = closes.replace(tzinfo=zone)
    phase = CallPhase.objects.filter(call=call, kind=kind).first() or CallPhase(
        call=call, kind=kind
    )
    phase.opens_at = opens.astimezone(dt.UTC)
    phase.closes_at = closes.astimezone(dt.UTC)
    phase.timezone = timezone
    phase.full_clean()
    phase.save()
    return phase
