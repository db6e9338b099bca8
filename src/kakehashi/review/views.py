"""Pages of proposal review: the reviewer's (profile, bids, assignments, reviews), the
officer's (a call's review: conflicts, runs side by side, the assignment, release,
scores and decisions) and the authors' (decisions with anonymised reviews)."""

from __future__ import annotations

import statistics
import zoneinfo

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kakehashi.core.permissions import permission_required
from kakehashi.core.views import form_data, form_submit, post_action
from kakehashi.people.models import User
from kakehashi.programs.selectors import call_get_visible
from kakehashi.review.enums import BidLevel, RoundStatus
from kakehashi.review.forms import (
    CommentForm,
    DecisionForm,
    DueForm,
    OverrideForm,
    ProfileForm,
    RoundForm,
    RunForm,
)
from kakehashi.review.models import Assignment, AssignmentRun, Conflict, Proposal
from kakehashi.review.selectors import (
    assignment_list,
    assignments_for_reviewer,
    comment_list,
    conflict_list,
    progress,
    proposal_list,
    proposal_list_decided_for_author,
    proposal_list_visible,
    proposals_to_bid,
    review_list_visible,
    reviewer_list,
    reviewer_profile_for,
    reviews_for_author,
    round_list_visible,
    run_list,
)
from kakehashi.review.services import (
    assignment_add,
    assignment_apply,
    assignment_release,
    assignment_remove,
    assignment_run_start,
    bid_set,
    comment_post,
    conflict_declare,
    conflict_override,
    conflict_override_undo,
    conflicts_detect,
    proposal_decide,
    review_round_due_set,
    review_round_open,
    review_save,
    reviewer_profile_set,
)


def _errors(request, exc: ValidationError) -> None:
    messages.error(request, " ".join(exc.messages))


# ------------------------------------------------------------------ reviewers


@permission_required("review.view_own_assignments")
def reviewing(request):
    """A reviewer's page: their profile, the rounds taking bids, their assignments."""
    rounds = [
        {"round": r, "proposals": proposals_to_bid(user=request.user, round=r)}
        for r in round_list_visible(user=request.user).filter(status=RoundStatus.BIDDING)
    ]
    context = {
        "profile": reviewer_profile_for(user=request.user),
        "rounds": rounds,
        "assignments": assignments_for_reviewer(user=request.user),
        "levels": [c for c in BidLevel.choices],
    }
    return render(request, "review/reviewing.html", context)


@permission_required("review.change_reviewer_profile")
def profile_edit(request):
    profile = reviewer_profile_for(user=request.user)
    initial = {"languages": ["en"], "max_load": 4, "min_load": 0}
    if profile is not None:
        initial = {
            "expertise": profile.expertise,
            "languages": profile.languages,
            "organisation": profile.organisation,
            "fields": list(profile.fields.all()),
            "max_load": profile.max_load,
            "min_load": profile.min_load,
        }
    form = ProfileForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form_submit(
            request,
            form,
            lambda data: reviewer_profile_set(user=request.user, **data),
            success=_("Your reviewer profile is saved."),
        ):
            return redirect("review:reviewing")
        status = 400
    return render(request, "review/profile.html", {"form": form}, status=status)


def _bid_proposal(request, pk: int) -> Proposal:
    proposal = Proposal.objects.select_related("round").get(pk=pk)
    return proposals_to_bid(user=request.user, round=proposal.round).get(pk=pk)


@require_POST
@permission_required("review.bid", obj=_bid_proposal)
def bid_view(request, pk: int):
    proposal = request.permission_object
    error = ""
    try:
        level = request.POST.get("level", "")
        if level == BidLevel.CONFLICT:
            conflict_declare(
                reviewer=request.user, proposal=proposal, detail=request.POST.get("detail", "")
            )
        else:
            bid_set(reviewer=request.user, proposal=proposal, level=level)
    except ValidationError as exc:
        error = " ".join(exc.messages)
    if request.htmx:
        proposal = _bid_proposal(request, pk)
        context = {"p": proposal, "levels": BidLevel.choices, "error": error, "saved": not error}
        return render(request, "review/_bid_row.html", context)
    if error:
        messages.error(request, error)
    return redirect("review:reviewing")


def _my_assignment(request, pk: int) -> Assignment:
    return Assignment.objects.select_related(
        "proposal__round__form",
        "proposal__round__call",
        "proposal__project",
        "proposal__application__project",
    ).get(pk=pk)


