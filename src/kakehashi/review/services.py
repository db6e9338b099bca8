"""Writes of the review workflow: profiles, rounds, bids, conflicts, assignment runs,
manual changes, release, reviews and decisions. Each checks its rules, writes inside a
transaction and records itself in the call's audit record (docs/review.md)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kakehashi.applications.enums import ApplicationStatus
from kakehashi.applications.models import Application
from kakehashi.audit.services import audit_record
from kakehashi.core import limits
from kakehashi.core.errors import refuse
from kakehashi.core.roles import is_officer
from kakehashi.jobs.services import job_enqueue
from kakehashi.notifications.services import (
    notify_after_commit,
    notify_all_after_commit,
    notify_once,
    site_link,
)
from kakehashi.outcomes.enums import OutcomeKind
from kakehashi.outcomes.models import Outcome
from kakehashi.projects.enums import ProjectStatus
from kakehashi.projects.models import Project
from kakehashi.projects.services import project_transition
from kakehashi.review import conflicts as detection
from kakehashi.review.affinity import affinity_table, readable_in
from kakehashi.review.enums import (
    AssignmentMode,
    AssignmentSource,
    BidLevel,
    ConflictReason,
    Decision,
    ProposalKind,
)
from kakehashi.review.enums import RoundStatus as S
from kakehashi.review.models import (
    LANGUAGES,
    Assignment,
    AssignmentRun,
    Bid,
    Conflict,
    DiscussionComment,
    Proposal,
    Review,
    ReviewerProfile,
    ReviewForm,
    ReviewRound,
)
from kakehashi.review.rules import discussion_open
from kakehashi.review.selectors import (
    bid_list,
    is_reviewer,
    proposal_authors,
    proposal_list,
    reviewer_list,
)
from kakehashi_match.assign import assign, assignment_check

RUN_JOB = "review.assign"
#: The job kind that reminds reviewers of reviews due soon (scheduled in settings).
REMINDERS_JOB = "review.reminders"
#: How long before reviews are due the reminder goes out.
REMINDER_BEFORE = dt.timedelta(hours=48)
REVIEW_ASSIGNED = "review_assigned"
REVIEW_REMINDER = "review_reminder"
REVIEW_DECIDED = "review_decided"


def _proposal_audit(proposal: Proposal, verb: str, actor, **data) -> None:
    """Record `verb` on `proposal` in its call's audit record, under the proposal's
    number; `data` follows the proposal's."""
    audit_record(
        scope=proposal.round.call,
        verb=verb,
        actor=actor,
        target=str(proposal.pk),
        data={"proposal": proposal.pk, **data},
    )


def _officer(actor) -> None:
    if not is_officer(actor):
        refuse(_("Only program officers manage reviews."), "not_officer")


def _reviewer(actor) -> None:
    if not is_reviewer(actor):
        refuse(_("Only reviewers do this."), "not_reviewer")


# ------------------------------------------------------------------ e-mail


# ------------------------------------------------------------------ profiles


def reviewer_profile_set(
    *,
    user,
    expertise: str,
    languages: list[str],
    max_load: int,
    min_load: int = 0,
    organisation=None,
    fields=(),
) -> ReviewerProfile:
    """Create or change a reviewer's profile."""
    _reviewer(user)
    profile = ReviewerProfile.objects.filter(user=user).first() or ReviewerProfile(user=user)
    before = {
        "expertise": profile.expertise,
        "languages": profile.languages,
        "max_load": profile.max_load,
        "min_load": profile.min_load,
    }
    profile.expertise = (expertise or "").strip()
    profile.languages = list(dict.fromkeys(languages or []))
    profile.max_load, profile.min_load = max_load, min_load
    profile.organisation = organisation
    profile.full_clean()
    with transaction.atomic():
        profile.save()
        profile.fields.set(list(fields))
        audit_record(
            scope=user,
            verb="reviewer_profile.saved",
            actor=user,
            target=user.username,
            data={
                "before": before,
                "after": {
                    "expertise": profile.expertise,
                    "languages": profile.languages,
                    "max_load": max_load,
                    "min_load": min_load,
                    "organisation": profile.organisation_id,
                    "fields": sorted(f.code for f in profile.fields.all()),
                },
            },
        )
    return profile


