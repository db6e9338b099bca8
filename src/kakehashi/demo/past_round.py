"""The demo's previous round (``past_round.json``, INVENTED): an earlier call of the same
program, closed, with a published match, in which a Canadian PhD candidate accepted an
offer at ATR (Kyoto, Keihanna) and two more candidates still have an offer to answer (a
second ATR project; a Japanese candidate's 12 weeks in Vancouver).

Everything after the applications goes through the real services and their signals, as
it would have happened: the match is solved, checked and published (offers follow from
``run_published``); the accepted offer starts the internship, its agreement and its
mobility plan; the parties write, name, screen and approve; the last approval commits the
funding (the partner's invoice in yen, the intern's schedule in dollars); the payments due
so far are recorded. Only the run's queueing is skipped: the officer's ``run_start``
refuses a call whose matching phase is over, and this round's is.

Dates are counted from `today` so the internship is always under way and ends within
weeks (its final report is due 30 days later), and the open offer's project starts later.
Idempotent: a second load finds the call and changes nothing.
"""

from __future__ import annotations

import datetime as dt
import json
import zoneinfo
from pathlib import Path

from django.db import transaction

from kakehashi.applications.models import Application, HostRank
from kakehashi.funding.models import Budget, Funder, Payment, fiscal_year
from kakehashi.funding.services import budget_save, payment_record
from kakehashi.internships.enums import Party, ScreeningOutcome, Sensitivity
from kakehashi.internships.security import screening_record, sensitivity_set
from kakehashi.internships.services import (
    agreement_approve,
    agreement_parties_set,
    agreement_update,
    internship_advance,
)
from kakehashi.matching.enums import RunStatus
from kakehashi.matching.models import MatchRun
from kakehashi.matching.services import run_execute, run_publish
from kakehashi.matching.validators import policy_for_run
from kakehashi.mobility.enums import StepStatus
from kakehashi.mobility.services import step_set_status
from kakehashi.offers.enums import OfferStatus
from kakehashi.offers.models import Offer
from kakehashi.offers.services import offer_accept
from kakehashi.people.models import User
from kakehashi.programs.models import Call, CallPhase, Program
from kakehashi.projects.models import Project

DATA_DIR = Path(__file__).resolve().parent / "data"
#: The example budget (funding.py) the round's internships (Canada to Japan) draw on, for
#: the fiscal years they start in.
BUDGETS = [("MITACS", "CA_JP", "CAD", "150000.00")]


def past_round_spec() -> dict:
    return json.loads((DATA_DIR / "past_round.json").read_text(encoding="utf-8"))


def _at(call: Call, day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, 0), zoneinfo.ZoneInfo(call.timezone))


def _call(program: Program, spec: dict, today: dt.date) -> Call:
    call = Call(
        program=program,
        slug=spec["slug"],
        name_en=spec["name_en"],
        name_fr=spec["name_fr"],
        name_ja=spec["name_ja"],
        status="closed",
        timezone=spec["timezone"],
        ranking_limit=spec["ranking_limit"],
        match_policy=spec["match_policy"],
    )
    call.full_clean()
    call.save()
    for phase in spec["phases"]:
        CallPhase.objects.create(
            call=call,
            kind=phase["kind"],
            opens_at=_at(call, today + dt.timedelta(days=phase["from_day"]), 9),
            closes_at=_at(call, today + dt.timedelta(days=phase["to_day"]), 17),
            timezone=call.timezone,
        )
    return call


def _project(call: Call, spec: dict, today: dt.date) -> Project:
    """A copy of a current ATR project's texts (so the demo's embeddings hold it already)
    in the past call, with its own dates."""
    source = (
        Project.objects.filter(key=spec["texts_of"])
        .prefetch_related("fields", "supervisions")
        .get()
    )
    start = today + dt.timedelta(days=spec["start_day"])
    project = Project(
        call=call,
        key=spec["key"],
        host=source.host,
        language=source.language,
        title=source.title,
        summary=source.summary,
        description=source.description,
        translations=source.translations,
        skills=source.skills,
        working_language=source.working_language,
        city=source.city,
        region=source.region,
        start_date=start,
        end_date=start + dt.timedelta(weeks=spec["weeks"], days=-1),
        capacity=spec["capacity"],
        status="approved",
    )
    project.full_clean()
    project.save()
    project.fields.set(source.fields.all())
    for link in source.supervisions.order_by("order", "id"):
        project.supervisions.create(person_id=link.person_id, role=link.role, order=link.order)
    return project


def _budgets(officer: User, program: Program, years: set[int]) -> int:
    created = 0
    for code, direction, currency, amount in BUDGETS:
        funder = Funder.objects.filter(code=code).first()
        if funder is None:
            continue
        for year in sorted(years):
            if Budget.objects.filter(
                funder=funder, program=program, direction=direction, fiscal_year=year
            ).exists():
                continue
            budget_save(
                budget=Budget(
                    funder=funder,
                    program=program,
                    direction=direction,
                    fiscal_year=year,
                    currency=currency,
                    amount=amount,
                    source="Example for the demo (invented)",
                ),
                actor=officer,
            )
            created += 1
    return created


