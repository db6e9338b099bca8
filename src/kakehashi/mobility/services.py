"""Writes of mobility: importing rule packs, deriving an internship's plan, steps,
documents, insurance, travel and emergency contacts. Every change is audited in the
internship's record and refused whole (``ValidationError``) when something is wrong."""

from __future__ import annotations

import datetime as dt
import hashlib
import zoneinfo
from pathlib import Path

import yaml
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext as _

from kakehashi.audit.services import audit_record
from kakehashi.core.roles import is_officer
from kakehashi.documents.services import file_stored, upload_sha256
from kakehashi.documents.validators import pdf_check
from kakehashi.internships.models import Internship
from kakehashi.internships.signals import agreement_budget, amendment_approved
from kakehashi.mobility import engine
from kakehashi.mobility.enums import CoverageKind, StepOwner, StepStatus
from kakehashi.mobility.models import (
    EmergencyContact,
    InsuranceCoverage,
    MobilityPlan,
    PlanStep,
    RulePack,
    StepDocument,
)
from kakehashi.mobility.selectors import plan_roles, rule_pack_current
from kakehashi.people.models import CandidateProfile

#: The packs shipped with the code (one YAML file per destination country).
SHIPPED_PACKS = Path(__file__).resolve().parent / "rulepacks"

#: The time zone of each destination region (arrival and departure are shown in it);
#: a country's first zone otherwise.
ZONES = {
    "JP": "Asia/Tokyo",
    "CA-BC": "America/Vancouver",
    "CA-AB": "America/Edmonton",
    "CA-SK": "America/Regina",
    "CA-MB": "America/Winnipeg",
    "CA-ON": "America/Toronto",
    "CA-QC": "America/Toronto",
    "CA-NB": "America/Halifax",
    "CA-NS": "America/Halifax",
    "CA-PE": "America/Halifax",
    "CA-NL": "America/St_Johns",
    "CA-YT": "America/Whitehorse",
    "CA-NT": "America/Yellowknife",
    "CA-NU": "America/Iqaluit",
    "CA": "America/Toronto",
}


#: Dates people give are refused outside these (a year 1 or 9999 would overflow the
#: date arithmetic of gaps and deadlines).
EARLIEST, LATEST = dt.date(2000, 1, 1), dt.date(2100, 12, 31)


def _internship_audit(internship: Internship, verb: str, actor, data: dict) -> None:
    """Record `verb` in `internship`'s own audit record, under its number."""
    audit_record(
        scope=internship,
        verb=verb,
        actor=actor,
        target=f"internship {internship.pk}",
        data=data,
    )


def destination_zone(region: str) -> str:
    region = region.upper()
    return ZONES.get(region) or ZONES.get(region.split("-")[0]) or "UTC"


# Rule packs