# ------------------------------------------------------------------ rounds


def _due_clean(due_at: dt.datetime | None) -> dt.datetime | None:
    if due_at is None:
        return None
    if timezone.is_naive(due_at):
        refuse(_("Give the due date with its time zone."), "due", "reviews_due_at")
    if due_at <= timezone.now():
        refuse(_("Reviews cannot be due in the past."), "due", "reviews_due_at")
    return due_at.astimezone(dt.UTC)


def review_round_open(
    *,
    actor,
    call,
    kind: str,
    form: ReviewForm,
    reviewers_per_proposal: int = 2,
    reviews_due_at: dt.datetime | None = None,
) -> ReviewRound:
    """Open review for `call`: its submitted projects (kind `projects`) or its submitted
    applications (kind `applications`) become proposals, and conflicts are detected."""
    _officer(actor)
    if kind not in ProposalKind.values:
        refuse(_("Review projects or applications."), "kind", "kind")
    if form.program_id != call.program_id:
        refuse(_("This review form belongs to another program."), "form", "form")
    if not 1 <= reviewers_per_proposal <= 10:
        refuse(
            _("Each proposal needs between 1 and 10 reviewers."),
            "reviewers",
            "reviewers_per_proposal",
        )
    due = _due_clean(reviews_due_at)
    if ReviewRound.objects.filter(call=call).exists():
        refuse(_("Review is already open for this call."), "exists")
    with transaction.atomic():
        rnd = ReviewRound.objects.create(
            call=call,
            kind=kind,
            form=form,
            reviewers_per_proposal=reviewers_per_proposal,
            reviews_due_at=due,
        )
        if kind == ProposalKind.PROJECTS:
            subjects = Project.objects.filter(call=call, status=ProjectStatus.SUBMITTED)
            Proposal.objects.bulk_create(
                [Proposal(round=rnd, project=p) for p in subjects.order_by("pk")]
            )
        else:
            subjects = Application.objects.filter(call=call, status=ApplicationStatus.SUBMITTED)
            Proposal.objects.bulk_create(
                [Proposal(round=rnd, application=a) for a in subjects.order_by("pk")]
            )
        count = rnd.proposals.count()
        if not count:
            refuse(_("This call has nothing to review yet."), "empty")
        audit_record(
            scope=call,
            verb="review.opened",
            actor=actor,
            target=kind,
            data={
                "round": rnd.pk,
                "kind": kind,
                "form": form.pk,
                "reviewers_per_proposal": reviewers_per_proposal,
                "proposals": count,
                "reviews_due_at": due.isoformat() if due else None,
            },
        )
        conflicts_detect(actor=actor, round=rnd)
    return rnd


def review_round_due_set(*, actor, round: ReviewRound, reviews_due_at: dt.datetime | None):
    """Set (or clear) when reviews are due; reviewers are reminded before (a moved date
    is a new reminder)."""
    _officer(actor)
    if round.status == S.CLOSED:
        refuse(_("This review is closed."), "closed")
    due = _due_clean(reviews_due_at)
    with transaction.atomic():
        before = round.reviews_due_at
        round.reviews_due_at = due
        round.save(update_fields=["reviews_due_at", "updated_at"])
        audit_record(
            scope=round.call,
            verb="review.due_set",
            actor=actor,
            target=str(round.pk),
            data={
                "round": round.pk,
                "before": before.isoformat() if before else None,
                "after": due.isoformat() if due else None,
            },
        )
    return round


# ------------------------------------------------------------------ bids and conflicts


def _bidding(rnd: ReviewRound) -> None:
    if rnd.status != S.BIDDING:
        refuse(_("Bids and declarations are closed: the assignment is released."), "closed")


