"""Plans, steps, documents, insurance, travel and rule-pack imports through the services."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from kakehashi.audit.models import AuditEntry
from kakehashi.mobility.models import MobilityPlan, PlanStep, RulePack, StepDocument
from kakehashi.mobility.selectors import coverage_gaps, plan_risks, plans_at_risk
from kakehashi.mobility.services import (
    SHIPPED_PACKS,
    check_in,
    contact_add,
    coverage_add,
    plan_update,
    rule_pack_import,
    step_document_upload,
    step_reminders_send,
    step_set_status,
    travel_set,
)
from kakehashi.offers.services import offer_accept

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
JP_TEXT = (SHIPPED_PACKS / "jp.yaml").read_text(encoding="utf-8")


def test_accepting_creates_the_plan_with_the_nationality_of_the_profile(accepted, world):
    plan = MobilityPlan.objects.get()

    assert (
        plan.internship_id,
        plan.nationality.code,
        plan.region,
        plan.days,
        plan.paid,
        plan.level,
        plan.timezone,
        plan.rule_pack.version,
        plan.route_key,
    ) == (
        accepted.pk,
        "CA",
        "JP-26",
        123,
        True,
        "phd",
        "Asia/Tokyo",
        2,
        "designated_activities_internship",
    )
    steps = {s.key: s for s in plan.steps.all()}
    # Start Saturday 2027-05-01: 60 Japanese business days before is 2027-02-02.
    assert (
        steps["coe_apply"].owner,
        steps["coe_apply"].due_date,
        steps["coe_apply"].risk_date,
    ) == (
        "host",
        dt.date(2027, 2, 2),
        dt.date(2027, 2, 15),
    )
    # Steps done at home count Canada's business days (Good Friday 2027-03-26).
    assert steps["visa_with_coe"].place == "CA"
    # The consulate asks for 15 business days before leaving: Monday 2027-04-12.
    assert steps["visa_with_coe"].due_date == dt.date(2027, 4, 12)
    assert steps["resident_registration"].due_date == dt.date(2027, 5, 15)
    assert AuditEntry.objects.get(verb="mobility.plan_created").data["route"] == (
        "designated_activities_internship"
    )


def test_a_later_profile_change_does_not_rewrite_the_plan(accepted, world):
    profile = world.candidate.candidate_profile
    profile.nationality = "JP"
    profile.save()

    assert MobilityPlan.objects.get().nationality.code == "CA"


def test_without_nationality_there_is_no_route_until_an_officer_sets_it(
    world, published, before_deadline, packs
):
    offer_accept(offer=published.offer, candidate=world.candidate, now=before_deadline)
    plan = MobilityPlan.objects.get()
    assert (plan.route_key, plan.route_reason, plan.steps.count()) == ("", "nationality_missing", 0)

    plan_update(plan=plan, actor=world.officer, nationality="ca", paid=False)

    plan.refresh_from_db()
    assert (plan.nationality.code, plan.route_key) == ("CA", "cultural_activities")
    assert AuditEntry.objects.filter(verb="mobility.plan_derived").count() == 1


def test_rederiving_keeps_done_steps_and_drops_open_ones_off_the_route(accepted, world):
    plan = accepted.mobility_plan
    agreement = plan.steps.get(key="university_agreement")
    step_set_status(step=agreement, actor=world.officer, status="done")

    plan_update(plan=plan, actor=world.officer, paid=False)

    keys = set(plan.steps.values_list("key", flat=True))
    assert plan.route_key == "cultural_activities"
    assert "university_agreement" in keys  # done: kept
    assert "half_study_period" not in keys  # open and off the route: dropped


def test_only_officers_change_the_facts(accepted, world):
    with pytest.raises(
        ValidationError, match=re.escape("Only officers change the facts of a plan.")
    ):
        plan_update(plan=accepted.mobility_plan, actor=world.candidate, paid=False)
    assert accepted.mobility_plan.route_key == "designated_activities_internship"


def test_a_step_is_marked_by_its_owner_or_an_officer(accepted, world):
    plan = accepted.mobility_plan
    coe = plan.steps.get(key="coe_apply")  # the host's

    with pytest.raises(ValidationError, match="This step belongs to the host"):
        step_set_status(step=coe, actor=world.candidate, status="done")
    step_set_status(step=coe, actor=world.supervisor, status="done")

    coe.refresh_from_db()
    assert (coe.status, coe.done_by) == ("done", world.supervisor)
    with pytest.raises(ValidationError, match=re.escape("Only an officer sets a step aside.")):
        step_set_status(step=coe, actor=world.supervisor, status="not_needed")


def test_documents_against_a_step_are_pdfs_of_a_party(accepted, world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    step = accepted.mobility_plan.steps.get(key="coe_apply")

    document = step_document_upload(
        step=step, actor=world.supervisor, upload=SimpleUploadedFile("coe.pdf", PDF)
    )
    with pytest.raises(ValidationError, match=re.escape("The file is not a PDF document.")):
        step_document_upload(
            step=step, actor=world.supervisor, upload=SimpleUploadedFile("x.pdf", b"hello")
        )
    with pytest.raises(ValidationError, match="Only the internship's parties upload"):
        step_document_upload(
            step=step, actor=world.other_candidate, upload=SimpleUploadedFile("c.pdf", PDF)
        )

    assert StepDocument.objects.get() == document
    assert (document.filename, document.size) == ("coe.pdf", len(PDF))
    assert Path(document.file.path).read_bytes() == PDF


def test_insurance_gaps_are_flagged_until_the_whole_stay_is_covered(accepted, world):
    plan = accepted.mobility_plan  # 2027-05-01 to 2027-08-31
    plan.steps.update(status="done")
    plan.checked_in_at = dt.datetime(2027, 5, 1, tzinfo=dt.UTC)
    plan.save()
    assert coverage_gaps(plan) == [(dt.date(2027, 5, 1), dt.date(2027, 8, 31))]

    coverage_add(
        plan=plan,
        actor=world.candidate,
        kind="private",
        insurer="Example Travel Insurance (invented)",
        start_date=dt.date(2027, 4, 30),
        end_date=dt.date(2027, 5, 20),
    )
    coverage_add(
        plan=plan,
        actor=world.candidate,
        kind="public",
        insurer="National Health Insurance, Kyoto",
        start_date=dt.date(2027, 6, 1),
        end_date=dt.date(2027, 8, 31),
    )
    plan = MobilityPlan.objects.prefetch_related("coverages").get()
    assert coverage_gaps(plan) == [(dt.date(2027, 5, 21), dt.date(2027, 5, 31))]
    assert plan_risks(plan, today=dt.date(2027, 4, 16)) == []  # all steps done below
    risks = plan_risks(plan, today=dt.date(2027, 4, 17))
    assert [r.message for r in risks if r.code == "insurance_gap"] == [
        "No insurance from 2027-05-21 to 2027-05-31."
    ]

    coverage_add(
        plan=plan,
        actor=world.officer,
        kind="private",
        insurer="Example Travel Insurance (invented)",
        start_date=dt.date(2027, 5, 21),
        end_date=dt.date(2027, 5, 31),
    )
    plan = MobilityPlan.objects.prefetch_related("coverages").get()
    assert coverage_gaps(plan) == []


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        (dt.date(2027, 6, 1), dt.date(2027, 5, 1), "The coverage ends before it starts."),
        (dt.date(2026, 1, 1), dt.date(2026, 2, 1), "does not overlap the internship's dates"),
    ],
)
def test_bad_coverage_is_refused_and_nothing_changes(accepted, world, start, end, message):
    with pytest.raises(ValidationError, match=message):
        coverage_add(
            plan=accepted.mobility_plan,
            actor=world.candidate,
            kind="private",
            insurer="X",
            start_date=start,
            end_date=end,
        )
    assert not accepted.mobility_plan.coverages.exists()


def test_the_host_supervisor_does_not_record_the_interns_insurance(accepted, world):
    with pytest.raises(
        ValidationError, match=re.escape("Only the intern or an officer changes this.")
    ):
        contact_add(plan=accepted.mobility_plan, actor=world.supervisor, name="A", phone="123")


def test_travel_and_check_in(accepted, world):
    plan = accepted.mobility_plan
    arrival = dt.datetime(2027, 4, 29, 15, 30)  # naive: read in Tokyo time

    travel_set(plan=plan, actor=world.candidate, arrival_at=arrival, departure_at=None)
    plan.refresh_from_db()
    assert plan.arrival_at == dt.datetime(2027, 4, 29, 6, 30, tzinfo=dt.UTC)

    with pytest.raises(ValidationError, match=re.escape("Departure must come after arrival.")):
        travel_set(
            plan=plan,
            actor=world.candidate,
            arrival_at=arrival,
            departure_at=dt.datetime(2027, 4, 28, 9, 0),
        )
    with pytest.raises(ValidationError, match="Check in when you arrive"):
        check_in(plan=plan, actor=world.candidate, now=dt.datetime(2027, 4, 20, tzinfo=dt.UTC))
    with pytest.raises(ValidationError, match=re.escape("Only the intern checks in.")):
        check_in(plan=plan, actor=world.officer, now=dt.datetime(2027, 5, 1, tzinfo=dt.UTC))
    check_in(plan=plan, actor=world.candidate, now=dt.datetime(2027, 4, 30, 1, 0, tzinfo=dt.UTC))
    plan.refresh_from_db()
    assert plan.checked_in_at == dt.datetime(2027, 4, 30, 1, 0, tzinfo=dt.UTC)
    assert AuditEntry.objects.filter(verb="mobility.checked_in").count() == 1


def test_at_risk_when_the_coe_is_not_applied_for_75_days_before_the_start(accepted, world):
    # 2027-05-01 minus 75 days is 2027-02-15.
    assert [p for p, _ in plans_at_risk(user=world.officer, today=dt.date(2026, 11, 1))] == []

    at_risk = plans_at_risk(user=world.officer, today=dt.date(2027, 2, 15))

    ((plan, risks),) = at_risk
    assert plan.internship_id == accepted.pk
    codes = [(r.code, r.step.key if r.step else None) for r in risks]
    assert ("step_at_risk", "coe_apply") in codes
    assert (
        next(r.message for r in risks if r.code == "step_at_risk" and r.step.key == "coe_apply")
        == "Not done 75 days before the start: The host applies for the Certificate of "
        "Eligibility at the regional immigration bureau"
    )
    step_set_status(
        step=PlanStep.objects.get(key="coe_apply"), actor=world.supervisor, status="done"
    )
    ((_plan, risks),) = plans_at_risk(user=world.officer, today=dt.date(2027, 2, 15))
    assert ("step_at_risk", "coe_apply") not in [
        (r.code, r.step.key if r.step else None) for r in risks
    ]


def test_reminders_go_to_each_owner_14_and_3_days_before_and_after_the_deadline(
    accepted, world, mailoutbox
):
    step = PlanStep.objects.get(key="coe_apply")  # due 2027-02-02, the host's
    PlanStep.objects.exclude(pk=step.pk).update(status="done")
    mailoutbox.clear()  # the offers' mail

    assert step_reminders_send(today=dt.date(2027, 1, 19)) == {"before": 1, "overdue": 0}
    assert step_reminders_send(today=dt.date(2027, 1, 19)) == {"before": 0, "overdue": 0}
    assert step_reminders_send(today=dt.date(2027, 1, 30)) == {"before": 1, "overdue": 0}
    assert step_reminders_send(today=dt.date(2027, 2, 3)) == {"before": 0, "overdue": 1}
    assert [m.to for m in mailoutbox] == [[world.supervisor.email]] * 3
    assert mailoutbox[0].subject == (
        "Reminder: The host applies for the Certificate of Eligibility at the regional "
        "immigration bureau"
    )
    assert "/mobility/internships/" in mailoutbox[0].body
    assert "not immigration advice" in mailoutbox[0].body


def test_importing_a_pack_again_changes_nothing_and_a_new_version_is_kept_beside(packs):
    pack, created = rule_pack_import(text=JP_TEXT, source_file="jp.yaml")
    assert (pack.pk, created) == (packs["JP"].pk, False)

    with pytest.raises(ValidationError, match="Version 2 of the JP pack is already imported"):
        rule_pack_import(text=JP_TEXT.replace("2026-12-05", "2027-01-10"))
    newer, created = rule_pack_import(
        text=JP_TEXT.replace("version: 2", "version: 3").replace(
            "last_reviewed: 2026-12-05", "last_reviewed: 2027-01-10"
        )
    )
    assert (newer.version, newer.last_reviewed, created) == (3, dt.date(2027, 1, 10), True)
    with pytest.raises(
        ValidationError, match=re.escape("The JP pack is at version 3 already; 1 is older.")
    ):
        rule_pack_import(text=JP_TEXT.replace("version: 2", "version: 1"))
    assert RulePack.objects.filter(country="JP").count() == 2


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("country: [", "The rule pack is not valid YAML"),
        ("- a list", "The rule pack is not a mapping of keys to values."),
        ("country: JP\n", "The rule pack is refused: missing 'version'"),
    ],
)
@pytest.mark.django_db
def test_a_broken_pack_is_refused_whole(text, message):
    with pytest.raises(ValidationError, match=message):
        rule_pack_import(text=text)
    assert not RulePack.objects.exists()


def test_import_command_derives_plans_made_before_the_pack(
    world, published, before_deadline, capsys
):
    profile = world.candidate.candidate_profile
    profile.nationality = "CA"
    profile.save()
    offer_accept(offer=published.offer, candidate=world.candidate, now=before_deadline)
    assert MobilityPlan.objects.get().route_reason == "no_pack"

    call_command("import_rule_packs")

    out = capsys.readouterr().out
    assert "jp.yaml: JP version 2 imported." in out
    assert "Derived 1 plans that had no rule pack or no nationality." in out
    assert MobilityPlan.objects.get().route_key == "designated_activities_internship"


def test_an_approved_amendment_of_the_dates_derives_the_plan_again(accepted, world):
    from kakehashi.internships.models import Internship
    from kakehashi.internships.signals import amendment_approved

    accepted.end_date = dt.date(2027, 12, 31)  # 245 days: still Designated Activities
    accepted.save()
    amendment_approved.send(
        sender=Internship,
        internship=accepted,
        amendment=None,
        changes={"end_date": ["2027-08-31", "2027-12-31"]},
        actor=world.officer,
    )

    plan = MobilityPlan.objects.get()
    assert (plan.days, plan.route_key) == (245, "designated_activities_internship")
    entry = AuditEntry.objects.get(verb="mobility.plan_derived")
    assert entry.data["amendment"] == ["end_date"]


# ------------------------------------------------------------- paid follows the funding


def _accept_with_rules(world, published, before_deadline, *kinds):
    from decimal import Decimal

    # Imported here: only these tests give the program funding rules.
    from kakehashi.funding.models import Funder
    from tests.kakehashi.funding.conftest import unit_rule

    profile = world.candidate.candidate_profile
    profile.nationality = "CA"
    profile.save()
    funder = Funder.objects.create(code="F", name="Funder (invented)", country="CA")
    for kind in kinds:
        if kind == "unit":
            unit_rule(world.call.program, funder)
        else:  # a travel allowance only: a reimbursement, not pay
            unit_rule(
                world.call.program,
                funder,
                kind="travel",
                label="Travel (invented)",
                amount=Decimal("2000.00"),
                partner_contribution=Decimal("0"),
            )
    offer_accept(offer=published.offer, candidate=world.candidate, now=before_deadline)
    plan = MobilityPlan.objects.get()
    created = AuditEntry.objects.get(verb="mobility.plan_created")
    return plan, created.data


def test_paid_follows_a_funded_unit(world, published, before_deadline, packs):
    plan, data = _accept_with_rules(world, published, before_deadline, "unit")
    assert (plan.paid, plan.route_key) == (True, "designated_activities_internship")
    assert (data["paid"], data["paid_from"]) == (True, "funding")


def test_a_travel_allowance_alone_is_not_pay(world, published, before_deadline, packs):
    plan, data = _accept_with_rules(world, published, before_deadline, "travel")
    # Unpaid research of more than 90 days in Japan: Cultural Activities.
    assert (plan.paid, plan.route_key) == (False, "cultural_activities")
    assert (data["paid"], data["paid_from"]) == (False, "funding")


def test_without_funding_rules_paid_is_assumed_and_said_so(accepted):
    plan = MobilityPlan.objects.get()
    data = AuditEntry.objects.get(verb="mobility.plan_created").data
    assert (plan.paid, data["paid"], data["paid_from"]) == (True, True, "assumed")