def rule_pack_import(*, text: str, source_file: str = "", actor=None) -> tuple[RulePack, bool]:
    """Import one pack from its YAML (or JSON) text: a new version is stored beside the
    older ones; the same version again with the same content changes nothing
    (answers it, False); with other content, or a version older than the current one,
    is refused: raise the version."""
    try:
        pack = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ValidationError(
            _("The rule pack is not valid YAML: %(error)s") % {"error": exc}
        ) from exc
    if not isinstance(pack, dict):
        raise ValidationError(_("The rule pack is not a mapping of keys to values."))
    try:
        engine.validate(pack)
    except engine.PackError as exc:
        raise ValidationError(_("The rule pack is refused: %(error)s") % {"error": exc}) from exc
    if not isinstance(pack["last_reviewed"], dt.date):
        raise ValidationError(_("last_reviewed must be a date (YYYY-MM-DD)."))
    country = str(pack["country"]).upper()
    version = int(pack["version"])
    digest = hashlib.sha256(text.encode()).hexdigest()
    with transaction.atomic():
        existing = RulePack.objects.filter(country=country, version=version).first()
        if existing is not None:
            if existing.sha256 == digest:
                return existing, False
            raise ValidationError(
                _(
                    "Version %(version)s of the %(country)s pack is already imported with "
                    "other content: raise the version."
                )
                % {"version": version, "country": country}
            )
        current = rule_pack_current(country)
        if current is not None and current.version > version:
            raise ValidationError(
                _("The %(country)s pack is at version %(current)s already; %(version)s is older.")
                % {"country": country, "current": current.version, "version": version}
            )
        data = {key: pack[key] for key in ("lists", "routes", "steps") if key in pack}
        rule_pack = RulePack(
            country=country,
            version=version,
            title=pack["title"],
            disclaimer=pack["disclaimer"],
            sources=pack["sources"],
            last_reviewed=pack["last_reviewed"],
            reviewed_by=str(pack.get("reviewed_by", ""))[:200],
            data=data,
            source_file=source_file[:200],
            sha256=digest,
        )
        rule_pack.full_clean()
        rule_pack.save()
        audit_record(
            scope=None,
            verb="mobility.rule_pack_imported",
            actor=actor,
            target=str(rule_pack),
            data={
                "country": country,
                "version": version,
                "sha256": digest,
                "file": source_file,
                "last_reviewed": rule_pack.last_reviewed.isoformat(),
            },
        )
    return rule_pack, True


def rule_packs_import_shipped(*, actor=None) -> list[tuple[RulePack, bool]]:
    """Import every pack shipped under ``mobility/rulepacks/`` (idempotent)."""
    return [
        rule_pack_import(text=path.read_text(encoding="utf-8"), source_file=path.name, actor=actor)
        for path in sorted(SHIPPED_PACKS.glob("*.yaml"))
    ]


# Plans


def _facts(plan: MobilityPlan) -> engine.Facts:
    internship = plan.internship
    return engine.Facts(
        nationality=plan.nationality.code or "",
        region=plan.region,
        days=plan.days,
        paid=plan.paid,
        level=plan.level,
        home_country=internship.home_country,
        host_type=internship.host.type if internship.host_id else "",
    )


def stay_days(internship) -> int:
    """The stay's length in days, first and last day included."""
    return (internship.last_day - internship.start_date).days + 1


def _apply_derivation(plan: MobilityPlan) -> dict:
    """Derive the plan's route from its pack and make its steps match: steps of the new
    route are added (or their deadline recomputed), open steps no longer on it removed,
    steps already done or set aside kept as they are."""
    pack = rule_pack_current(plan.region.split("-")[0])
    plan.rule_pack = pack
    plan.derived_at = timezone.now()
    if pack is None:
        plan.route_key, plan.route_reason = "", "no_pack"
        derived_steps: list[engine.Step] = []
    else:
        facts = _facts(plan)
        derivation = engine.derive(pack.as_pack(), facts)
        plan.route_key, plan.route_reason = derivation.route_key, derivation.reason
        derived_steps = derivation.steps
    plan.full_clean()
    plan.save()
    existing = {s.key: s for s in plan.steps.all()}
    keep = set()
    start = plan.internship.start_date
    for order, step in enumerate(derived_steps, start=1):
        facts = _facts(plan)
        row = existing.get(step.key) or PlanStep(plan=plan, key=step.key)
        row.order = order
        row.title = step.title
        row.detail = step.detail
        row.owner = step.owner
        row.place = engine.step_place(step, facts)
        row.due_date = engine.due_date(step, facts, start)
        row.due_rule = dict(step.due)
        row.risk_date = engine.risk_date(step, start)
        row.documents_expected = step.documents
        row.sources = list(step.sources)
        row.full_clean()
        row.save()
        keep.add(step.key)
    removed = [
        key for key, row in existing.items() if key not in keep and row.status == StepStatus.OPEN
    ]
    plan.steps.filter(key__in=removed).delete()
    return {
        "route": plan.route_key,
        "reason": plan.route_reason,
        "pack": str(pack) if pack else None,
        "steps": sorted(keep),
        "removed": removed,
    }


