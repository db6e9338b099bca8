"""Writes for programs, calls and their phases."""

from __future__ import annotations

import contextlib
import datetime as dt
import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from kakehashi.audit.models import AuditEntry
from kakehashi.audit.services import audit_record
from kakehashi.core.models import possible_ids
from kakehashi.jobs.services import job_enqueue
from kakehashi.organisations.models import Organisation
from kakehashi.organisations.validators import normalise_ror
from kakehashi.programs.enums import PhaseKind
from kakehashi.programs.models import Call, CallPhase, Program
from kakehashi.programs.policy import Cap, MatchPolicy, PolicyError
from kakehashi.programs.signals import phase_activity, phase_opening, placement_budget
from kakehashi.programs.validators import eligibility_clean, level_meets

#: The job that mails participants about phases (registered by the notifications app).
PHASE_NOTIFICATIONS_JOB = "notifications.phases"
#: Slugs a call may not take: they name pages (/calls/new/) or look like ids (/api/v1/calls/12).
RESERVED_CALL_SLUGS = ("new",)
PROGRAM_FIELDS = (
    "slug",
    "name_en",
    "name_fr",
    "name_ja",
    "directions",
    "eligible_levels",
    "unit_weeks_min",
    "unit_weeks_max",
    "max_units_per_person",
    "funding_rules",
)
CALL_FIELDS = (
    "slug",
    "name_en",
    "name_fr",
    "name_ja",
    "status",
    "timezone",
    "ranking_limit",
    "match_policy",
    "eligibility",
)


def phase_require_open(
    *,
    call: Call,
    kinds: tuple[str, ...],
    now: dt.datetime | None = None,
    received_at: dt.datetime | None = None,
):
    """Raise ValidationError unless one of the call's phases of `kinds` is open at `now`,
    or at `received_at` when given: when what is checked was sent (the request's
    arrival, ``core.middleware.RequestArrivalMiddleware``), so that a list sent before
    the deadline but processed after it by a busy server counts. `received_at` is taken
    at most ``REQUEST_ARRIVAL_GRACE_SECONDS`` before `now`, and never after it.

    The message names the deadline in the zone the phase was set in, so a
    candidate in Vancouver learns that a deadline “in Tokyo” has passed.
    """
    now = now or timezone.now()
    if received_at is not None:
        grace = dt.timedelta(seconds=settings.REQUEST_ARRIVAL_GRACE_SECONDS)
        now = min(now, max(received_at, now - grace))
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
    # The reader's zone (their profile's, activated per request; UTC for a job).
    reader = timezone.get_current_timezone()
    if now < first.opens_at:
        phase, at, code = first, first.opens_at, "phase_not_open"
    else:
        phase, at, code = last, last.closes_at, "phase_closed"
    same_zone = str(getattr(reader, "key", reader)) == phase.timezone
    if code == "phase_not_open":
        message = (
            _("The %(phase)s phase opens on %(when)s (%(zone)s).")
            if same_zone
            else _(
                "The %(phase)s phase opens on %(when)s (%(zone)s), "
                "that is %(mine)s in your time zone (%(my_zone)s)."
            )
        )
    else:
        message = (
            _("The %(phase)s phase closed on %(when)s (%(zone)s).")
            if same_zone
            else _(
                "The %(phase)s phase closed on %(when)s (%(zone)s), "
                "that is %(mine)s in your time zone (%(my_zone)s)."
            )
        )
    raise ValidationError(
        message
        % {
            "phase": label,
            "when": formats.date_format(
                at.astimezone(zoneinfo.ZoneInfo(phase.timezone)), "DATETIME_FORMAT"
            ),
            "zone": phase.timezone,
            "mine": formats.date_format(at.astimezone(reader), "DATETIME_FORMAT"),
            "my_zone": str(getattr(reader, "key", reader)),
        },
        code=code,
    )


# ---------------------------------------------------------------- eligibility


