"""Writes of internships: every change is audited in the call's record, with the
target ``internship <id>`` (the internship page's history reads them back)."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext as _

from kakehashi.audit.services import audit_record
from kakehashi.core.errors import refuse
from kakehashi.internships.enums import (
    AgreementStatus,
    AmendmentKind,
    AmendmentStatus,
    InternshipStatus,
    Party,
)
from kakehashi.internships.models import (
    Agreement,
    AgreementTemplate,
    Amendment,
    Approval,
    Internship,
    IPOption,
)
from kakehashi.internships.parties import parties_of, required_parties
from kakehashi.internships.signals import (
    agreement_approved,
    agreement_blockers,
    agreement_budget,
    amendment_approved,
    internship_ended_early,
)
from kakehashi.offers.signals import offer_accepted
from kakehashi.organisations.enums import OrganisationType
from kakehashi.organisations.regions import timezone_for_region
from kakehashi.people.enums import AffiliationRole
from kakehashi.people.models import Affiliation, CandidateProfile
from kakehashi.people.names import person_name
from kakehashi.projects.enums import SupervisorRole
from kakehashi.projects.models import ProjectSupervisor

#: Organisation types that are themselves the industry partner when they host.
PARTNER_TYPES = (OrganisationType.COMPANY, OrganisationType.INCUBATOR)


def _partner_for(project):
    """The industry partner: the host when it is a company or an incubator, otherwise
    the organisation of the project's industry supervisor (their first affiliation with
    a company or incubator), otherwise none (an officer names it later)."""
    if project.host.type in PARTNER_TYPES:
        return project.host
    industry = (
        ProjectSupervisor.objects.filter(project=project, role=SupervisorRole.INDUSTRY)
        .order_by("order", "id")
        .values_list("person_id", flat=True)
    )
    affiliation = (
        Affiliation.objects.filter(
            person_id__in=list(industry), organisation__type__in=PARTNER_TYPES
        )
        .exclude(role=AffiliationRole.STUDENT)
        .select_related("organisation")
        .order_by("id")
        .first()
    )
    return affiliation.organisation if affiliation else None


def internship_create_for_offer(*, offer, actor=None) -> Internship:
    """The internship an accepted offer starts, once (a second call returns the first).

    Copies what the project and the intern's candidate profile say now: dates, place,
    working language, direction, level and home university.
    """
    with transaction.atomic():
        existing = Internship.objects.filter(offer_id=offer.pk).first()
        if existing is not None:
            return existing
        project = offer.project
        profile = (
            CandidateProfile.objects.filter(user_id=offer.candidate_id)
            .select_related("home_organisation")
            .first()
        )
        call = offer.run.call
        internship = Internship(
            offer=offer,
            intern_id=offer.candidate_id,
            project=project,
            program_id=call.program_id,
            direction=profile.direction if profile else call.program.directions[0],
            level=profile.level if profile else "",
            home_organisation=profile.home_organisation if profile else None,
            host=project.host,
            partner=_partner_for(project),
            region=project.region,
            city=project.city,
            start_date=project.start_date,
            end_date=project.end_date,
            working_language=project.working_language,
        )
        internship.full_clean(exclude=["level"] if not profile else None)
        internship.save()
        audit_record(
            scope=call,
            verb="internship.created",
            actor=actor,
            target=f"internship {internship.pk}",
            data={
                "offer": offer.pk,
                "intern": offer.candidate_id,
                "project": project.key,
                "host": project.host_id,
                "partner": internship.partner_id,
                "start": internship.start_date.isoformat(),
                "end": internship.end_date.isoformat(),
            },
        )
        agreement_create(internship=internship, actor=actor)
    return internship


@receiver(offer_accepted, dispatch_uid="internships.create")
def internship_on_offer_accepted(sender, *, offer, candidate, **kwargs) -> None:
    """Receiver of ``offers.signals.offer_accepted``: inside the answer's transaction."""
    internship_create_for_offer(offer=offer, actor=candidate)