def bid_set(*, reviewer, proposal: Proposal, level: str) -> Bid | None:
    """Bid on a proposal (eager, willing, not willing, conflict); an empty level
    withdraws the bid. A "conflict" bid also declares the conflict."""
    _reviewer(reviewer)
    rnd = proposal.round
    _bidding(rnd)
    if level and level not in BidLevel.values:
        refuse(_("Bid eager, willing, not willing or conflict."), "level", "level")
    if (
        Conflict.objects.standing()
        .filter(proposal=proposal, reviewer=reviewer, declared=False)
        .exists()
    ):
        refuse(_("You have a conflict of interest with this proposal."), "conflict")
    with transaction.atomic():
        old = Bid.objects.filter(proposal=proposal, reviewer=reviewer).first()
        before = old.level if old else ""
        if not level:
            if old:
                old.delete()
            bid = None
        else:
            bid, _created = Bid.objects.update_or_create(
                proposal=proposal, reviewer=reviewer, defaults={"level": level}
            )
        if level == BidLevel.CONFLICT:
            Conflict.objects.get_or_create(
                proposal=proposal,
                reviewer=reviewer,
                reason="declared",
                defaults={"declared": True, "detail": _("Declared with a bid")},
            )
        elif before == BidLevel.CONFLICT:
            Conflict.objects.filter(
                proposal=proposal, reviewer=reviewer, reason="declared"
            ).delete()
        _proposal_audit(
            proposal, "review.bid", reviewer, reviewer=reviewer.pk, before=before, after=level
        )
    return bid


def conflict_declare(*, reviewer, proposal: Proposal, detail: str = "") -> Conflict:
    """A reviewer declares a conflict of interest with a proposal."""
    _reviewer(reviewer)
    _bidding(proposal.round)
    with transaction.atomic():
        conflict, _created = Conflict.objects.update_or_create(
            proposal=proposal,
            reviewer=reviewer,
            reason="declared",
            defaults={"declared": True, "detail": (detail or "").strip()[:300]},
        )
        Bid.objects.update_or_create(
            proposal=proposal, reviewer=reviewer, defaults={"level": BidLevel.CONFLICT}
        )
        _proposal_audit(
            proposal,
            "review.conflict_declared",
            reviewer,
            reviewer=reviewer.pk,
            detail=conflict.detail,
        )
    return conflict


def conflicts_detect(*, actor, round: ReviewRound) -> int:
    """Detect the round's conflicts afresh (declared ones are kept). Returns how many
    detected conflicts there are."""
    _officer(actor)
    proposals = proposal_list(round=round).select_related(
        "application__candidate__candidate_profile__home_organisation"
    )
    found = detection.detect(
        proposals=proposals, reviewers=reviewer_list(), publications=publications_recorded()
    )
    with transaction.atomic():
        detected = Conflict.objects.filter(proposal__round=round, declared=False)
        # An officer's "not the same person" holds while the same names are found again.
        kept = {
            (c.proposal_id, c.reviewer_id, c.detail): c
            for c in detected.filter(overridden_at__isnull=False)
        }
        detected.delete()
        rows = []
        for f in found:
            row = Conflict(
                proposal_id=f.proposal_id,
                reviewer_id=f.reviewer_id,
                reason=f.reason,
                detail=f.detail,
            )
            old = kept.get((f.proposal_id, f.reviewer_id, f.detail))
            if old is not None and f.reason == ConflictReason.NAME_VARIANT:
                row.overridden_at = old.overridden_at
                row.overridden_by_id = old.overridden_by_id
                row.override_reason = old.override_reason
            rows.append(row)
        Conflict.objects.bulk_create(rows)
        reasons: dict[str, int] = {}
        for f in found:
            reasons[f.reason] = reasons.get(f.reason, 0) + 1
        audit_record(
            scope=round.call,
            verb="review.conflicts_detected",
            actor=actor,
            target=str(round.pk),
            data={"round": round.pk, "conflicts": len(found), "reasons": reasons},
        )
    return len(found)