def call_eligibility_errors(call: Call, candidate) -> list[str]:
    """Why `candidate` may not apply in `call`, as translated sentences; [] when eligible.

    Checks the program's academic levels and directions and the call's own
    minimum language levels (docs/calls.md). Where the project is hosted is
    a matter of the project, checked by the applications app. Uses
    ``candidate.languages.all()``, so prefetch it when checking many people.
    """
    profile = getattr(candidate, "candidate_profile", None)
    if profile is None:
        return [_("Only candidates with a candidate profile can apply.")]
    program = call.program
    errors = []
    if profile.level not in program.eligible_levels:
        errors.append(
            _("Your academic level (%(level)s) is not eligible for this program.")
            % {"level": profile.get_level_display()}
        )
    if profile.direction not in program.directions:
        errors.append(_("This program does not fund your direction of mobility."))
    wanted = (call.eligibility or {}).get("languages") or []
    if wanted:
        held = {s.language: s.level for s in candidate.languages.all()}
        met = [level_meets(held.get(w["language"], ""), w["level"]) for w in wanted]
        rule = (call.eligibility or {}).get("languages_rule", "all")
        if not (any(met) if rule == "any" else all(met)):
            needs = (" " + _("or") + " " if rule == "any" else ", ").join(
                f"{w['language']} {w['level']}" for w in wanted
            )
            errors.append(
                _("This call asks for these language levels: %(needs)s.") % {"needs": needs}
            )
    return errors


def call_require_eligible(*, call: Call, candidate) -> None:
    """Raise ValidationError (code ``ineligible``) unless `candidate` is eligible in `call`."""
    errors = call_eligibility_errors(call, candidate)
    if errors:
        raise ValidationError(errors, code="ineligible")


# ---------------------------------------------------------------- programs


@transaction.atomic
def program_create(**fields) -> Program:
    unknown = sorted(set(fields) - set(PROGRAM_FIELDS))
    if unknown:
        raise TypeError(f"program_create: unknown fields {unknown}")
    program = Program(**fields)
    program.full_clean()
    program.save()
    return program


@transaction.atomic
def program_update(*, program: Program, **fields) -> Program:
    """Change the given fields of a program; refused as a whole when any is invalid."""
    unknown = sorted(set(fields) - set(PROGRAM_FIELDS))
    if unknown:
        raise TypeError(f"program_update: unknown fields {unknown}")
    for name, value in fields.items():
        setattr(program, name, value)
    try:
        program.full_clean()
    except ValidationError:
        program.refresh_from_db()
        raise
    program.save()
    return program


# ---------------------------------------------------------------- calls


def _prefixed(exc: ValidationError, prefix: str) -> ValidationError:
    """Errors of a nested JSON value keyed by their path under the call's field."""
    if not hasattr(exc, "error_dict"):
        return ValidationError({prefix: exc.error_list})
    return ValidationError(
        {
            (prefix if key == "__all__" else f"{prefix}.{key}"): errors
            for key, errors in exc.error_dict.items()
        }
    )


def _reserve_organisations(keys: list[str]) -> dict[str, int]:
    """The organisation id each reserve key names: a ROR id (in any of its written
    forms) or an id of a known organisation."""
    rors: dict[str, str] = {}
    for key in keys:
        with contextlib.suppress(ValidationError):
            rors[key] = normalise_ror(key)
    by_ror = dict(
        Organisation.objects.filter(ror_id__in=set(rors.values())).values_list("ror_id", "pk")
    )
    ids = {int(k) for k in keys if k.isdecimal()}
    known = set(Organisation.objects.filter(pk__in=possible_ids(ids)).values_list("pk", flat=True))
    out = {}
    for key in keys:
        # A ROR id may be all digits ("012345678"), so it is tried before an id.
        if rors.get(key) in by_ror:
            out[key] = by_ror[rors[key]]
        elif key.isdecimal() and int(key) in known:
            out[key] = int(key)
    return out


def match_policy_parse(data) -> MatchPolicy:
    """Check a policy given as data (`MatchPolicy.from_data`), its reserves resolved
    to known organisations; raise `PolicyError` otherwise. Never changes `data`."""
    if isinstance(data, MatchPolicy):
        data = data.to_data()
    return MatchPolicy.from_data(data, organisations=_reserve_organisations)