#: Budget lines (``agreement_budget``'s answers) that pay the intern: a stipend, an award,
#: a funded unit. A travel allowance alone is a reimbursement, not pay.
PAYING_KINDS = frozenset({"unit", "award", "stipend"})


def paid_by_funding(internship) -> bool | None:
    """Whether the internship's funding pays the intern, as the funding rules answer for
    its dates (``agreement_budget``): True when a line pays them, False when the rules
    give lines but none pays, None when no rule answers (then nobody knows yet)."""
    lines = [
        line
        for _receiver, answer in agreement_budget.send(
            sender=type(internship), internship=internship, agreement=None, amendment=None
        )
        for line in answer or []
    ]
    if not lines:
        return None
    return any(line.get("kind") in PAYING_KINDS for line in lines)


def plan_create_for_internship(*, internship, actor=None) -> MobilityPlan:
    """The plan of a new internship, once (a second call answers the first): the
    intern's nationality is copied from their candidate profile, the stay's facts from
    the internship. Paid or not follows the funding (``paid_by_funding``); when no
    funding rule answers, paid is assumed (the partnership's internships carry a
    stipend), the audit says so, and an officer corrects it, which derives the route
    again."""
    with transaction.atomic():
        existing = MobilityPlan.objects.filter(internship_id=internship.pk).first()
        if existing is not None:
            return existing
        profile = CandidateProfile.objects.filter(user_id=internship.intern_id).first()
        funded = paid_by_funding(internship)
        plan = MobilityPlan(
            internship=internship,
            nationality=(profile.nationality.code or "") if profile else "",
            region=internship.region,
            days=stay_days(internship),
            paid=True if funded is None else funded,
            level=internship.level,
            timezone=destination_zone(internship.region),
            derived_at=timezone.now(),
        )
        plan.full_clean(exclude=["level"])
        plan.save()
        summary = _apply_derivation(plan)
        _internship_audit(
            internship,
            "mobility.plan_created",
            actor,
            {
                "nationality": plan.nationality.code or "",
                "paid": plan.paid,
                "paid_from": "assumed" if funded is None else "funding",
                **summary,
            },
        )
    return plan


def plans_without_pack_derive() -> int:
    """Derive the plans made while their country had no rule pack (after an import)."""
    count = 0
    for plan in MobilityPlan.objects.filter(route_reason="no_pack").select_related("internship"):
        with transaction.atomic():
            summary = _apply_derivation(plan)
            _internship_audit(plan.internship, "mobility.plan_derived", None, summary)
        count += 1
    return count


def plans_without_nationality_fill() -> int:
    """Plans made before the intern gave a nationality take it from the profile now and
    are derived (the demo loader and ``import_rule_packs`` call it)."""
    count = 0
    plans = MobilityPlan.objects.filter(nationality="").select_related("internship")
    for plan in plans:
        profile = CandidateProfile.objects.filter(user_id=plan.internship.intern_id).first()
        if profile is None or not profile.nationality:
            continue
        with transaction.atomic():
            plan.nationality = profile.nationality.code
            summary = _apply_derivation(plan)
            _internship_audit(
                plan.internship,
                "mobility.plan_derived",
                None,
                {"nationality": plan.nationality.code, **summary},
            )
        count += 1
    return count


@receiver(post_save, sender=Internship, dispatch_uid="mobility.plan")
def plan_on_internship_saved(sender, *, instance, created, raw=False, **kwargs) -> None:
    """``post_save`` of ``Internship`` (connected in ``MobilityConfig.ready``): a new
    internship gets its plan inside the transaction that created it."""
    if created and not raw:
        plan_create_for_internship(internship=instance)