def publications_recorded(*, today: dt.date | None = None) -> list[detection.Publication]:
    """The publications recorded as outcomes in the co-authorship window, newest first,
    with their authors' names (from the Crossref record kept with the outcome)."""
    today = today or timezone.localdate()
    since = today.replace(year=today.year - detection.CO_AUTHORSHIP_YEARS)
    rows = (
        Outcome.objects.filter(kind=OutcomeKind.PUBLICATION, date__gte=since)
        .order_by("-date", "-pk")
        .values_list("doi", "date", "metadata")
    )
    return [
        detection.Publication(
            doi=doi,
            year=date.year,
            authors=tuple(str(a) for a in (metadata or {}).get("authors") or []),
        )
        for doi, date, metadata in rows
        if (metadata or {}).get("authors")
    ]


def _override_target(actor, conflict: Conflict) -> None:
    _officer(actor)
    _bidding(conflict.proposal.round)
    if conflict.reason != ConflictReason.NAME_VARIANT:
        refuse(_("Only a name in another script can be marked as another person."), "reason")


def conflict_override(*, actor, conflict: Conflict, reason: str) -> Conflict:
    """Mark a detected name variant as a homonym ("not the same person"), saying why:
    the pair may then be assigned (unless another conflict holds). Audited; undone by
    `conflict_override_undo`."""
    _override_target(actor, conflict)
    reason = (reason or "").strip()
    if not reason:
        refuse(_("Say why they are not the same person."), "reason", "reason")
    if conflict.overridden:
        refuse(_("This conflict is already marked as another person."), "exists")
    _override_set(
        actor,
        conflict,
        at=timezone.now(),
        by=actor,
        reason=reason[:300],
        verb="review.conflict_overridden",
        data={"detail": conflict.detail, "reason": reason[:300]},
    )
    return conflict


def _override_set(actor, conflict: Conflict, *, at, by, reason: str, verb: str, data: dict):
    """Store (or clear) an override and audit it, in one transaction."""
    with transaction.atomic():
        conflict.overridden_at, conflict.overridden_by, conflict.override_reason = at, by, reason
        conflict.save(
            update_fields=["overridden_at", "overridden_by", "override_reason", "updated_at"]
        )
        audit_record(
            scope=conflict.proposal.round.call,
            verb=verb,
            actor=actor,
            target=str(conflict.proposal_id),
            data={
                "conflict": conflict.pk,
                "proposal": conflict.proposal_id,
                "reviewer": conflict.reviewer_id,
                **data,
            },
        )


def conflict_override_undo(*, actor, conflict: Conflict) -> Conflict:
    """Take back "not the same person": the conflict excludes the pair again. Refused
    while the pair is assigned (remove the assignment first)."""
    _override_target(actor, conflict)
    if not conflict.overridden:
        refuse(_("This conflict is not marked as another person."), "not_overridden")
    if Assignment.objects.filter(
        proposal_id=conflict.proposal_id, reviewer_id=conflict.reviewer_id
    ).exists():
        refuse(
            _("This reviewer is assigned to the proposal: remove the assignment first."),
            "assigned",
        )
    _override_set(
        actor,
        conflict,
        at=None,
        by=None,
        reason="",
        verb="review.conflict_override_undone",
        data={"before": conflict.override_reason},
    )
    return conflict


# ------------------------------------------------------------------ assignment


def _excluded(rnd: ReviewRound) -> set[tuple[int, int]]:
    """The pairs a standing conflict keeps apart (a homonym override frees its pair)."""
    return set(
        Conflict.objects.standing()
        .filter(proposal__round=rnd)
        .values_list("proposal_id", "reviewer_id")
    )