@permission_required("review.write_review", obj=_my_assignment)
def review_edit(request, pk: int):
    """The proposal (in a language the reviewer reads), the form, and once submitted the
    other reviewers' submitted reviews."""
    assignment = request.permission_object
    proposal = assignment.proposal
    form_def = proposal.round.form
    review = getattr(assignment, "review", None)
    status = 200
    if request.method == "POST":
        scores = {c["key"]: request.POST.get(f"score-{c['key']}", "") for c in form_def.criteria}
        try:
            review_save(
                reviewer=request.user,
                assignment=assignment,
                scores={k: v for k, v in scores.items() if v != ""},
                comment_authors=request.POST.get("comment_authors", ""),
                comment_committee=request.POST.get("comment_committee", ""),
                language=request.POST.get("language", "en"),
                submit="submit" in request.POST,
            )
        except ValidationError as exc:
            _errors(request, exc)
            status = 400
        else:
            messages.success(request, _("Your review is saved."))
            return redirect("review:review", pk=pk)
    lang = (get_language() or "en")[:2]
    criteria = [
        {
            **c,
            "label_shown": c["label"].get(lang) or c["label"]["en"],
            "guidance_shown": (c.get("guidance") or {}).get(lang, ""),
            "range": range(c["min"], c["max"] + 1),
            "value": (review.scores.get(c["key"]) if review else None),
        }
        for c in form_def.criteria
    ]
    project = proposal.subject_project
    others = [
        r
        for r in review_list_visible(user=request.user, proposal=proposal)
        if r.assignment.reviewer_id != request.user.pk
    ]
    context = {
        "assignment": assignment,
        "proposal": proposal,
        "project": project,
        "shown": {f: project.translated(f) for f in ("title", "summary", "description")},
        "review": review,
        "criteria": criteria,
        "others": others,
        "discussion_open": request.user.has_perm("review.discuss", assignment.proposal),
    }
    return render(request, "review/review.html", context, status=status)


def _discussed(request, pk: int) -> Proposal:
    return proposal_list_visible(user=request.user).get(pk=pk)


@permission_required("review.discuss", obj=_discussed)
def discussion(request, pk: int):
    """A proposal's discussion thread: its reviewers (once all have submitted) and
    officers read it and post on it."""
    proposal = request.permission_object
    form = CommentForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form_submit(
            request,
            form,
            lambda data: comment_post(actor=request.user, proposal=proposal, text=data["text"]),
            success=_("Your comment is posted."),
        ):
            return redirect("review:discussion", pk=pk)
        status = 400
    mine = Assignment.objects.filter(proposal=proposal, reviewer=request.user).first()
    context = {
        "proposal": proposal,
        "shown_title": proposal.subject_project.translated("title"),
        "comments": comment_list(proposal=proposal),
        "form": form,
        "assignment": mine,
    }
    return render(request, "review/discussion.html", context, status=status)


@permission_required("review.view_own_decisions")
def decisions_mine(request):
    proposals = [
        {"proposal": p, "reviews": reviews_for_author(proposal=p)}
        for p in proposal_list_decided_for_author(user=request.user)
    ]
    return render(request, "review/decisions.html", {"proposals": proposals})


# ------------------------------------------------------------------ officers


def _call(request, slug: str, **_kwargs):
    return call_get_visible(user=request.user, slug=slug)


def _round_page(call):
    return reverse("review:call", args=[call.slug])


def _summary(run: AssignmentRun) -> dict:
    r = run.result or {}
    scores = list((r.get("scores") or {}).values())
    return {
        "run": run,
        "feasible": r.get("feasible"),
        "objective": r.get("objective"),
        "min_score": r.get("min_score"),
        "median": statistics.median(scores) if scores else None,
        "error": r.get("error") or "; ".join(i.get("reason", "") for i in r.get("infeasible", [])),
        "scores": r.get("scores") or {},
        "weakest": r.get("weakest") or [],
    }


@permission_required("review.manage_review", obj=_call)
def call_review(request, slug: str):
    call = request.permission_object
    rnd = getattr(call, "review_round", None)
    context = {"call": call, "round": rnd, "call_zone": call.timezone}
    if rnd is None:
        context["open_form"] = RoundForm(program=call.program)
        return render(request, "review/call.html", context)
    proposals = list(proposal_list(round=rnd))
    assignments = list(assignment_list(round=rnd))
    reviewers = list(reviewer_list())
    by_proposal: dict[int, list] = {p.pk: [] for p in proposals}
    loads: dict[int, int] = {r.pk: 0 for r in reviewers}
    for a in assignments:
        by_proposal.setdefault(a.proposal_id, []).append(a)
        loads[a.reviewer_id] = loads.get(a.reviewer_id, 0) + 1
    runs = [_summary(r) for r in run_list(round=rnd)[:6]]
    # The affinity's parts of each assigned pair, from the run the assignment came from.
    parts = next((s["run"].affinity for s in runs if s["run"].applied), {})
    for a in assignments:
        a.parts = parts.get(f"p{a.proposal_id}", {}).get(f"r{a.reviewer_id}")
    finished = [s for s in runs if s["run"].done and s["feasible"]]
    compare = finished[:2]
    rows = []
    for p in proposals:
        mine = by_proposal.get(p.pk, [])
        submitted = [a.review for a in mine if hasattr(a, "review") and a.review.submitted]
        means = {}
        for key in rnd.form.criterion_keys():
            values = [r.scores[key] for r in submitted if key in r.scores]
            means[key] = round(sum(values) / len(values), 2) if values else None
        rows.append(
            {
                "proposal": p,
                "assignments": mine,
                "submitted": len(submitted),
                "means": means,
                "compare": [s["scores"].get(f"p{p.pk}") for s in compare],
            }
        )
    affinities = sorted(a.affinity for a in assignments)
    context.update(
        {
            "rows": rows,
            "runs": runs,
            "compare": compare,
            "reviewers": [
                {"user": r, "load": loads.get(r.pk, 0), "max": r.reviewer_profile.max_load}
                for r in reviewers
            ],
            "conflicts": conflict_list(round=rnd),
            "affinity_range": (
                (affinities[0], statistics.median(affinities), affinities[-1])
                if affinities
                else None
            ),
            "progress": progress(round=rnd),
            "run_form": RunForm(),
            "due_form": DueForm(
                initial={
                    "reviews_due_at": (
                        # Naive wall-clock time in the call's zone: the widget shows it as is.
                        timezone.localtime(
                            rnd.reviews_due_at, zoneinfo.ZoneInfo(call.timezone)
                        ).replace(tzinfo=None)
                        if rnd.reviews_due_at
                        else None
                    )
                }
            ),
            "override_form": OverrideForm(),
            "decision_form": DecisionForm(),
            "criteria": rnd.form.criterion_keys(),
            "bidding": rnd.status == RoundStatus.BIDDING,
        }
    )
    return render(request, "review/call.html", context)