def plan_update(
    *, plan: MobilityPlan, actor, paid: bool | None = None, nationality: str | None = None
) -> MobilityPlan:
    """Officers correct the facts (paid or not, nationality) and the route is derived
    again from the current pack, with the internship's current dates."""
    if not is_officer(actor):
        raise ValidationError(_("Only officers change the facts of a plan."), code="not_officer")
    with transaction.atomic():
        before = {
            "paid": plan.paid,
            "nationality": plan.nationality.code or "",
            "route": plan.route_key,
        }
        if paid is not None:
            plan.paid = paid
        if nationality is not None:
            plan.nationality = nationality.upper()
        plan.region = plan.internship.region
        plan.days = stay_days(plan.internship)
        plan.level = plan.internship.level or plan.level
        summary = _apply_derivation(plan)
        _internship_audit(
            plan.internship,
            "mobility.plan_derived",
            actor,
            {
                "before": before,
                "paid": plan.paid,
                "nationality": plan.nationality.code or "",
                **summary,
            },
        )
    return plan


@receiver(amendment_approved, dispatch_uid="mobility.amendment")
def plan_on_amendment(sender, *, internship, changes, actor=None, **kwargs) -> None:
    """``internships.signals.amendment_approved``: new dates derive the plan again."""
    plan = MobilityPlan.objects.filter(internship_id=internship.pk).first()
    if plan is None or not ({"start_date", "end_date", "ended_on"} & set(changes)):
        return
    plan.days = stay_days(internship)
    summary = _apply_derivation(plan)
    _internship_audit(
        internship, "mobility.plan_derived", actor, {"amendment": sorted(changes), **summary}
    )


# Steps


def _require_role(*, plan: MobilityPlan, actor, owner: str) -> None:
    roles = plan_roles(user=actor, plan=plan)
    if owner not in roles and StepOwner.OFFICER not in roles:
        raise ValidationError(
            _("This step belongs to the %(owner)s: only they or an officer mark it.")
            % {"owner": StepOwner(owner).label.lower()},
            code="not_owner",
        )


def step_set_status(*, step: PlanStep, actor, status: str) -> PlanStep:
    """Mark a step done, not needed, or open again: its owner or an officer."""
    if status not in StepStatus.values:
        raise ValidationError({"status": _("Unknown status.")}, code="status")
    if status == StepStatus.NOT_NEEDED and not is_officer(actor):
        raise ValidationError(_("Only an officer sets a step aside."), code="not_officer")
    _require_role(plan=step.plan, actor=actor, owner=step.owner)
    with transaction.atomic():
        before = step.status
        step.status = status
        step.done_at = timezone.now() if status == StepStatus.DONE else None
        step.done_by = actor if status == StepStatus.DONE else None
        step.full_clean()
        step.save()
        audit_record(
            scope=step.plan.internship,
            verb="mobility.step_status",
            actor=actor,
            target=step.key,
            data={"step": step.pk, "before": before, "after": status},
        )
    return step


def step_document_upload(*, step: PlanStep, actor, upload) -> StepDocument:
    """A PDF against a step, by anyone taking part in the internship."""
    if not plan_roles(user=actor, plan=step.plan):
        raise ValidationError(
            _("Only the internship's parties upload documents."), code="not_party"
        )
    pdf_check(upload)
    with transaction.atomic():
        document = StepDocument(
            step=step,
            filename=(upload.name or "document.pdf")[-200:],
            size=upload.size,
            sha256=upload_sha256(upload),
            uploaded_by=actor,
        )
        with file_stored(document.file, "upload.pdf", upload):
            document.full_clean()
            document.save()
            audit_record(
                scope=step.plan.internship,
                verb="mobility.document_uploaded",
                actor=actor,
                target=step.key,
                data={"document": document.pk, "size": document.size, "sha256": document.sha256},
            )
    return document


# Insurance, travel, contacts


def _require_intern_or_officer(*, plan: MobilityPlan, actor) -> None:
    roles = plan_roles(user=actor, plan=plan)
    if not roles & {StepOwner.INTERN, StepOwner.OFFICER}:
        raise ValidationError(_("Only the intern or an officer changes this."), code="not_intern")


