"""The signed-in person's home (`/home/`): what to do next, by role.

Programs owns the page and the calls' deadlines; every other card comes from the app
that owns its data, through ``programs.signals.home_cards`` (programs must not import
the apps above it). A receiver answers a list of `HomeCard`; the page groups them by
role and orders them by `order`. A new app (documents and letters, say) adds its card
by connecting a receiver in its ``ready()``; nothing here changes.

Receivers must keep the page's query count bounded: one or two queries per card,
whatever the number of rows (``tests/kakehashi/programs/test_home.py`` fixes it).

The page's sections are kept per person (`home_html`, core.cache.person_fragment) until
a write to a table the activity version watches, or a moment that changes them by time
alone: a card whose content changes at a moment of its own (an offer's deadline) says
so in `HomeCard.valid_until`; its calls' phases opening and closing the home adds."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from kakehashi.core.cache import person_fragment, versioned
from kakehashi.core.roles import is_officer
from kakehashi.people.models import CandidateProfile
from kakehashi.people.selectors import affiliation_requests_to_decide
from kakehashi.programs.enums import CallStatus, PhaseKind
from kakehashi.programs.models import Call, CallPhase
from kakehashi.programs.signals import home_cards as home_cards_signal

#: The roles of the home, in the order their sections are shown.
ROLES = ("candidate", "supervisor", "org_admin", "officer", "reviewer")
ROLE_LABELS = {
    "candidate": _("As a candidate"),
    "supervisor": _("As a host supervisor"),
    "org_admin": _("As an organisation admin"),
    "officer": _("As a program officer"),
    "reviewer": _("As a reviewer"),
}


@dataclass
class HomeCard:
    """One card of the home: a title, a template that shows `context`, and the next step
    (a sentence, "" when there is nothing to do)."""

    role: str
    order: int
    title: str
    template: str
    context: dict = field(default_factory=dict)
    next_step: str = ""
    #: When the card stops being true by time alone, beyond its calls' phases opening
    #: and closing (which the home accounts for): an offer's deadline passing, say.
    valid_until: dt.datetime | None = None


@dataclass
class HomeContext:
    """What every receiver is given: who, their roles, the calls still running, now."""

    user: object
    roles: frozenset[str]
    calls: list[Call]
    now: dt.datetime


@dataclass
class HomeSection:
    role: str
    label: str
    cards: list[HomeCard]


def home_cards_for_roles(
    home: HomeContext, builders: dict[str, Callable[[HomeContext], HomeCard]]
) -> list[HomeCard]:
    """The cards of `builders` (role → card builder) for the roles `home`'s person has,
    in the order of `builders`: what each app's ``home_cards`` receiver answers."""
    return [build(home) for role, build in builders.items() if role in home.roles]


def home_roles(user) -> frozenset[str]:
    """The roles the home has a section for, in one query."""
    model = user._meta.model
    row = (
        model._default_manager.filter(pk=user.pk)
        .annotate(
            supervises=Exists(user.supervisions.all()),
            invited=Exists(user.supervision_invitations.all()),
            org_admin=Exists(user.affiliations.filter(role="admin")),
            candidate=Exists(CandidateProfile.objects.filter(user_id=OuterRef("pk"))),
        )
        .values_list("supervises", "invited", "org_admin", "candidate")
        .first()
    )
    supervises, invited, org_admin, candidate = row or (False, False, False, False)
    roles = set()
    if candidate:
        roles.add("candidate")
    if supervises or invited:
        roles.add("supervisor")
    if org_admin:
        roles.add("org_admin")
    if is_officer(user):
        roles.add("officer")
    if getattr(user, "is_reviewer", False):
        roles.add("reviewer")
    return frozenset(roles)


def calls_running(*, officer: bool) -> list[Call]:
    """Calls not closed, with their phases: open ones, and drafts for officers."""
    statuses = [CallStatus.OPEN, CallStatus.DRAFT] if officer else [CallStatus.OPEN]
    return list(
        Call.objects.filter(status__in=statuses)
        .select_related("program")
        .prefetch_related("phases")
        .order_by("-created_at", "slug")
    )


def phases_open(call: Call, now: dt.datetime) -> list[CallPhase]:
    """The phases of `call` open at `now`, in the phases' order (prefetched; they may overlap)."""
    order = list(PhaseKind.values)
    return sorted(
        (p for p in call.phases.all() if p.opens_at <= now < p.closes_at),
        key=lambda p: order.index(p.kind),
    )


