from django.urls import reverse

from kakehashi.review.models import Assignment
from kakehashi.review.services import assignment_run_start, review_round_open


def open_round(world, k=2):
    return review_round_open(
        actor=world["officer"],
        call=world["call"],
        kind="projects",
        form=world["form"],
        reviewers_per_proposal=k,
    )


def run(world, rnd, capture, mode="sum", seed=0):
    with capture(execute=True):
        started = assignment_run_start(actor=world["officer"], round=rnd, mode=mode, seed=seed)
    started.refresh_from_db()
    return started


def released_assignment(world, rnd, officer, capture, *, key, reviewer):
    """From the officer's pages: run the assignment, apply it, give `reviewer` the
    proposal of project `key` by hand if the run did not, release; the assignment."""
    with capture(execute=True):
        officer.post(reverse("review:run", args=["rev-call"]), {"mode": "sum", "seed": 0})
    officer.post(reverse("review:apply", args=["rev-call", rnd.runs.get().pk]))
    proposal = rnd.proposals.get(project__key=key)
    if not Assignment.objects.filter(proposal=proposal, reviewer=reviewer).exists():
        officer.post(
            reverse("review:assign", args=["rev-call"]),
            {"proposal": proposal.pk, "reviewer": reviewer.pk},
        )
    officer.post(reverse("review:release", args=["rev-call"]))
    return Assignment.objects.get(proposal=proposal, reviewer=reviewer)