def policy_with_budget_caps(*, call: Call, policy: MatchPolicy) -> MatchPolicy:
    """`policy` with the caps the funders' remaining budgets set (``placement_budget``):
    a direction cap of that many places, or a lower capacity on a direction cap that
    already covers the direction. Caps need student-proposing matching: a run in
    another mode under a budget cap is refused."""
    caps = list(policy.caps)
    added = []
    for _receiver, answer in placement_budget.send(sender=Call, call=call):
        for limit in answer or ():
            direction, places = limit["direction"], max(0, int(limit["places"]))
            for i, cap in enumerate(caps):
                if cap.kind == "direction" and direction in cap.values:
                    if places < cap.capacity:
                        reserves = tuple((k, min(v, places)) for k, v in cap.reserves)
                        caps[i] = Cap(cap.label, cap.kind, cap.values, places, reserves)
                    break
            else:
                caps.append(Cap(limit["label"], "direction", (direction,), places))
            added.append(limit)
    if not added:
        return policy
    if policy.mode != "student":
        raise ValidationError(
            _(
                "The funders' remaining budget caps the placements of this call, and caps "
                "need student-proposing matching: choose the student mode."
            ),
            code="budget_cap_mode",
        )
    return match_policy_parse(MatchPolicy(mode=policy.mode, seed=policy.seed, caps=tuple(caps)))


def _call_check(call: Call) -> None:
    errors = {}
    if call.slug in RESERVED_CALL_SLUGS or (call.slug or "").isdecimal():
        errors["slug"] = [
            _("“%(slug)s” cannot be a call's slug: choose one with letters.") % {"slug": call.slug}
        ]
    policy_error = None
    try:
        call.match_policy = match_policy_parse(call.match_policy).to_data()
    except PolicyError as exc:
        policy_error = exc
    try:
        call.eligibility = eligibility_clean(call.eligibility)
    except ValidationError as exc:
        errors.update(_prefixed(exc, "eligibility").error_dict)
    try:
        call.full_clean()
    except ValidationError as exc:
        for key, value in exc.error_dict.items():
            errors.setdefault(key, []).extend(value)
    if policy_error is not None:
        raise policy_error.under("match_policy", others=errors)
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def call_create(*, program: Program, phases: list[dict] | tuple = (), actor=None, **fields) -> Call:
    """Create a call and its phases; each phase: kind, opens, closes (naive = local), timezone."""
    unknown = sorted(set(fields) - set(CALL_FIELDS))
    if unknown:
        raise TypeError(f"call_create: unknown fields {unknown}")
    call = Call(program=program, **fields)
    _call_check(call)
    call.save()
    for i, spec in enumerate(phases):
        try:
            call_phase_set(call=call, **spec)
        except ValidationError as exc:
            raise _prefixed(exc, f"phases.{i}") from exc
    if actor is not None:
        audit_record(scope=call, verb="call.created", actor=actor, target=call.slug)
    return call


@transaction.atomic
def call_update(*, call: Call, actor=None, **fields) -> Call:
    """Change the given fields of a call (not its program); all or nothing."""
    unknown = sorted(set(fields) - set(CALL_FIELDS))
    if unknown:
        raise TypeError(f"call_update: unknown fields {unknown}")
    before = {name: getattr(call, name) for name in fields}
    for name, value in fields.items():
        setattr(call, name, value)
    try:
        _call_check(call)
    except ValidationError:
        call.refresh_from_db()
        raise
    call.save()
    changed = sorted(name for name in fields if before[name] != getattr(call, name))
    if actor is not None and changed:
        audit_record(
            scope=call, verb="call.updated", actor=actor, target=call.slug, data={"fields": changed}
        )
    return call


@transaction.atomic
def call_match_policy_set(*, call: Call, policy: dict | MatchPolicy, actor=None) -> Call:
    """Replace the call's match policy (docs/calls.md); errors keyed by path in the policy."""
    clean = match_policy_parse(policy).to_data()
    if clean != call.match_policy:
        call.match_policy = clean
        call.full_clean()
        call.save(update_fields=["match_policy", "updated_at"])
        audit_record(scope=call, verb="policy.set", actor=actor, target=call.slug, data=clean)
    return call


# ---------------------------------------------------------------- phases

#: The years a phase's opening and closing may fall in.
PHASE_YEARS = (2000, 2100)