def coverage_add(
    *,
    plan: MobilityPlan,
    actor,
    kind: str,
    insurer: str,
    start_date: dt.date,
    end_date: dt.date,
    policy_number: str = "",
) -> InsuranceCoverage:
    _require_intern_or_officer(plan=plan, actor=actor)
    if kind not in CoverageKind.values:
        raise ValidationError({"kind": _("Unknown kind of insurance.")})
    for name, value in (("start_date", start_date), ("end_date", end_date)):
        if not EARLIEST <= value <= LATEST:
            raise ValidationError({name: _("Give a date between 2000 and 2100.")})
    if start_date > end_date:
        raise ValidationError({"end_date": _("The coverage ends before it starts.")})
    internship = plan.internship
    if end_date < internship.start_date or start_date > internship.last_day:
        raise ValidationError(
            {"start_date": _("The coverage does not overlap the internship's dates.")}
        )
    with transaction.atomic():
        coverage = InsuranceCoverage(
            plan=plan,
            kind=kind,
            insurer=insurer.strip(),
            policy_number=policy_number.strip(),
            start_date=start_date,
            end_date=end_date,
        )
        coverage.full_clean()
        coverage.save()
        audit_record(
            scope=internship,
            verb="mobility.coverage_added",
            actor=actor,
            target=coverage.insurer,
            data={
                "coverage": coverage.pk,
                "kind": kind,
                "start": start_date.isoformat(),
                "end": end_date.isoformat(),
            },
        )
    return coverage


def _plan_item_remove(*, item, actor, verb: str, target: str, data: dict) -> None:
    """Delete a plan's coverage or contact (the intern or an officer), audited."""
    _require_intern_or_officer(plan=item.plan, actor=actor)
    with transaction.atomic():
        audit_record(scope=item.plan.internship, verb=verb, actor=actor, target=target, data=data)
        item.delete()


def coverage_remove(*, coverage: InsuranceCoverage, actor) -> None:
    _plan_item_remove(
        item=coverage,
        actor=actor,
        verb="mobility.coverage_removed",
        target=coverage.insurer,
        data={"coverage": coverage.pk},
    )


def travel_set(
    *,
    plan: MobilityPlan,
    actor,
    arrival_at: dt.datetime | None,
    departure_at: dt.datetime | None,
    notes: str = "",
) -> MobilityPlan:
    """Arrival and departure (aware datetimes; naive ones are read in the destination's
    time zone). Arrival at most 30 days before the start; departure after arrival."""
    _require_intern_or_officer(plan=plan, actor=actor)
    zone = zoneinfo.ZoneInfo(plan.timezone)

    def aware(value):
        if value is None or timezone.is_aware(value):
            return value
        return value.replace(tzinfo=zone)

    arrival_at, departure_at = aware(arrival_at), aware(departure_at)
    for name, value in (("arrival_at", arrival_at), ("departure_at", departure_at)):
        if value is not None and not EARLIEST <= value.date() <= LATEST:
            raise ValidationError({name: _("Give a date between 2000 and 2100.")})
    internship = plan.internship
    if arrival_at is not None:
        local = arrival_at.astimezone(zone).date()
        if local < internship.start_date - dt.timedelta(days=30) or local > internship.last_day:
            raise ValidationError(
                {
                    "arrival_at": _(
                        "Arrival must fall between 30 days before the start and the last day."
                    )
                }
            )
    if arrival_at and departure_at and departure_at <= arrival_at:
        raise ValidationError({"departure_at": _("Departure must come after arrival.")})
    with transaction.atomic():
        plan.arrival_at, plan.departure_at = arrival_at, departure_at
        plan.travel_notes = notes.strip()
        plan.full_clean()
        plan.save()
        _internship_audit(
            internship,
            "mobility.travel_set",
            actor,
            {
                "arrival_at": arrival_at.isoformat() if arrival_at else None,
                "departure_at": departure_at.isoformat() if departure_at else None,
            },
        )
    return plan