def phase_next_deadline(call: Call, now: dt.datetime) -> CallPhase | None:
    """The phase of `call` whose deadline comes next after `now`."""
    upcoming = [p for p in call.phases.all() if p.closes_at > now]
    return min(upcoming, key=lambda p: p.closes_at, default=None)


def _programs_cards(ctx: HomeContext) -> list[HomeCard]:
    """Programs' own cards: a participant's deadlines; an officer's calls and phases;
    (a reviewer's card is the review app's)."""
    cards = []
    deadlines = [
        {"call": call, "phase": phase, "open": phase.opens_at <= ctx.now}
        for call in ctx.calls
        if call.status == CallStatus.OPEN
        for phase in call.phases.all()
        if phase.closes_at > ctx.now
    ]
    deadlines.sort(key=lambda row: row["phase"].closes_at)
    for role in ("candidate", "supervisor"):
        if role in ctx.roles:
            cards.append(
                HomeCard(
                    role=role,
                    order=10,
                    title=_("Deadlines"),
                    template="programs/home/deadlines.html",
                    context={"deadlines": deadlines},
                )
            )
    if "officer" in ctx.roles:
        rows = [
            {
                "call": call,
                "current": ", ".join(str(p.get_kind_display()) for p in phases_open(call, ctx.now)),
                "next": phase_next_deadline(call, ctx.now),
            }
            for call in ctx.calls
        ]
        cards.append(
            HomeCard(
                role="officer",
                order=10,
                title=_("Calls and their phases"),
                template="programs/home/officer_calls.html",
                context={"rows": rows},
                next_step=_("No call is running: create one.") if not rows else "",
            )
        )
    if "org_admin" in ctx.roles:
        requests = list(affiliation_requests_to_decide(user=ctx.user)[:10])
        cards.append(
            HomeCard(
                role="org_admin",
                order=20,
                title=_("Affiliation requests"),
                template="programs/home/affiliation_requests.html",
                context={"requests": requests},
                next_step=(
                    _("Confirm or refuse the affiliation requests to your organisations.")
                    if requests
                    else ""
                ),
            )
        )
    return cards


def home_sections(*, user, now: dt.datetime | None = None, request=None) -> list[HomeSection]:
    """The sections of `user`'s home, one per role they hold, each with its cards.

    The roles and the running calls depend only on rows the data version covers: with
    `request`, they are kept per person (calls: per officer or not) and version
    (core.cache.versioned), which saves three of the page's queries."""
    return _home(user=user, now=now or timezone.now(), request=request)[0]


def _home(*, user, now: dt.datetime, request=None) -> tuple[list[HomeSection], dt.datetime | None]:
    """The sections of the home and the first moment after `now` at which they may change
    by time alone: a phase of a running call opens or closes, or a card's `valid_until`."""
    roles = versioned("home:roles", (user.pk,), lambda: home_roles(user), request=request)
    officer = "officer" in roles
    ctx = HomeContext(
        user=user,
        roles=roles,
        calls=(
            versioned(
                "home:calls", (officer,), lambda: calls_running(officer=officer), request=request
            )
            if roles
            else []
        ),
        now=now,
    )
    cards = _programs_cards(ctx)
    if roles:
        for _receiver, answer in home_cards_signal.send(sender=HomeContext, home=ctx):
            cards.extend(answer or [])
    sections = []
    for role in ROLES:
        mine = sorted((c for c in cards if c.role == role and role in roles), key=lambda c: c.order)
        if mine:
            sections.append(HomeSection(role=role, label=ROLE_LABELS[role], cards=mine))
    moments = [
        moment
        for call in ctx.calls
        for phase in call.phases.all()
        for moment in (phase.opens_at, phase.closes_at)
    ] + [card.valid_until for card in cards if card.valid_until is not None]
    return sections, min((m for m in moments if m > now), default=None)


def home_html(request) -> str:
    """The sections of the signed-in person's home as HTML (the page around them holds
    the CSRF token and the navigation): kept per person under the data and activity
    versions (core.cache.person_fragment) until a phase or a deadline it shows passes.
    The cards read applications, rank lists, host rankings, runs, offers and documents
    (the activity version) and public rows (the data version), nothing else."""

    def render() -> tuple[str, dt.datetime | None]:
        sections, until = _home(user=request.user, now=timezone.now(), request=request)
        html = render_to_string("programs/_home_sections.html", {"sections": sections}, request)
        return html, until

    # The fragment is trusted HTML rendered by our templates; the cache keeps a plain str.
    return mark_safe(person_fragment(request, "programs:home", render))