def assignment_instance(*, round: ReviewRound) -> tuple[dict, dict]:
    """The engine's instance for the round (ids `p<pk>`, `r<pk>`) and the affinity parts
    shown to officers."""
    proposals = list(proposal_list(round=round))
    reviewers = list(reviewer_list())
    bids = {(b.proposal_id, b.reviewer_id): b.level for b in bid_list(round=round)}
    excluded = _excluded(round)
    table = affinity_table(proposals=proposals, reviewers=reviewers, bids=bids, excluded=excluded)
    instance = {
        "proposals": [
            {"id": f"p{p.pk}", "reviewers": round.reviewers_per_proposal} for p in proposals
        ],
        "reviewers": [
            {
                "id": f"r{r.pk}",
                "max_load": r.reviewer_profile.max_load,
                "min_load": r.reviewer_profile.min_load,
            }
            for r in reviewers
        ],
        "affinity": {
            f"p{p}": {f"r{r}": pair.total for r, pair in row.items()} for p, row in table.items()
        },
        "conflicts": [[f"p{p}", f"r{r}"] for p, r in sorted(excluded)],
    }
    parts = {
        f"p{p}": {f"r{r}": pair.as_dict() for r, pair in row.items()} for p, row in table.items()
    }
    return instance, parts


def assignment_run_start(*, actor, round: ReviewRound, mode: str, seed: int = 0) -> AssignmentRun:
    """Queue an assignment run (a background job computes affinities and solves)."""
    _officer(actor)
    if mode not in AssignmentMode.values:
        refuse(_("Choose sum, fair or randomized."), "mode", "mode")
    _bidding(round)
    with transaction.atomic():
        run = AssignmentRun.objects.create(round=round, mode=mode, seed=seed, created_by=actor)
        run.job = job_enqueue(kind=RUN_JOB, params={"run_id": run.pk}, user=actor)
        run.save(update_fields=["job"])
        audit_record(
            scope=round.call,
            verb="review.run_started",
            actor=actor,
            target=mode,
            data={"run": run.pk, "mode": mode, "seed": seed},
        )
    return run


def _summary(result: dict, instance: dict, parts: dict) -> dict[str, Any]:
    """What pages show of a solved run: loads, per-proposal scores, the weakest."""
    assignment = result.get("assignment") or {}
    loads: dict[str, int] = {r["id"]: 0 for r in instance["reviewers"]}
    scores = {}
    for p, rs in assignment.items():
        for r in rs:
            loads[r] = loads.get(r, 0) + 1
        scores[p] = round(sum(parts[p][r]["total"] for r in rs), 4)
    weakest = sorted(scores, key=lambda p: (scores[p], p))[:5]
    return {"loads": loads, "scores": scores, "weakest": weakest}


def assignment_run_execute(*, run_id: int, progress=None) -> dict:
    """The job: build the instance, call the engine, check its answer, store it."""
    run = AssignmentRun.objects.select_related("round__call").get(pk=run_id)
    instance, parts = assignment_instance(round=run.round)
    try:
        solved = assign(instance, mode=run.mode, seed=run.seed)
    except ValueError as exc:
        result = {"feasible": False, "error": str(exc), "assignment": {}}
    else:
        report = assignment_check(instance, solved)
        result = solved.to_dict(explain=True)
        result["feasible"] = solved.feasible
        result["check"] = {"ok": report["ok"], "violations": report.get("violations", [])}
        result["min_score"] = solved.min_score
        result.update(_summary(result, instance, parts))
    with transaction.atomic():
        run.result = result
        run.affinity = parts
        run.save(update_fields=["result", "affinity", "updated_at"])
        audit_record(
            scope=run.round.call,
            verb="review.run_finished",
            actor=run.created_by,
            target=run.mode,
            data={
                "run": run.pk,
                "mode": run.mode,
                "feasible": result.get("feasible"),
                "objective": result.get("objective"),
                "min_score": result.get("min_score"),
                "input_hash": result.get("input_hash", ""),
            },
        )
    return {"run": run.pk, "feasible": result.get("feasible")}