def _round_action(success: str):
    """An officer's POST on a call's review page, back to that page (`post_action`)."""
    return post_action("review.manage_review", obj=_call, success=success, back=_round_page)


@_round_action(gettext_lazy("Review is open: reviewers can bid."))
def round_open_view(request, slug: str):
    call = request.permission_object
    data = form_data(
        RoundForm(request.POST, program=call.program),
        _("Choose what is reviewed, a form and how many reviewers."),
    )
    review_round_open(actor=request.user, call=call, **data)


@_round_action(gettext_lazy("Conflicts detected afresh."))
def detect_view(request, slug: str):
    conflicts_detect(actor=request.user, round=request.permission_object.review_round)


@_round_action(gettext_lazy("The due date of reviews is saved."))
def due_view(request, slug: str):
    """Set when reviews are due: the time is read in the call's time zone."""
    call = request.permission_object
    data = form_data(DueForm(request.POST), _("Give the date and time reviews are due."))
    due = data["reviews_due_at"]
    if due is not None:
        due = timezone.make_aware(due.replace(tzinfo=None), zoneinfo.ZoneInfo(call.timezone))
    review_round_due_set(actor=request.user, round=call.review_round, reviews_due_at=due)


@_round_action(gettext_lazy("Marked as not the same person: the pair may now be assigned."))
def override_view(request, slug: str, pk: int):
    conflict = get_object_or_404(Conflict, pk=pk, proposal__round__call=request.permission_object)
    data = form_data(OverrideForm(request.POST), _("Say why they are not the same person."))
    conflict_override(actor=request.user, conflict=conflict, reason=data["reason"])


@_round_action(gettext_lazy("The name conflict holds again."))
def override_undo_view(request, slug: str, pk: int):
    conflict = get_object_or_404(Conflict, pk=pk, proposal__round__call=request.permission_object)
    conflict_override_undo(actor=request.user, conflict=conflict)


@_round_action(gettext_lazy("The assignment run is queued; this page shows it once done."))
def run_view(request, slug: str):
    data = form_data(RunForm(request.POST), _("Choose sum, fair or randomized."))
    assignment_run_start(
        actor=request.user,
        round=request.permission_object.review_round,
        mode=data["mode"],
        seed=data["seed"] or 0,
    )


@_round_action(gettext_lazy("This run's assignment is now the round's."))
def apply_view(request, slug: str, run: int):
    target = get_object_or_404(AssignmentRun, pk=run, round__call=request.permission_object)
    assignment_apply(actor=request.user, run=target)


@_round_action(gettext_lazy("Reviewer assigned."))
def assignment_add_view(request, slug: str):
    call = request.permission_object
    proposal = get_object_or_404(Proposal, pk=request.POST.get("proposal") or 0, round__call=call)
    reviewer = get_object_or_404(User, pk=request.POST.get("reviewer") or 0)
    assignment_add(actor=request.user, proposal=proposal, reviewer=reviewer)


@_round_action(gettext_lazy("Assignment removed."))
def assignment_remove_view(request, slug: str, pk: int):
    assignment = get_object_or_404(
        Assignment, pk=pk, proposal__round__call=request.permission_object
    )
    assignment_remove(actor=request.user, assignment=assignment)


@_round_action(gettext_lazy("The assignment is released: reviewers see their proposals."))
def release_view(request, slug: str):
    assignment_release(actor=request.user, round=request.permission_object.review_round)


@_round_action(gettext_lazy("Decision recorded."))
def decide_view(request, slug: str, pk: int):
    proposal = get_object_or_404(Proposal, pk=pk, round__call=request.permission_object)
    data = form_data(DecisionForm(request.POST), _("Decide approve, revise or reject."))
    proposal_decide(
        actor=request.user, proposal=proposal, decision=data["decision"], note=data["note"]
    )
