"""Funding's answers to the signals of the apps below it (connected in apps.py).

* ``internships.signals.agreement_budget``: the budget lines the rules give the
  internship's dates;
* ``agreement_blockers``: what would make the commitment fail (no partner to invoice, no
  exchange rate for the invoice);
* ``agreement_approved``: commit, invoice the partner, schedule the intern's payments;
* ``amendment_approved``: adjust the commitment to the new dates;
* ``internship_ended_early``: refund pro rata;
* ``internship_page``: the funding panel;
* ``programs.signals.placement_budget``: caps of placements from the money left.
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext as _

from kakehashi.core.roles import is_officer
from kakehashi.funding import calculation, selectors, services
from kakehashi.funding.enums import Payer
from kakehashi.funding.models import Budget, Entry, Funder, FundingRule, fiscal_year
from kakehashi.funding.money import Money
from kakehashi.funding.rates import rate_for
from kakehashi.internships.signals import (
    agreement_approved,
    agreement_blockers,
    agreement_budget,
    amendment_approved,
    internship_ended_early,
    internship_page,
)
from kakehashi.matching.signals import run_publishing
from kakehashi.programs.signals import placement_budget
from kakehashi.projects.enums import ProjectStatus
from kakehashi.projects.models import Project


def _day(value) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def lines_from_data(data) -> list[calculation.BudgetLine] | None:
    """The budget lines an agreement stored (our ``BudgetLine.as_data`` shape), or None
    when it stored none of ours (then the rules are applied afresh)."""
    if (
        not isinstance(data, list)
        or not data
        or not all(isinstance(d, dict) and "payer" in d for d in data)
    ):
        return None
    funders = {f.code: f for f in Funder.objects.filter(code__in={d["funder"] for d in data})}
    out = []
    for d in data:
        funder = funders.get(d["funder"])
        if funder is None:
            raise ValidationError(
                _("The agreement's budget names an unknown funder: %(code)s.")
                % {"code": d["funder"]}
            )
        out.append(
            calculation.BudgetLine(
                funder.pk,
                funder.code,
                d.get("rule"),
                d.get("kind", ""),
                d["payer"],
                d.get("label", ""),
                Money(d["amount"], d["currency"]),
                d.get("source", ""),
            )
        )
    return out


@receiver(agreement_budget, dispatch_uid="funding.budget")
def on_agreement_budget(sender, *, internship, agreement=None, **kwargs) -> list[dict]:
    """The rules' lines; none when the rules refuse the dates (a unit too short): the
    drafting goes on, and ``agreement_blockers`` says why it cannot be approved."""
    try:
        return [line.as_data() for line in services.internship_budget_lines(internship)]
    except ValidationError:
        return []


@receiver(agreement_blockers, dispatch_uid="funding.blockers")
def on_agreement_blockers(sender, *, internship, agreement=None, **kwargs) -> list[str]:
    reasons = []
    try:
        lines = services.internship_budget_lines(internship)
    except ValidationError as exc:
        return [str(m) for m in exc.messages]
    partner_lines = [line for line in lines if line.payer == Payer.PARTNER]
    if partner_lines and internship.partner is None:
        reasons.append(services.NO_PARTNER())
    elif partner_lines:
        _language, currency = services.partner_terms(internship.partner)
        for line in partner_lines:
            if line.money.currency != currency:
                try:
                    rate_for(line.money.currency, currency, on=timezone.localdate())
                except ValidationError as exc:
                    reasons.append(str(exc.messages[0]))
                    break
    return reasons


@receiver(agreement_approved, dispatch_uid="funding.commit")
def on_agreement_approved(sender, *, internship, agreement=None, actor=None, **kwargs) -> None:
    lines = lines_from_data(getattr(agreement, "budget", None))
    services.commitment_create(internship=internship, actor=actor, lines=lines)


@receiver(amendment_approved, dispatch_uid="funding.adjust")
def on_amendment_approved(
    sender, *, internship, amendment=None, changes=None, actor=None, **kwargs
) -> None:
    changes = changes or {}
    if getattr(amendment, "kind", "") == "early_end" or set(changes) == {"ended_on"}:
        # An early end is also sent as `internship_ended_early`, whose receiver refunds
        # pro rata: adjusting here as well would take the money back twice.
        return
    start = _day(changes["start_date"][1]) if "start_date" in changes else internship.start_date
    end = _day(changes["end_date"][1]) if "end_date" in changes else internship.end_date
    ended = _day(changes["ended_on"][1]) if "ended_on" in changes else internship.ended_on
    services.commitment_adjust(
        internship=internship, start=start, last_day=ended or end, actor=actor
    )


@receiver(internship_ended_early, dispatch_uid="funding.refund")
def on_internship_ended_early(
    sender, *, internship, ended_on, reason="", actor=None, **kwargs
) -> None:
    services.refund_pro_rata(internship=internship, ended_on=_day(ended_on), actor=actor)


@receiver(internship_page, dispatch_uid="funding.panel")
def on_internship_page(sender, *, internship, user, **kwargs) -> list[dict] | None:
    officer = is_officer(user)
    own = internship.intern_id == getattr(user, "pk", None)
    try:
        lines = services.internship_budget_lines(internship)
        problem = ""
    except ValidationError as exc:
        lines, problem = [], str(exc.messages[0])
    return [
        {
            "order": 30,
            "title": _("Funding"),
            "template": "funding/_panel.html",
            "context": {
                "internship": internship,
                "lines": lines,
                "problem": problem,
                "payments": (
                    list(selectors.payment_list_visible(user=user).filter(internship=internship))
                    if officer or own
                    else []
                ),
                "invoices": list(
                    selectors.invoice_list_visible(user=user).filter(internship=internship)
                ),
                "officer": officer,
            },
        }
    ]


def _direction(project) -> str:
    return "CA_JP" if project.host.country == "JP" else "JP_CA"


@receiver(placement_budget, dispatch_uid="funding.placements")
def on_placement_budget(sender, *, call, **kwargs) -> list[dict]:
    """Per direction with a budget that caps placements: how many interns the money
    left pays for, each costing the most the rules give one of the call's projects in
    that direction (the funder's own share), less the internships not yet committed."""
    budgets = list(
        Budget.objects.filter(program_id=call.program_id, caps_placements=True).select_related(
            "funder", "program"
        )
    )
    if not budgets:
        return []
    rules = list(FundingRule.objects.filter(program_id=call.program_id).select_related("funder"))
    projects = list(
        Project.objects.filter(call=call, status=ProjectStatus.APPROVED).select_related("host")
    )
    report = {
        (r.funder, r.direction, r.fiscal_year, r.currency): r
        for r in selectors.budget_report(program=call.program.slug)
    }
    uncommitted = list(
        call.program.internships.exclude(
            pk__in=Entry.objects.filter(kind="commitment").values("internship_id")
        )
    )
    limits: dict[str, tuple[int, str]] = {}
    for budget in budgets:
        relevant = [
            p
            for p in projects
            if _direction(p) == budget.direction and fiscal_year(p.start_date) == budget.fiscal_year
        ]

        def cost(direction, start, last_day, budget=budget) -> Decimal:
            try:
                lines = calculation.budget_lines(
                    rules=rules, direction=direction, start=start, last_day=last_day
                )
            except ValidationError:
                return Decimal(0)
            return calculation.funder_share(
                lines, funder_id=budget.funder_id, currency=budget.currency
            )

        each = max((cost(budget.direction, p.start_date, p.end_date) for p in relevant), default=0)
        if not each:
            continue
        row = report.get(
            (budget.funder.code, budget.direction, budget.fiscal_year, budget.currency)
        )
        remaining = row.remaining if row is not None else budget.amount
        remaining -= sum(
            (
                cost(i.direction, i.start_date, i.last_day)
                for i in uncommitted
                if i.direction == budget.direction
                and fiscal_year(i.start_date) == budget.fiscal_year
            ),
            Decimal(0),
        )
        places = max(0, math.floor(remaining / each))
        label = _("Budget %(funder)s FY%(year)d") % {
            "funder": budget.funder.code,
            "year": budget.fiscal_year,
        }
        if budget.direction not in limits or places < limits[budget.direction][0]:
            limits[budget.direction] = (places, label)
    return [
        {"label": label, "direction": direction, "places": places}
        for direction, (places, label) in sorted(limits.items())
    ]


@receiver(run_publishing, dispatch_uid="funding.publishing")
def on_run_publishing(sender, *, run, **kwargs) -> list[str]:
    """Refuse to publish a run placing more interns in a direction than the money left
    pays for now (the budgets may have changed since the run started)."""
    limits = {limit["direction"]: limit for limit in on_placement_budget(sender, call=run.call)}
    if not limits:
        return []
    keys = [key for key in (run.result or {}).get("assignments", {}).values() if key]
    countries = dict(
        Project.objects.filter(call=run.call, key__in=set(keys)).values_list("key", "host__country")
    )
    placed: dict[str, int] = {}
    for key in keys:
        direction = "CA_JP" if countries.get(key) == "JP" else "JP_CA"
        placed[direction] = placed.get(direction, 0) + 1
    return [
        _(
            "The run places %(placed)d interns in %(direction)s; the money left (%(label)s) "
            "pays for %(places)d. Run the match again."
        )
        % {
            "placed": placed.get(direction, 0),
            "direction": direction,
            "label": limit["label"],
            "places": limit["places"],
        }
        for direction, limit in sorted(limits.items())
        if placed.get(direction, 0) > limit["places"]
    ]