def assignment_apply(*, actor, run: AssignmentRun) -> int:
    """Make `run`'s assignment the round's (replacing any before). Returns the count."""
    _officer(actor)
    _bidding(run.round)
    if not run.done or not run.result.get("feasible"):
        refuse(_("This run has no assignment to apply."), "no_assignment")
    assignment = run.result["assignment"]
    with transaction.atomic():
        Assignment.objects.filter(proposal__round=run.round).delete()
        rows = []
        for p, reviewers in sorted(assignment.items()):
            for r in reviewers:
                rows.append(
                    Assignment(
                        proposal_id=int(p[1:]),
                        reviewer_id=int(r[1:]),
                        source=AssignmentSource.ENGINE,
                        run=run,
                        affinity=run.affinity[p][r]["total"],
                    )
                )
        Assignment.objects.bulk_create(rows)
        AssignmentRun.objects.filter(round=run.round).update(applied=False)
        run.applied = True
        run.save(update_fields=["applied"])
        audit_record(
            scope=run.round.call,
            verb="review.run_applied",
            actor=actor,
            target=run.mode,
            data={"run": run.pk, "assignments": len(rows)},
        )
    return len(rows)


def assignment_add(*, actor, proposal: Proposal, reviewer) -> Assignment:
    """Assign `reviewer` to `proposal` by hand: refused for a conflict, a reviewer who
    cannot read it, or one already assigned; logged."""
    _officer(actor)
    _bidding(proposal.round)
    if not is_reviewer(reviewer) or not hasattr(reviewer, "reviewer_profile"):
        refuse(_("This person is not a reviewer."), "not_reviewer", "reviewer")
    conflict = Conflict.objects.standing().filter(proposal=proposal, reviewer=reviewer).first()
    if conflict is not None:
        refuse(
            _("Conflict of interest: %(reason)s (%(detail)s).")
            % {"reason": conflict.get_reason_display(), "detail": conflict.detail},
            "conflict",
            "reviewer",
        )
    if Bid.objects.filter(proposal=proposal, reviewer=reviewer, level="conflict").exists():
        refuse(_("The reviewer declared a conflict."), "conflict", "reviewer")
    if not readable_in(proposal.subject_project, reviewer.reviewer_profile.languages):
        refuse(
            _("The reviewer reads neither the proposal's language nor a translation of it."),
            "language",
            "reviewer",
        )
    if Assignment.objects.filter(proposal=proposal, reviewer=reviewer).exists():
        refuse(_("This reviewer is already assigned to it."), "exists", "reviewer")
    with transaction.atomic():
        assignment = Assignment.objects.create(
            proposal=proposal, reviewer=reviewer, source=AssignmentSource.MANUAL
        )
        load = Assignment.objects.filter(reviewer=reviewer, proposal__round=proposal.round).count()
        _proposal_audit(
            proposal,
            "review.assignment_added",
            actor,
            reviewer=reviewer.pk,
            load=load,
            over_max=load > reviewer.reviewer_profile.max_load,
        )
    return assignment


def assignment_remove(*, actor, assignment: Assignment) -> None:
    _officer(actor)
    _bidding(assignment.proposal.round)
    with transaction.atomic():
        _proposal_audit(
            assignment.proposal,
            "review.assignment_removed",
            actor,
            reviewer=assignment.reviewer_id,
        )
        assignment.delete()


def assignment_release(*, actor, round: ReviewRound) -> ReviewRound:
    """Release the assignment: reviewers see their proposals; bids close."""
    _officer(actor)
    _bidding(round)
    counts = {}
    for a in Assignment.objects.filter(proposal__round=round).values_list("proposal_id", flat=True):
        counts[a] = counts.get(a, 0) + 1
    short = [
        p
        for p in Proposal.objects.filter(round=round).values_list("pk", flat=True)
        if counts.get(p, 0) < round.reviewers_per_proposal
    ]
    if short:
        refuse(
            _("%(count)d proposals have fewer than %(k)d reviewers.")
            % {"count": len(short), "k": round.reviewers_per_proposal},
            "incomplete",
        )
    with transaction.atomic():
        round.status = S.REVIEWING
        round.released_at = timezone.now()
        round.save(update_fields=["status", "released_at", "updated_at"])
        audit_record(
            scope=round.call,
            verb="review.released",
            actor=actor,
            target=str(round.pk),
            data={"round": round.pk, "assignments": sum(counts.values())},
        )
        loads: dict[int, int] = {}
        reviewers = {}
        for a in Assignment.objects.filter(proposal__round=round).select_related("reviewer"):
            loads[a.reviewer_id] = loads.get(a.reviewer_id, 0) + 1
            reviewers[a.reviewer_id] = a.reviewer
        for pk in sorted(reviewers):
            notify_after_commit(
                user=reviewers[pk],
                kind=REVIEW_ASSIGNED,
                context={
                    "call": round.call,
                    "count": loads[pk],
                    "due": round.reviews_due_at,
                    "url": site_link("review:reviewing"),
                },
            )
    return round