def internship_audit(internship: Internship, verb: str, actor, data: dict) -> None:
    """Record `verb` on the internship in its call's audit record."""
    audit_record(
        scope=internship.offer.run.call,
        verb=verb,
        actor=actor,
        target=f"internship {internship.pk}",
        data=data,
    )


# ---------------------------------------------------------------- agreement


#: The language of the host's version of the research plan, by host region: Japanese in
#: Japan, French in Québec, English elsewhere in Canada.
def host_language(internship: Internship) -> str:
    if internship.host_country == "JP":
        return "ja"
    return "fr" if internship.region == "CA-QC" else "en"


def template_for(program) -> AgreementTemplate | None:
    """The newest template in use of `program`, or None."""
    return (
        AgreementTemplate.objects.filter(program=program, is_active=True)
        .order_by("-version")
        .first()
    )


def _budget_lines(*, internship, agreement, amendment=None) -> list[dict]:
    """The budget lines the funding receivers answer for `agreement` (or `amendment`),
    checked: a Decimal amount, CAD with at most 2 decimals, JPY with none."""
    lines = []
    for _receiver, answer in agreement_budget.send(
        sender=Internship, internship=internship, agreement=agreement, amendment=amendment
    ):
        for line in answer or []:
            try:
                amount = Decimal(str(line["amount"]))
            except (InvalidOperation, KeyError) as exc:
                raise ValidationError(_("A budget line has no valid amount.")) from exc
            currency = line.get("currency")
            places = {"CAD": 2, "JPY": 0}.get(currency)
            if places is None:
                raise ValidationError(
                    _("A budget line is in %(currency)s; amounts are in CAD or JPY.")
                    % {"currency": currency}
                )
            if amount != amount.quantize(Decimal(1).scaleb(-places)):
                raise ValidationError(
                    _("%(amount)s %(currency)s has more decimals than the currency has.")
                    % {"amount": amount, "currency": currency}
                )
            lines.append({**line, "amount": str(amount)})
    return lines


def agreement_create(*, internship: Internship, actor=None) -> Agreement | None:
    """Draft the internship's agreement from its program's template (once; None when the
    program has no template in use: an officer adds one in the admin, then drafts it)."""
    with transaction.atomic():
        existing = Agreement.objects.filter(internship=internship).first()
        if existing is not None:
            return existing
        template = template_for(internship.program)
        if template is None:
            return None
        intern_language = internship.intern.preferred_language or "en"
        agreement = Agreement(
            internship=internship,
            template=template,
            sections=[
                {"title": s.texts("title"), "body": s.texts("body")}
                for s in template.sections.order_by("order", "id")
            ],
            plan_intern_language=intern_language,
            plan_host_language=host_language(internship),
            start_date=internship.start_date,
            end_date=internship.end_date,
        )
        agreement.full_clean()
        agreement.save()
        agreement.budget = _budget_lines(internship=internship, agreement=agreement)
        agreement.save(update_fields=["budget"])
        internship_audit(
            internship,
            "agreement.drafted",
            actor,
            {"template": template.pk, "version": template.version, "budget": agreement.budget},
        )
    return agreement