@transaction.atomic
def call_phase_set(
    *,
    call: Call,
    kind: str,
    opens: dt.datetime,
    closes: dt.datetime,
    timezone: str,
    actor=None,
) -> CallPhase:
    """Set a phase window. Naive datetimes are read in `timezone`; stored in UTC.

    With an `actor` (an officer on a page or the API) the change is audited.
    """
    if kind not in PhaseKind.values:
        raise ValidationError(
            {"kind": _("“%(kind)s” is not a phase of a call.") % {"kind": kind}}, code="invalid"
        )
    try:
        zone = zoneinfo.ZoneInfo(timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise ValidationError(
            {"timezone": _("“%(value)s” is not a time zone.") % {"value": timezone}}
        ) from exc
    for name, value in (("opens", opens), ("closes", closes)):
        # A phase of a call of this program lies in this century; a year like 569 is a
        # typing slip, and its zone's local-mean-time offset cannot even be shown.
        if not PHASE_YEARS[0] <= value.year <= PHASE_YEARS[1]:
            raise ValidationError(
                {
                    name: _("Choose a date between the years %(first)s and %(last)s.")
                    % {"first": PHASE_YEARS[0], "last": PHASE_YEARS[1]}
                },
                code="out_of_range",
            )
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
    if actor is not None:
        audit_record(
            scope=call,
            verb="phase.set",
            actor=actor,
            target=kind,
            data=_phase_data(phase),
        )
    return phase


def _phase_data(phase: CallPhase) -> dict:
    return {
        "opens_at": phase.opens_at.isoformat(),
        "closes_at": phase.closes_at.isoformat(),
        "timezone": phase.timezone,
    }


def _phase_or_refuse(call: Call, kind: str) -> CallPhase:
    if kind not in PhaseKind.values:
        raise ValidationError(
            {"kind": _("“%(kind)s” is not a phase of a call.") % {"kind": kind}}, code="invalid"
        )
    phase = CallPhase.objects.select_for_update().filter(call=call, kind=kind).first()
    if phase is None:
        raise ValidationError(
            _("This call has no %(phase)s phase yet: set its dates first.")
            % {"phase": PhaseKind(kind).label},
            code="phase_missing",
        )
    return phase


def _phase_move(
    call: Call, phase: CallPhase, field: str, now: dt.datetime, *, verb: str, actor
) -> None:
    """Set the phase's `field` (opens_at or closes_at) to `now` and audit it with
    the time it replaces."""
    before = getattr(phase, field)
    setattr(phase, field, now)
    phase.full_clean()
    phase.save(update_fields=[field])
    audit_record(
        scope=call,
        verb=verb,
        actor=actor,
        target=phase.kind,
        data={**_phase_data(phase), "was": before.isoformat()},
    )


def _when(value: dt.datetime, zone: str) -> str:
    local = value.astimezone(zoneinfo.ZoneInfo(zone))
    return f"{formats.date_format(local, 'DATETIME_FORMAT')} ({zone})"


@transaction.atomic
def call_phase_open_now(
    *, call: Call, kind: str, actor=None, now: dt.datetime | None = None
) -> CallPhase:
    """Open a phase at the current second (its closing time stays); audited.

    Refused when the phase is already open or its closing time has passed (set
    a later one first). Participants are told by the phase notifications job.
    """
    now = (now or timezone.now()).replace(microsecond=0)
    phase = _phase_or_refuse(call, kind)
    if phase.is_open(now):
        raise ValidationError(
            _("The %(phase)s phase is already open.") % {"phase": phase.get_kind_display()},
            code="already_open",
        )
    if phase.closes_at <= now:
        raise ValidationError(
            _("The %(phase)s phase closed on %(when)s; set a later closing time before opening it.")
            % {"phase": phase.get_kind_display(), "when": _when(phase.closes_at, phase.timezone)},
            code="phase_closed",
        )
    phase_require_order(call=call, kind=kind, now=now)
    _phase_move(call, phase, "opens_at", now, verb="phase.opened", actor=actor)
    job_enqueue(kind=PHASE_NOTIFICATIONS_JOB, params={"call": call.slug}, user=actor)
    return phase


def phase_require_order(*, call: Call, kind: str, now: dt.datetime | None = None) -> None:
    """Refuse opening `kind` now while an earlier phase of the call is still open or yet
    to come (phases follow PhaseKind's order), or while an app above refuses (offers
    need a published run). The message says which phase and when it closes."""
    now = now or timezone.now()
    order = list(PhaseKind.values)
    earlier = order[: order.index(kind)]
    for phase in sorted(
        (p for p in call.phases.all() if p.kind in earlier), key=lambda p: order.index(p.kind)
    ):
        if phase.closes_at > now:
            raise ValidationError(
                _(
                    "The %(phase)s phase cannot open before the %(earlier)s phase closes "
                    "(it closes on %(when)s)."
                )
                % {
                    "phase": PhaseKind(kind).label,
                    "earlier": phase.get_kind_display(),
                    "when": _when(phase.closes_at, phase.timezone),
                },
                code="phase_order",
            )
    for _receiver, reason in phase_opening.send(sender=Call, call=call, kind=kind, now=now):
        if reason:
            raise ValidationError(reason, code="phase_order")


@transaction.atomic
def call_phase_open_undo(
    *, call: Call, kind: str, actor=None, now: dt.datetime | None = None
) -> CallPhase:
    """Undo a phase opened by mistake: its opening time goes back to what it was before
    the last "open now"; audited (``phase.opening_undone``).

    Refused unless the phase is open because of an "open now", its former opening time
    is still ahead, and nothing has happened in it since it opened (no application
    submitted, no rank list saved, no offer answered: the apps above answer
    ``phase_activity``)."""
    now = (now or timezone.now()).replace(microsecond=0)
    phase = _phase_or_refuse(call, kind)
    label = phase.get_kind_display()
    opened = (
        AuditEntry.objects.for_scope(call)
        .filter(verb="phase.opened", target=kind)
        .order_by("-at", "-pk")
        .first()
    )
    if (
        not phase.is_open(now)
        or opened is None
        or opened.data.get("opens_at") != phase.opens_at.isoformat()
    ):
        raise ValidationError(
            _("The %(phase)s phase was not opened with “open now”: there is nothing to undo.")
            % {"phase": label},
            code="nothing_to_undo",
        )
    was = dt.datetime.fromisoformat(opened.data["was"])
    if was <= now:
        raise ValidationError(
            _("The %(phase)s phase would have opened on %(when)s anyway: there is nothing to undo.")
            % {"phase": label, "when": _when(was, phase.timezone)},
            code="nothing_to_undo",
        )
    done = sum(
        count or 0
        for _receiver, count in phase_activity.send(
            sender=Call, call=call, kind=kind, since=phase.opens_at
        )
    )
    if done:
        raise ValidationError(
            _(
                "The %(phase)s phase cannot be undone: participants have acted in it since "
                "it opened (%(count)d actions). Close it instead."
            )
            % {"phase": label, "count": done},
            code="phase_in_use",
        )
    _phase_move(call, phase, "opens_at", was, verb="phase.opening_undone", actor=actor)
    return phase


@transaction.atomic
def call_phase_close_now(
    *, call: Call, kind: str, actor=None, now: dt.datetime | None = None
) -> CallPhase:
    """Close an open phase at the current second; audited. From that second on,
    actions of the phase are refused at the server."""
    now = (now or timezone.now()).replace(microsecond=0)
    phase = _phase_or_refuse(call, kind)
    if not phase.is_open(now):
        if now < phase.opens_at:
            message = _("The %(phase)s phase has not opened yet: it opens on %(when)s.")
            when = phase.opens_at
        else:
            message = _("The %(phase)s phase is already closed: it closed on %(when)s.")
            when = phase.closes_at
        raise ValidationError(
            message % {"phase": phase.get_kind_display(), "when": _when(when, phase.timezone)},
            code="not_open",
        )
    if phase.opens_at >= now:
        raise ValidationError(
            _("The %(phase)s phase opened this very second; close it a second later.")
            % {"phase": phase.get_kind_display()},
            code="too_soon",
        )
    _phase_move(call, phase, "closes_at", now, verb="phase.closed", actor=actor)
    return phase