def _market(call: Call, projects: dict[str, Project], people: list[tuple[User, Project]]) -> None:
    """Each candidate applied to their project only, and its first supervisor ranked them."""
    opens = call.phases.get(kind="applications").opens_at
    for i, (candidate, project) in enumerate(people):
        Application.objects.create(
            candidate=candidate,
            project=project,
            call=call,
            submitted_at=opens + dt.timedelta(days=3 + i),
            rank=1,
        )
        first = project.supervisions.order_by("order", "id").first()
        HostRank.objects.create(
            supervisor_id=first.person_id, call=call, candidate=candidate, rank=1
        )


def _solve_and_publish(call: Call, officer: User) -> MatchRun:
    policy = policy_for_run(call_policy=call.policy, overrides=None)
    run = MatchRun(
        call=call,
        label="Round one (invented demo)",
        policy=policy.to_data(),
        mode=policy.engine_mode,
        seed=policy.seed,
        created_by=officer,
    )
    run.full_clean()
    run.save()
    run_execute(run_id=run.pk, progress=lambda *args, **kwargs: None)
    run.refresh_from_db()
    if run.status != RunStatus.DONE:
        raise RuntimeError(f"The demo's past round did not solve: {run.error}")
    return run_publish(run=run, user=officer)


def _agree(offer: Offer, spec: dict, users: dict[str, User], officer: User, today: dt.date):
    call = offer.run.call
    intern = users[spec["candidate"]]
    offer_accept(
        offer=offer,
        candidate=intern,
        now=_at(call, today + dt.timedelta(days=spec["accepted_day"])),
    )
    internship = offer.internship
    agreement = internship.agreement
    agreement_update(
        agreement=agreement,
        actor=intern,
        plan_intern=spec["plan_intern"],
        plan_host=spec["plan_host"],
        ip_option=spec["ip_option"],
    )
    agreement_parties_set(
        agreement=agreement, actor=intern, home_supervisor=users[spec["home_supervisor"]]
    )
    agreement_parties_set(
        agreement=agreement, actor=officer, partner_signatory=users[spec["partner_signatory"]]
    )
    sensitivity_set(internship=internship, actor=officer, sensitivity=Sensitivity.NOT_SENSITIVE)
    host_supervisor = internship.project.supervisions.order_by("order", "id").first().person
    approved_on = today + dt.timedelta(days=spec["approved_day"])
    screening_record(
        internship=internship,
        actor=host_supervisor,
        outcome=ScreeningOutcome.CLEARED,
        screened_on=approved_on - dt.timedelta(days=3),
        reference=spec["screening_reference"],
        now=_at(call, approved_on - dt.timedelta(days=3)),
    )
    for hour, (person, party) in enumerate(
        (
            (intern, Party.INTERN),
            (host_supervisor, Party.HOST_SUPERVISOR),
            (users[spec["home_supervisor"]], Party.HOME_SUPERVISOR),
            (users[spec["partner_signatory"]], Party.PARTNER_SIGNATORY),
            (officer, Party.OFFICER),
        ),
        start=9,
    ):
        agreement_approve(
            agreement=agreement, actor=person, party=party, now=_at(call, approved_on, hour)
        )
    internship.refresh_from_db()
    internship_advance(internship=internship, now=_at(call, today, 12))
    return internship


def _history_so_far(internship, officer: User, today: dt.date) -> None:
    """What had happened by `today`: the payments due were made, and the mobility steps
    due before the start were done (each by the officer, who may mark any step)."""
    for payment in Payment.objects.filter(internship=internship, due_on__lte=today).order_by(
        "due_on", "pk"
    ):
        payment_record(payment=payment, actor=officer, on=payment.due_on)
    plan = getattr(internship, "mobility_plan", None)
    if plan is None:
        return
    for step in plan.steps.filter(status=StepStatus.OPEN, due_date__lt=today).order_by("order"):
        step_set_status(step=step, actor=officer, status=StepStatus.DONE)


def demo_past_round(report, *, users: dict[str, User], today: dt.date) -> None:
    """Create the previous round and what followed from it, once."""
    spec = past_round_spec()
    program = Program.objects.filter(slug=spec["program"]).first()
    officer = users.get("officer")
    if program is None or officer is None or Call.objects.filter(slug=spec["call"]["slug"]):
        return
    with transaction.atomic():
        call = _call(program, spec["call"], today)
        report.add("calls")
        projects = {row["key"]: _project(call, row, today) for row in spec["projects"]}
        report.add("projects", len(projects))
        years = {fiscal_year(p.start_date) for p in projects.values()}
        report.add("budgets", _budgets(officer, program, years))
        accepted, pending = spec["accepted"], spec["open_offers"]
        _market(
            call,
            projects,
            [(users[row["candidate"]], projects[row["project"]]) for row in [accepted, *pending]],
        )
        report.add("applications", 1 + len(pending))
        run = _solve_and_publish(call, officer)
        offers = {o.candidate.username: o for o in Offer.objects.filter(run=run)}
        report.add("offers", len(offers))
        internship = _agree(offers[accepted["candidate"]], accepted, users, officer, today)
        report.add("internships (invented)")
        _history_so_far(internship, officer, today)
        if any(offers[row["candidate"]].status != OfferStatus.PENDING for row in pending):
            raise RuntimeError("The demo's open offers are not pending")