def check_in(*, plan: MobilityPlan, actor, now: dt.datetime | None = None) -> MobilityPlan:
    """The intern says they arrived safely: from the day before the start on, once."""
    if plan.internship.intern_id != actor.pk:
        raise ValidationError(_("Only the intern checks in."), code="not_intern")
    now = now or timezone.now()
    local = now.astimezone(zoneinfo.ZoneInfo(plan.timezone)).date()
    if local < plan.internship.start_date - dt.timedelta(days=1):
        raise ValidationError(
            _("Check in when you arrive: from the day before the start."), code="too_early"
        )
    if plan.checked_in_at is not None:
        raise ValidationError(_("You have already checked in."), code="already")
    with transaction.atomic():
        plan.checked_in_at = now
        plan.save(update_fields=["checked_in_at", "updated_at"])
        _internship_audit(plan.internship, "mobility.checked_in", actor, {"at": now.isoformat()})
    return plan


def contact_add(
    *, plan: MobilityPlan, actor, name: str, phone: str, relation: str = "", email: str = ""
) -> EmergencyContact:
    _require_intern_or_officer(plan=plan, actor=actor)
    with transaction.atomic():
        contact = EmergencyContact(
            plan=plan,
            name=name.strip(),
            phone=phone.strip(),
            relation=relation.strip(),
            email=email.strip(),
        )
        contact.full_clean()
        contact.save()
        audit_record(
            scope=plan.internship,
            verb="mobility.contact_added",
            actor=actor,
            target=f"contact {contact.pk}",
            data={"contact": contact.pk},
        )
    return contact


def contact_remove(*, contact: EmergencyContact, actor) -> None:
    _plan_item_remove(
        item=contact,
        actor=actor,
        verb="mobility.contact_removed",
        target=f"contact {contact.pk}",
        data={"contact": contact.pk},
    )


# Reminders

#: Days before a step's deadline its owners are reminded (and once the day after it).
REMINDER_DAYS = (14, 3)


def _owners(step: PlanStep) -> list:
    from django.contrib.auth import get_user_model  # local: the user model, read on use

    internship = step.plan.internship
    if step.owner == StepOwner.INTERN:
        return [internship.intern]
    if step.owner == StepOwner.HOME:
        return [internship.home_supervisor] if internship.home_supervisor else []
    if step.owner == StepOwner.HOST:
        return [s.person for s in internship.project.supervisions.select_related("person")]
    return list(get_user_model().objects.filter(is_officer=True, is_active=True))


def step_reminders_send(*, today: dt.date | None = None) -> dict:
    """Remind each open step's owners 14 and 3 days before its deadline and the day
    after it passes, once each (``notify_once``); planned and active internships only."""
    from kakehashi.notifications.services import notify_once  # local: mail on use only

    today = today or timezone.localdate()
    sent = {"before": 0, "overdue": 0}
    marks = {today + dt.timedelta(days=d): f"{d}d" for d in REMINDER_DAYS}
    marks[today - dt.timedelta(days=1)] = "overdue"
    steps = (
        PlanStep.objects.filter(status=StepStatus.OPEN, due_date__in=list(marks))
        .filter(plan__internship__status__in=["planned", "active"])
        .select_related(
            "plan",
            "plan__internship",
            "plan__internship__intern",
            "plan__internship__home_supervisor",
            "plan__internship__project",
        )
    )
    for step in steps:
        mark = marks[step.due_date]
        for person in _owners(step):
            if not person.is_active:
                continue
            if notify_once(
                user=person,
                kind="mobility_step_due",
                key=f"mobility:step:{step.pk}:{step.due_date.isoformat()}:{mark}",
                context={
                    "step": step,
                    "internship": step.plan.internship,
                    "overdue": mark == "overdue",
                    "path": f"/mobility/internships/{step.plan.internship_id}/",
                },
            ):
                sent["overdue" if mark == "overdue" else "before"] += 1
    return sent