def _check_dates(internship: Internship, start: dt.date, end: dt.date, field: str = "end_date"):
    if start > end:
        refuse(_("The internship ends before it starts."), "dates", field)
    program = internship.program
    longest = dt.timedelta(weeks=program.unit_weeks_max * max(1, program.max_units_per_person))
    if end - start > longest:
        refuse(
            _("The program allows at most %(weeks)d weeks.") % {"weeks": longest.days // 7},
            "too_long",
            field,
        )


#: The fields of a draft agreement its parties edit.
DRAFT_FIELDS = ("plan_intern", "plan_host", "start_date", "end_date", "ip_option")


def agreement_update(*, agreement: Agreement, actor, **changes) -> Agreement:
    """Edit a draft agreement (research plan, dates, intellectual-property option, by key).

    Refused once in force (changes are amendments then), to a non-party (the partner's
    signatory approves what the others wrote) and when nothing changes. Any real edit
    makes a new version: approvals given to the previous one no longer count."""
    unknown = set(changes) - set(DRAFT_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    with transaction.atomic():
        agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
        internship = agreement.internship
        if agreement.status != AgreementStatus.DRAFT:
            refuse(_("The agreement is in force: propose an amendment to change it."), "in_force")
        editors = {Party.INTERN, Party.HOST_SUPERVISOR, Party.HOME_SUPERVISOR, Party.OFFICER}
        if not editors & set(parties_of(internship, actor)):
            refuse(
                _("Only the intern, the supervisors and officers edit the agreement."),
                "not_a_party",
            )
        before = {
            "plan_intern": agreement.plan_intern,
            "plan_host": agreement.plan_host,
            "start_date": agreement.start_date.isoformat(),
            "end_date": agreement.end_date.isoformat(),
            "ip_option": agreement.ip_option.key if agreement.ip_option else None,
        }
        if "ip_option" in changes:
            key = changes["ip_option"]
            option = None
            if key:
                option = IPOption.objects.filter(template=agreement.template, key=key).first()
                if option is None:
                    refuse(
                        _("“%(key)s” is not one of this program's intellectual-property options.")
                        % {"key": key},
                        "unknown_option",
                        "ip_option",
                    )
            agreement.ip_option = option
            agreement.ip_terms = option.snapshot() if option else {}
        for field in ("plan_intern", "plan_host"):
            if field in changes:
                setattr(agreement, field, (changes[field] or "").strip())
        for field in ("start_date", "end_date"):
            if field in changes and changes[field] is not None:
                setattr(agreement, field, changes[field])
        _check_dates(internship, agreement.start_date, agreement.end_date)
        after = {
            "plan_intern": agreement.plan_intern,
            "plan_host": agreement.plan_host,
            "start_date": agreement.start_date.isoformat(),
            "end_date": agreement.end_date.isoformat(),
            "ip_option": agreement.ip_option.key if agreement.ip_option else None,
        }
        changed = [k for k in after if before[k] != after[k]]
        if not changed:
            refuse(_("Nothing changed."), "unchanged")
        reset = agreement.approvals.filter(
            amendment__isnull=True, version=agreement.version
        ).count()
        agreement.version += 1
        agreement.full_clean()
        if {"start_date", "end_date"} & set(changed):
            agreement.budget = _budget_lines(internship=internship, agreement=agreement)
        agreement.save()
        internship_audit(
            internship,
            "agreement.edited",
            actor,
            {
                "version": agreement.version,
                "changed": changed,
                # Texts can be long: the record keeps which changed, the dates in full.
                "before": {k: before[k] for k in changed if not k.startswith("plan")},
                "after": {k: after[k] for k in changed if not k.startswith("plan")},
                "approvals_reset": reset,
            },
        )
    return agreement


def agreement_parties_set(*, agreement: Agreement, actor, **people) -> Agreement:
    """Name the home supervisor (the intern or an officer) or the partner's signatory
    (a host supervisor or an officer). The home supervisor must be affiliated with the
    home university, the signatory with the partner (not as a student). Changing a
    party of a draft makes a new version (approvals start again)."""
    # Imported here: people's models are needed only by this service.
    from kakehashi.people.models import Affiliation, User

    with transaction.atomic():
        agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
        internship = agreement.internship
        if agreement.status != AgreementStatus.DRAFT:
            refuse(_("The agreement is in force: its parties no longer change."), "in_force")
        held = set(parties_of(internship, actor))
        changed = {}
        for field, organisation, may in (
            ("home_supervisor", internship.home_organisation_id, {Party.INTERN, Party.OFFICER}),
            ("partner_signatory", internship.partner_id, {Party.HOST_SUPERVISOR, Party.OFFICER}),
        ):
            if field not in people:
                continue
            if not may & held:
                refuse(_("You may not name this party."), "not_allowed", field)
            person = people[field]
            if person is not None and not isinstance(person, User):
                person = User.objects.filter(pk=person, is_active=True).first()
                if person is None:
                    refuse(_("No such person."), "unknown_person", field)
            if person is not None:
                if organisation is None:
                    refuse(_("The internship has no such organisation."), "no_organisation", field)
                affiliated = Affiliation.objects.filter(
                    person=person, organisation_id=organisation
                ).exclude(role="student")
                if not affiliated.exists():
                    refuse(
                        _("%(person)s is not affiliated with that organisation.")
                        % {"person": person_name(person)},
                        "not_affiliated",
                        field,
                    )
                if person.pk == internship.intern_id:
                    refuse(_("The intern cannot be another party."), "intern", field)
            target = internship if field == "home_supervisor" else agreement
            before = getattr(target, f"{field}_id")
            after = person.pk if person else None
            if before != after:
                setattr(target, field, person)
                changed[field] = [before, after]
        if not changed:
            refuse(_("Nothing changed."), "unchanged")
        internship.save(update_fields=["home_supervisor", "updated_at"])
        agreement.version += 1
        agreement.save()
        internship_audit(
            internship,
            "agreement.parties_named",
            actor,
            {"changes": changed, "version": agreement.version},
        )
    return agreement


def agreement_blockers_for(agreement: Agreement, *, amendment=None) -> list[str]:
    """Why `agreement` (or `amendment`) may not be approved yet: parties not named,
    texts missing, and every ``agreement_blockers`` receiver's reasons."""
    internship = agreement.internship
    reasons = []
    if amendment is None:
        if not internship.home_supervisor_id:
            reasons.append(_("The home supervisor is not named yet."))
        if internship.partner_id and not agreement.partner_signatory_id:
            reasons.append(_("The partner's signatory is not named yet."))
        if not agreement.plan_intern or (
            agreement.plan_host_language != agreement.plan_intern_language
            and not agreement.plan_host
        ):
            reasons.append(_("The research plan is not written in both languages yet."))
        if agreement.ip_option_id is None:
            reasons.append(_("No intellectual-property option is chosen yet."))
    for _receiver, answer in agreement_blockers.send(
        sender=Internship, internship=internship, agreement=agreement, amendment=amendment
    ):
        reasons.extend(str(r) for r in answer or [])
    return reasons


def _approve_party(*, agreement, amendment, actor, party) -> str:
    held = parties_of(agreement.internship, actor)
    if not held:
        raise ValidationError(
            _("Only the parties of the agreement approve it."), code="not_a_party"
        )
    if party is None:
        already = set(
            Approval.objects.filter(agreement=agreement, amendment=amendment, person=actor)
            .filter(version=agreement.version if amendment is None else 0)
            .values_list("party", flat=True)
        )
        pending = [p for p in held if p not in already]
        party = pending[0] if pending else held[0]
    if party not in held:
        raise ValidationError(
            _("You are not the %(party)s of this agreement.") % {"party": Party(party).label},
            code="not_a_party",
        )
    return party


def _approval_add(*, agreement, amendment, actor, party, now) -> str:
    """Record `actor`'s approval, as `party` (see `_approve_party`), of the agreement's
    current version, or of `amendment` when given (whose approvals have version 0).
    Refused when that party approved it already or a blocker stands. Returns the party."""
    version = agreement.version if amendment is None else 0
    party = _approve_party(agreement=agreement, amendment=amendment, actor=actor, party=party)
    if Approval.objects.filter(
        agreement=agreement, amendment=amendment, party=party, version=version
    ).exists():
        refuse(
            _("This party has already approved this version.")
            if amendment is None
            else _("This party has already approved this amendment."),
            "already_approved",
        )
    blockers = agreement_blockers_for(agreement, amendment=amendment)
    if blockers:
        heading = (
            _("The agreement cannot be approved yet:")
            if amendment is None
            else _("The amendment cannot be approved yet:")
        )
        raise ValidationError(" ".join([heading, *blockers]), code="blocked")
    Approval.objects.create(
        agreement=agreement,
        amendment=amendment,
        party=party,
        person=actor,
        version=version,
        approved_at=now,
    )
    return party


def agreement_approve(*, agreement: Agreement, actor, party: str | None = None, now=None):
    """Record `actor`'s approval as `party` (their first party not yet approved when
    None). The last required approval puts the agreement in force: the internship takes
    its dates and ``agreement_approved`` is sent inside the transaction."""
    now = now or timezone.now()
    with transaction.atomic():
        agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
        internship = agreement.internship
        if agreement.status != AgreementStatus.DRAFT:
            refuse(_("The agreement is already in force."), "in_force")
        party = _approval_add(
            agreement=agreement, amendment=None, actor=actor, party=party, now=now
        )
        internship_audit(
            internship, "agreement.approved", actor, {"party": party, "version": agreement.version}
        )
        approved = set(
            agreement.approvals.filter(amendment=None, version=agreement.version).values_list(
                "party", flat=True
            )
        )
        if set(required_parties(internship)) <= approved:
            agreement.status = AgreementStatus.IN_FORCE
            agreement.in_force_at = now
            agreement.save(update_fields=["status", "in_force_at", "updated_at"])
            internship.start_date = agreement.start_date
            internship.end_date = agreement.end_date
            internship.full_clean()
            internship.save(update_fields=["start_date", "end_date", "updated_at"])
            internship_audit(
                internship, "agreement.in_force", actor, {"version": agreement.version}
            )
            agreement_approved.send(
                sender=Internship, internship=internship, agreement=agreement, actor=actor
            )
            internship_advance(internship=internship, now=now)
    return agreement


# ---------------------------------------------------------------- amendments


def _amendment_changes(internship, kind, start_date, end_date, ended_on) -> dict:
    """field → [before, after] of what the amendment would change (ISO dates); refuses
    dates outside the internship and amendments that change nothing."""
    changes = {}
    if kind == AmendmentKind.EARLY_END:
        if ended_on is None:
            refuse(_("Give the last day of the internship."), "required", "ended_on")
        if not internship.start_date <= ended_on <= internship.end_date:
            refuse(
                _("The last day must fall within the internship (%(start)s to %(end)s).")
                % {"start": internship.start_date, "end": internship.end_date},
                "outside",
                "ended_on",
            )
        if ended_on == internship.end_date:
            refuse(_("This amendment changes nothing: that is the planned last day."), "unchanged")
        changes["ended_on"] = [None, ended_on.isoformat()]
        return changes
    if kind == AmendmentKind.EXTENSION:
        if end_date is None:
            refuse(_("Give the new end date."), "required", "end_date")
        if end_date <= internship.end_date:
            if end_date == internship.end_date:
                refuse(
                    _("This amendment changes nothing: that is the current end date."), "unchanged"
                )
            refuse(_("An extension ends after the current end date."), "not_later", "end_date")
        start_date = internship.start_date
    elif kind == AmendmentKind.NEW_DATES:
        if start_date is None or end_date is None:
            refuse(_("Give the new start and end dates."), "required", "start_date")
        if internship.status != InternshipStatus.PLANNED and start_date != internship.start_date:
            refuse(
                _("The internship has started: its start date no longer changes."),
                "started",
                "start_date",
            )
    else:
        refuse(_("Unknown kind of amendment."), "invalid", "kind")
    _check_dates(internship, start_date, end_date)
    for field, new in (("start_date", start_date), ("end_date", end_date)):
        old = getattr(internship, field)
        if new != old:
            changes[field] = [old.isoformat(), new.isoformat()]
    if not changes:
        refuse(_("This amendment changes nothing: those are the current dates."), "unchanged")
    return changes


def amendment_propose(
    *,
    agreement: Agreement,
    actor,
    kind: str,
    reason: str,
    start_date: dt.date | None = None,
    end_date: dt.date | None = None,
    ended_on: dt.date | None = None,
) -> Amendment:
    """Propose a change to an agreement in force; the parties approve it again."""
    with transaction.atomic():
        agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
        internship = agreement.internship
        if not parties_of(internship, actor):
            refuse(_("Only the parties of the agreement propose amendments."), "not_a_party")
        if agreement.status != AgreementStatus.IN_FORCE:
            refuse(_("The agreement is not in force yet: edit the draft instead."), "draft")
        if internship.status in (InternshipStatus.ENDED_EARLY, InternshipStatus.COMPLETED):
            refuse(_("The internship is over: it can no longer be amended."), "over")
        if agreement.amendments.filter(status=AmendmentStatus.PROPOSED).exists():
            refuse(_("Another amendment awaits approval: approve or withdraw it first."), "pending")
        if not (reason or "").strip():
            refuse(_("Say why the agreement changes."), "required", "reason")
        changes = _amendment_changes(internship, kind, start_date, end_date, ended_on)
        number = (
            agreement.amendments.order_by("-number").values_list("number", flat=True).first() or 0
        ) + 1
        amendment = Amendment(
            agreement=agreement,
            number=number,
            kind=kind,
            start_date=start_date if kind == AmendmentKind.NEW_DATES else None,
            end_date=end_date if kind != AmendmentKind.EARLY_END else None,
            ended_on=ended_on if kind == AmendmentKind.EARLY_END else None,
            reason=reason.strip(),
            changes=changes,
            proposed_by=actor,
        )
        amendment.full_clean()
        amendment.save()
        amendment.budget = _budget_lines(
            internship=internship, agreement=agreement, amendment=amendment
        )
        amendment.save(update_fields=["budget"])
        internship_audit(
            internship,
            "amendment.proposed",
            actor,
            {"number": number, "kind": kind, "changes": changes},
        )
    return amendment


def amendment_withdraw(*, amendment: Amendment, actor) -> Amendment:
    """Withdraw a proposed amendment (its proposer or an officer)."""
    with transaction.atomic():
        amendment = Amendment.objects.select_for_update().get(pk=amendment.pk)
        internship = amendment.agreement.internship
        if amendment.status != AmendmentStatus.PROPOSED:
            refuse(_("Only a proposed amendment can be withdrawn."), "not_proposed")
        if amendment.proposed_by_id != actor.pk and Party.OFFICER not in parties_of(
            internship, actor
        ):
            refuse(
                _("Only who proposed the amendment, or an officer, withdraws it."), "not_allowed"
            )
        amendment.status = AmendmentStatus.WITHDRAWN
        amendment.save(update_fields=["status", "updated_at"])
        internship_audit(internship, "amendment.withdrawn", actor, {"number": amendment.number})
    return amendment


def amendment_approve(*, amendment: Amendment, actor, party: str | None = None, now=None):
    """Record `actor`'s approval of `amendment`; the last required approval applies it
    (new dates, or the early end) and sends ``amendment_approved`` (and, for an early
    end, ``internship_ended_early``) inside the transaction."""
    now = now or timezone.now()
    with transaction.atomic():
        amendment = Amendment.objects.select_for_update().get(pk=amendment.pk)
        agreement = amendment.agreement
        internship = agreement.internship
        if amendment.status != AmendmentStatus.PROPOSED:
            refuse(_("This amendment is no longer awaiting approval."), "not_proposed")
        party = _approval_add(
            agreement=agreement, amendment=amendment, actor=actor, party=party, now=now
        )
        internship_audit(
            internship, "amendment.approved", actor, {"number": amendment.number, "party": party}
        )
        approved = set(amendment.approvals.values_list("party", flat=True))
        if set(required_parties(internship)) <= approved:
            _amendment_apply(amendment=amendment, actor=actor, now=now)
    return amendment


def _amendment_apply(*, amendment: Amendment, actor, now) -> None:
    agreement = amendment.agreement
    internship = agreement.internship
    # The internship changed since the proposal (another amendment): check again.
    changes = _amendment_changes(
        internship, amendment.kind, amendment.start_date, amendment.end_date, amendment.ended_on
    )
    amendment.status = AmendmentStatus.APPROVED
    amendment.approved_at = now
    amendment.changes = changes
    amendment.save(update_fields=["status", "approved_at", "changes", "updated_at"])
    if amendment.kind == AmendmentKind.EARLY_END:
        internship.ended_on = amendment.ended_on
        internship.status = InternshipStatus.ENDED_EARLY
    else:
        internship.start_date = amendment.start_date or internship.start_date
        internship.end_date = amendment.end_date
        agreement.start_date = internship.start_date
        agreement.end_date = internship.end_date
        agreement.save(update_fields=["start_date", "end_date", "updated_at"])
    internship.full_clean()
    internship.save()
    internship_audit(
        internship,
        "amendment.in_force",
        actor,
        {"number": amendment.number, "kind": amendment.kind, "changes": changes},
    )
    amendment_approved.send(
        sender=Internship, internship=internship, amendment=amendment, changes=changes, actor=actor
    )
    if amendment.kind == AmendmentKind.EARLY_END:
        internship_audit(
            internship,
            "internship.ended_early",
            actor,
            {"ended_on": amendment.ended_on.isoformat()},
        )
        internship_ended_early.send(
            sender=Internship,
            internship=internship,
            ended_on=amendment.ended_on,
            reason=amendment.reason,
            actor=actor,
        )


# ---------------------------------------------------------------- status


def local_today(internship: Internship, now: dt.datetime | None = None) -> dt.date:
    """Today where the internship takes place (its host region's time zone)."""
    now = now or timezone.now()
    return now.astimezone(zoneinfo.ZoneInfo(timezone_for_region(internship.region))).date()


def internship_advance(*, internship: Internship, now: dt.datetime | None = None) -> str:
    """Move `internship` on with time, in its host region's time zone: planned → active
    from its first day once its agreement is in force; active → completed after its
    last day. Ended early stays so. Audited; answers the status."""
    today = local_today(internship, now)
    status = internship.status
    agreement = Agreement.objects.filter(internship=internship).only("status").first()
    in_force = agreement is not None and agreement.status == AgreementStatus.IN_FORCE
    new = status
    if status == InternshipStatus.PLANNED and in_force and internship.start_date <= today:
        new = InternshipStatus.ACTIVE
    if new == InternshipStatus.ACTIVE and internship.last_day < today:
        new = InternshipStatus.COMPLETED
    if new != status:
        internship.status = new
        internship.save(update_fields=["status", "updated_at"])
        internship_audit(
            internship,
            "internship.status",
            None,
            {"before": status, "after": new, "on": today.isoformat()},
        )
    return new


#: The job kind that moves internships on with time (scheduled hourly).
ADVANCE_JOB = "internships.advance"


def internships_advance(*, now: dt.datetime | None = None) -> list[int]:
    """Every planned or active internship moved on (the hourly job); answers the ids
    whose status changed."""
    changed = []
    for internship in Internship.objects.filter(
        status__in=[InternshipStatus.PLANNED, InternshipStatus.ACTIVE]
    ).select_related("offer__run__call"):
        before = internship.status
        with transaction.atomic():
            if internship_advance(internship=internship, now=now) != before:
                changed.append(internship.pk)
    return changed