def review_reminders_send(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Remind each reviewer with reviews not yet submitted in a round whose reviews are
    due within `REMINDER_BEFORE`, once per due date (a moved date is a new one).
    Idempotent: the ``review.reminders`` job runs it every hour."""
    now = now or timezone.now()
    sent = 0
    rounds = ReviewRound.objects.filter(
        status=S.REVIEWING, reviews_due_at__gt=now, reviews_due_at__lte=now + REMINDER_BEFORE
    ).select_related("call")
    for rnd in rounds:
        missing: dict[int, int] = {}
        people = {}
        waiting = (
            Assignment.objects.filter(proposal__round=rnd)
            .exclude(review__submitted_at__isnull=False)
            .select_related("reviewer")
            .order_by("reviewer_id", "pk")
        )
        for a in waiting:
            missing[a.reviewer_id] = missing.get(a.reviewer_id, 0) + 1
            people[a.reviewer_id] = a.reviewer
        key = f"review:{rnd.pk}:due:{rnd.reviews_due_at:%Y-%m-%dT%H:%M:%SZ}"
        for pk in sorted(people):
            context = {
                "call": rnd.call,
                "missing": missing[pk],
                "due": rnd.reviews_due_at,
                "url": site_link("review:reviewing"),
            }
            if notify_once(user=people[pk], kind=REVIEW_REMINDER, key=key, context=context):
                sent += 1
    return {REVIEW_REMINDER: sent}


# ------------------------------------------------------------------ reviews and decisions


def _scores_clean(form: ReviewForm, scores: dict, *, complete: bool) -> dict[str, int]:
    clean = {}
    keys = set(form.criterion_keys())
    unknown = sorted(set(scores) - keys)
    if unknown:
        refuse(_("Unknown criteria: %(keys)s.") % {"keys": ", ".join(unknown)}, "scores", "scores")
    for criterion in form.criteria:
        value = scores.get(criterion["key"])
        if value in (None, ""):
            if complete:
                refuse(
                    _("Score every criterion before submitting (%(key)s is missing).")
                    % {"key": criterion["key"]},
                    "scores",
                    "scores",
                )
            continue
        try:
            value = int(value)
        except (TypeError, ValueError):
            value = None
        if value is None or not criterion["min"] <= value <= criterion["max"]:
            refuse(
                _("%(key)s is scored from %(min)d to %(max)d.")
                % {"key": criterion["key"], "min": criterion["min"], "max": criterion["max"]},
                "scores",
                "scores",
            )
        clean[criterion["key"]] = value
    return clean


def review_save(
    *,
    reviewer,
    assignment: Assignment,
    scores: dict,
    comment_authors: str = "",
    comment_committee: str = "",
    language: str = "en",
    submit: bool = False,
) -> Review:
    """Save (and with `submit`, submit) a review of one's assignment. A submitted
    review is final."""
    if assignment.reviewer_id != reviewer.pk:
        refuse(_("This proposal is not assigned to you."), "not_assigned")
    rnd = assignment.proposal.round
    if rnd.status != S.REVIEWING:
        refuse(_("Reviews are not open."), "not_open")
    if language not in LANGUAGES:
        refuse(_("Write in English, French or Japanese."), "language", "language")
    clean = _scores_clean(rnd.form, scores or {}, complete=submit)
    if submit and not (comment_authors or "").strip():
        refuse(_("Write your comments for the authors."), "comment", "comment_authors")
    with transaction.atomic():
        review = Review.objects.select_for_update().filter(assignment=assignment).first()
        if review is not None and review.submitted:
            refuse(_("This review was submitted: it can no longer change."), "submitted")
        review = review or Review(assignment=assignment)
        review.scores = clean
        review.comment_authors = (comment_authors or "").strip()
        review.comment_committee = (comment_committee or "").strip()
        review.language = language
        if submit:
            review.submitted_at = timezone.now()
        review.full_clean()
        review.save()
        _proposal_audit(
            assignment.proposal,
            "review.submitted" if submit else "review.saved",
            reviewer,
            scores=clean,
            language=language,
        )
    return review


def _decision_takes_effect(actor, proposal: Proposal) -> None:
    """A reviewed project still waiting for vetting is posted on approval and goes
    back to its supervisors on a revision, with the note (or a default) as the
    comment; a rejected one stays unposted (``review.gates``). Applications wait at
    their agreement instead (nothing moves here)."""
    project = proposal.project
    if project is None or project.status != ProjectStatus.SUBMITTED:
        return
    if proposal.decision == Decision.APPROVE:
        project_transition(project=project, to=ProjectStatus.APPROVED, actor=actor)
    elif proposal.decision == Decision.REVISE:
        comment = proposal.decision_note or _("The review asks for a revision: see the reviews.")
        project_transition(
            project=project,
            to=ProjectStatus.DRAFT,
            actor=actor,
            comment=comment[: limits.SHORT_TEXT],
        )


def proposal_decide(*, actor, proposal: Proposal, decision: str, note: str = "") -> Proposal:
    """The officer's decision (approve, revise, reject) once a review is in; authors
    then read it with the reviews, anonymised."""
    _officer(actor)
    if decision not in ("approve", "revise", "reject"):
        refuse(_("Decide approve, revise or reject."), "decision", "decision")
    if not Review.objects.filter(
        assignment__proposal=proposal, submitted_at__isnull=False
    ).exists():
        refuse(_("No review of this proposal is submitted yet."), "no_review")
    with transaction.atomic():
        before = proposal.decision
        proposal.decision = decision
        proposal.decision_note = (note or "").strip()
        proposal.decided_by = actor
        proposal.decided_at = timezone.now()
        proposal.full_clean()
        proposal.save()
        _decision_takes_effect(actor, proposal)
        _proposal_audit(proposal, "review.decided", actor, before=before, after=decision)
        context = {
            "call": proposal.round.call,
            "project": proposal.subject_project,
            "proposal": proposal,
            "url": site_link("review:decisions"),
        }
        notify_all_after_commit(proposal_authors(proposal=proposal), REVIEW_DECIDED, context)
    return proposal


# ------------------------------------------------------------------ discussion

#: Why a reviewer may not read or post on a discussion yet.
DISCUSSION_CLOSED = _(
    "The discussion opens once every reviewer of this proposal has submitted their review."
)


def comment_post(*, actor, proposal: Proposal, text: str) -> DiscussionComment:
    """Post on a proposal's discussion thread: officers, and its reviewers once every
    reviewer of it has submitted."""
    if not (is_officer(actor) or discussion_open(actor, proposal)):
        refuse(DISCUSSION_CLOSED, "not_submitted")
    text = (text or "").strip()
    if not text:
        refuse(_("Write a comment."), "empty", "text")
    if len(text) > limits.TEXT:
        refuse(_("A comment has at most %(n)d characters.") % {"n": limits.TEXT}, "long", "text")
    comment = DiscussionComment(proposal=proposal, author=actor, text=text)
    comment.full_clean()
    with transaction.atomic():
        comment.save()
        _proposal_audit(proposal, "review.commented", actor, comment=comment.pk, length=len(text))
    return comment
