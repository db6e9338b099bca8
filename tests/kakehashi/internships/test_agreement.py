"""The agreement: drafted from the program's template, approved by each party,
blocked until research security is done, amended after it is in force."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from kakehashi.audit.models import AuditEntry
from kakehashi.internships.models import Approval, Internship
from kakehashi.internships.services import (
    agreement_approve,
    agreement_update,
    amendment_approve,
    amendment_propose,
    internship_advance,
)
from kakehashi.internships.signals import (
    agreement_approved,
    agreement_budget,
    amendment_approved,
    internship_ended_early,
)

from .conftest import approve_all, clear_security, complete_draft


def test_acceptance_drafts_the_agreement_from_the_template(iw):
    a = iw.agreement
    assert (a.status, a.version, a.start_date, a.end_date, a.budget) == (
        "draft",
        1,
        iw.internship.start_date,
        iw.internship.end_date,
        [],
    )
    assert a.sections == [
        {
            "title": {"en": "Purpose", "fr": "Objet", "ja": "目的"},
            "body": {
                "en": "This agreement sets out the internship.",
                "fr": "Cette entente encadre le stage.",
                "ja": "本契約は研修について定める。",
            },
        }
    ]
    # The intern writes in their language; the host in Japan reads Japanese.
    assert (a.plan_intern_language, a.plan_host_language) == ("en", "ja")
    assert (
        AuditEntry.objects.filter(
            verb="agreement.drafted", target=f"internship {iw.internship.pk}"
        ).count()
        == 1
    )


def test_budget_lines_come_from_the_receivers(world, published, before_deadline):
    from kakehashi.offers.services import offer_accept

    from .conftest import make_template

    def receiver(sender, **kwargs):
        return [
            {
                "funder": "Mitacs",
                "label": "Stipend",
                "amount": "7500.00",
                "currency": "CAD",
                "source": "test",
            }
        ]

    make_template(world.call.program)
    agreement_budget.connect(receiver, dispatch_uid="test.budget")
    try:
        offer_accept(offer=published.offer, candidate=world.candidate, now=before_deadline)
    finally:
        agreement_budget.disconnect(dispatch_uid="test.budget")
    assert Internship.objects.get().agreement.budget == [
        {
            "funder": "Mitacs",
            "label": "Stipend",
            "amount": "7500.00",
            "currency": "CAD",
            "source": "test",
        }
    ]


def test_a_budget_line_with_yen_decimals_is_refused(world, published, before_deadline):
    from kakehashi.offers.services import offer_accept

    from .conftest import make_template

    def receiver(sender, **kwargs):
        return [{"funder": "JP", "label": "Travel", "amount": "1000.5", "currency": "JPY"}]

    make_template(world.call.program)
    agreement_budget.connect(receiver, dispatch_uid="test.budget")
    try:
        with pytest.raises(ValidationError, match="more decimals than the currency has"):
            offer_accept(offer=published.offer, candidate=world.candidate, now=before_deadline)
    finally:
        agreement_budget.disconnect(dispatch_uid="test.budget")
    assert not Internship.objects.exists()


def test_approval_is_blocked_until_the_draft_is_complete_and_security_done(iw):
    with pytest.raises(ValidationError) as exc:
        agreement_approve(agreement=iw.agreement, actor=iw.candidate)
    assert exc.value.messages == [
        "The agreement cannot be approved yet: "
        "The home supervisor is not named yet. "
        "The partner's signatory is not named yet. "
        "The research plan is not written in both languages yet. "
        "No intellectual-property option is chosen yet. "
        "An officer has not decided whether the project is in a sensitive technology "
        "research area. "
        "The host has not recorded its export-control screening of the intern."
    ]
    assert not Approval.objects.exists()


def test_every_party_approves_then_the_agreement_is_in_force(iw):
    complete_draft(iw)
    clear_security(iw)
    sent = []

    def on_approved(sender, *, internship, agreement, actor, **kwargs):
        sent.append((internship.pk, agreement.status, actor.username))

    agreement_approved.connect(on_approved, dispatch_uid="test.approved")
    try:
        approve_all(iw, but=("officer",))
        assert iw.agreement.status == "draft"
        agreement_approve(agreement=iw.agreement, actor=iw.officer)
    finally:
        agreement_approved.disconnect(dispatch_uid="test.approved")
    iw.agreement.refresh_from_db()
    assert iw.agreement.status == "in_force"
    assert sent == [(iw.internship.pk, "in_force", "off")]
    assert list(
        AuditEntry.objects.filter(verb="agreement.approved").values_list("data__party", flat=True)
    ) == ["intern", "host_supervisor", "home_supervisor", "partner_signatory", "officer"]
    assert AuditEntry.objects.filter(verb="agreement.in_force").count() == 1


def test_a_receiver_failure_rolls_the_last_approval_back(iw):
    complete_draft(iw)
    clear_security(iw)
    approve_all(iw, but=("officer",))

    def failing(sender, **kwargs):
        raise ValidationError("The funder's budget is exhausted.")

    agreement_approved.connect(failing, dispatch_uid="test.fail")
    try:
        with pytest.raises(ValidationError, match="exhausted"):
            agreement_approve(agreement=iw.agreement, actor=iw.officer)
    finally:
        agreement_approved.disconnect(dispatch_uid="test.fail")
    iw.agreement.refresh_from_db()
    assert iw.agreement.status == "draft"
    assert not Approval.objects.filter(party="officer").exists()


def test_a_non_party_cannot_approve(iw):
    complete_draft(iw)
    clear_security(iw)
    for outsider in (iw.other_candidate, iw.other_supervisor, iw.org_admin):
        with pytest.raises(ValidationError, match="Only the parties of the agreement approve it"):
            agreement_approve(agreement=iw.agreement, actor=outsider)
    with pytest.raises(ValidationError, match="You are not the Program officer of this agreement"):
        agreement_approve(agreement=iw.agreement, actor=iw.candidate, party="officer")
    assert not Approval.objects.exists()


def test_approving_twice_is_refused(iw):
    complete_draft(iw)
    clear_security(iw)
    agreement_approve(agreement=iw.agreement, actor=iw.candidate)
    with pytest.raises(ValidationError, match="already approved this version"):
        agreement_approve(agreement=iw.agreement, actor=iw.candidate, party="intern")


def test_editing_the_draft_makes_a_new_version_and_earlier_approvals_stop_counting(iw):
    complete_draft(iw)
    clear_security(iw)
    agreement_approve(agreement=iw.agreement, actor=iw.candidate)
    version = iw.agreement.version
    agreement_update(agreement=iw.agreement, actor=iw.supervisor, plan_host="改訂した計画。")
    iw.agreement.refresh_from_db()
    assert iw.agreement.version == version + 1
    entry = AuditEntry.objects.filter(verb="agreement.edited").last()
    assert (entry.data["changed"], entry.data["approvals_reset"]) == (["plan_host"], 1)
    # The intern approves again (the new version).
    agreement_approve(agreement=iw.agreement, actor=iw.candidate)
    assert Approval.objects.filter(party="intern").count() == 2


def test_an_edit_that_changes_nothing_is_refused(iw):
    with pytest.raises(ValidationError, match="Nothing changed"):
        agreement_update(agreement=iw.agreement, actor=iw.candidate, plan_intern="")
    iw.agreement.refresh_from_db()
    assert iw.agreement.version == 1


def test_draft_dates_must_be_in_order_and_within_the_program(iw):
    with pytest.raises(ValidationError, match="ends before it starts"):
        agreement_update(agreement=iw.agreement, actor=iw.candidate, end_date=dt.date(2027, 1, 1))
    with pytest.raises(ValidationError, match="at most 24 weeks"):
        agreement_update(agreement=iw.agreement, actor=iw.candidate, end_date=dt.date(2028, 1, 1))
    iw.agreement.refresh_from_db()
    assert (iw.agreement.end_date, iw.agreement.version) == (iw.internship.end_date, 1)


def test_an_unknown_ip_option_is_refused(iw):
    with pytest.raises(ValidationError, match="not one of this program's"):
        agreement_update(agreement=iw.agreement, actor=iw.candidate, ip_option="nope")


def test_parties_named_must_be_affiliated(iw):
    from kakehashi.internships.services import agreement_parties_set

    with pytest.raises(ValidationError, match="is not affiliated with that organisation"):
        agreement_parties_set(
            agreement=iw.agreement, actor=iw.officer, partner_signatory=iw.other_supervisor
        )
    with pytest.raises(ValidationError, match="You may not name this party"):
        agreement_parties_set(
            agreement=iw.agreement, actor=iw.candidate, partner_signatory=iw.signatory
        )


@pytest.fixture
def in_force(iw):
    complete_draft(iw)
    clear_security(iw)
    approve_all(iw)
    return iw


def test_an_agreement_in_force_is_changed_by_amendment_only(in_force):
    with pytest.raises(ValidationError, match="propose an amendment"):
        agreement_update(agreement=in_force.agreement, actor=in_force.candidate, plan_intern="x")


def _approve_amendment(iw, amendment):
    for person in (iw.candidate, iw.supervisor, iw.home_supervisor, iw.signatory, iw.officer):
        amendment_approve(amendment=amendment, actor=person)


def test_an_extension_approved_by_all_moves_the_end_date(in_force):
    iw = in_force
    sent = []
    amendment_approved.connect(
        lambda sender, **kw: sent.append((kw["amendment"].kind, kw["changes"])),
        dispatch_uid="t.a",
        weak=False,
    )
    try:
        amendment = amendment_propose(
            agreement=iw.agreement,
            actor=iw.supervisor,
            kind="extension",
            end_date=dt.date(2027, 9, 30),
            reason="More data.",
        )
        _approve_amendment(iw, amendment)
    finally:
        amendment_approved.disconnect(dispatch_uid="t.a")
    iw.internship.refresh_from_db()
    iw.agreement.refresh_from_db()
    assert (iw.internship.end_date, iw.agreement.end_date) == (
        dt.date(2027, 9, 30),
        dt.date(2027, 9, 30),
    )
    assert sent == [("extension", {"end_date": ["2027-08-31", "2027-09-30"]})]


def test_early_end_sets_the_last_day_and_tells_funding(in_force):
    iw = in_force
    ended = []
    internship_ended_early.connect(
        lambda sender, **kw: ended.append((kw["ended_on"], kw["reason"])),
        dispatch_uid="t.e",
        weak=False,
    )
    try:
        amendment = amendment_propose(
            agreement=iw.agreement,
            actor=iw.candidate,
            kind="early_end",
            ended_on=dt.date(2027, 7, 15),
            reason="Family reasons.",
        )
        _approve_amendment(iw, amendment)
    finally:
        internship_ended_early.disconnect(dispatch_uid="t.e")
    iw.internship.refresh_from_db()
    assert (iw.internship.status, iw.internship.ended_on, iw.internship.last_day) == (
        "ended_early",
        dt.date(2027, 7, 15),
        dt.date(2027, 7, 15),
    )
    assert ended == [(dt.date(2027, 7, 15), "Family reasons.")]
    with pytest.raises(ValidationError, match="can no longer be amended"):
        amendment_propose(
            agreement=iw.agreement,
            actor=iw.candidate,
            kind="extension",
            end_date=dt.date(2027, 9, 1),
            reason="x",
        )


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"kind": "early_end", "ended_on": dt.date(2027, 12, 1)},
            "must fall within the internship",
        ),
        ({"kind": "early_end", "ended_on": dt.date(2027, 4, 1)}, "must fall within the internship"),
        ({"kind": "early_end", "ended_on": dt.date(2027, 8, 31)}, "changes nothing"),
        ({"kind": "extension", "end_date": dt.date(2027, 8, 31)}, "changes nothing"),
        ({"kind": "extension", "end_date": dt.date(2027, 7, 1)}, "ends after the current end date"),
        (
            {
                "kind": "new_dates",
                "start_date": dt.date(2027, 5, 1),
                "end_date": dt.date(2027, 8, 31),
            },
            "changes nothing",
        ),
        (
            {
                "kind": "new_dates",
                "start_date": dt.date(2027, 9, 1),
                "end_date": dt.date(2027, 8, 1),
            },
            "ends before it starts",
        ),
    ],
)
def test_bad_amendments_are_refused_and_change_nothing(in_force, kwargs, message):
    with pytest.raises(ValidationError, match=message):
        amendment_propose(
            agreement=in_force.agreement, actor=in_force.candidate, reason="r", **kwargs
        )
    assert not in_force.agreement.amendments.exists()


def test_a_second_open_amendment_is_refused(in_force):
    iw = in_force
    amendment_propose(
        agreement=iw.agreement,
        actor=iw.candidate,
        kind="extension",
        end_date=dt.date(2027, 9, 30),
        reason="r",
    )
    with pytest.raises(ValidationError, match="Another amendment awaits approval"):
        amendment_propose(
            agreement=iw.agreement,
            actor=iw.candidate,
            kind="early_end",
            ended_on=dt.date(2027, 6, 1),
            reason="r",
        )


def test_a_non_party_cannot_propose_or_approve_an_amendment(in_force):
    iw = in_force
    with pytest.raises(ValidationError, match="Only the parties"):
        amendment_propose(
            agreement=iw.agreement,
            actor=iw.org_admin,
            kind="extension",
            end_date=dt.date(2027, 9, 30),
            reason="r",
        )
    amendment = amendment_propose(
        agreement=iw.agreement,
        actor=iw.candidate,
        kind="extension",
        end_date=dt.date(2027, 9, 30),
        reason="r",
    )
    with pytest.raises(ValidationError, match="Only the parties"):
        amendment_approve(amendment=amendment, actor=iw.other_supervisor)


def test_status_moves_with_time_in_the_host_zone(in_force):
    iw = in_force
    # 2027-04-30 15:30 UTC is already 1 May 00:30 in Kyoto (JP-26).
    assert (
        internship_advance(
            internship=iw.internship, now=dt.datetime(2027, 4, 30, 14, 30, tzinfo=dt.UTC)
        )
        == "planned"
    )
    assert (
        internship_advance(
            internship=iw.internship, now=dt.datetime(2027, 4, 30, 15, 30, tzinfo=dt.UTC)
        )
        == "active"
    )
    assert (
        internship_advance(
            internship=iw.internship, now=dt.datetime(2027, 9, 1, 0, 0, tzinfo=dt.UTC)
        )
        == "completed"
    )
    assert list(
        AuditEntry.objects.filter(verb="internship.status").values_list("data__after", flat=True)
    ) == [
        "active",
        "completed",
    ]


def test_a_draft_agreement_keeps_the_internship_planned(iw):
    assert (
        internship_advance(internship=iw.internship, now=dt.datetime(2027, 6, 1, tzinfo=dt.UTC))
        == "planned"
    )


def test_the_hourly_job_moves_internships_on(in_force, django_capture_on_commit_callbacks):
    import datetime as dt

    from django.utils import timezone

    from kakehashi.internships.services import internships_advance
    from kakehashi.jobs.models import Job
    from kakehashi.jobs.tasks import job_enqueue_scheduled

    # Before the first day nothing changes; the job runs and says so.
    with django_capture_on_commit_callbacks(execute=True):
        pk = job_enqueue_scheduled(kind="internships.advance")
    job = Job.objects.get(pk=pk)
    assert (job.status, job.result) == ("succeeded", {"changed": []})
    assert timezone.now().date() < in_force.internship.start_date
    changed = internships_advance(now=dt.datetime(2027, 6, 1, tzinfo=dt.UTC))
    assert changed == [in_force.internship.pk]
    in_force.internship.refresh_from_db()
    assert in_force.internship.status == "active"
