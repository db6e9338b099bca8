"""What a review's decision holds back (review.gates): a reviewed project is posted, and
a reviewed application's agreement approved, only once the review approves it."""

import pytest
from django.core.exceptions import ValidationError

from kakehashi.audit.models import AuditEntry
from kakehashi.projects.enums import ProjectStatus
from kakehashi.projects.services import project_transition
from kakehashi.review.enums import RoundStatus
from kakehashi.review.gates import agreement_review_blockers
from kakehashi.review.models import Assignment
from kakehashi.review.services import (
    assignment_apply,
    assignment_release,
    proposal_decide,
    review_round_open,
    review_save,
)
from tests import factories
from tests.kakehashi.review.helpers import open_round, run

pytestmark = pytest.mark.django_db

PENDING = "This project is under review: it is posted once the review approves it."


@pytest.fixture
def reviewed(world, django_capture_on_commit_callbacks):
    """p2 under review, one review of it submitted."""
    rnd = open_round(world)
    assignment_apply(
        actor=world["officer"], run=run(world, rnd, django_capture_on_commit_callbacks)
    )
    assignment_release(actor=world["officer"], round=rnd)
    p2 = rnd.proposals.get(project__key="p2")
    first = Assignment.objects.filter(proposal=p2).order_by("pk").first()
    review_save(
        reviewer=first.reviewer,
        assignment=first,
        scores={"merit": 4, "feasibility": 4},
        comment_authors="Sound.",
        submit=True,
    )
    return {**world, "round": rnd, "p2": p2}


def _approve(world, project):
    project.refresh_from_db()
    return project_transition(project=project, to=ProjectStatus.APPROVED, actor=world["officer"])


def test_a_project_under_review_is_not_posted_until_the_review_approves(reviewed):
    project = reviewed["p2"].project
    assert project.status == ProjectStatus.SUBMITTED
    with pytest.raises(ValidationError) as exc:
        _approve(reviewed, project)
    assert exc.value.messages == [PENDING]
    project.refresh_from_db()
    assert project.status == ProjectStatus.SUBMITTED
    # The decision posts it, as the officer, with the project's own audit entry.
    proposal_decide(actor=reviewed["officer"], proposal=reviewed["p2"], decision="approve")
    project.refresh_from_db()
    assert project.status == ProjectStatus.APPROVED
    entry = AuditEntry.objects.get(verb="project.approved")
    assert (entry.actor_id, entry.data["before"], entry.data["after"]) == (
        reviewed["officer"].pk,
        {"status": "submitted"},
        {"status": "approved"},
    )


def test_a_revision_sends_the_project_back_with_the_note(reviewed):
    proposal_decide(
        actor=reviewed["officer"], proposal=reviewed["p2"], decision="revise", note="Budget it."
    )
    project = reviewed["p2"].project
    project.refresh_from_db()
    assert (project.status, project.return_comment) == (ProjectStatus.DRAFT, "Budget it.")
    # Submitted again, it still waits: the review asked for a revision.
    project_transition(project=project, to=ProjectStatus.SUBMITTED, actor=reviewed["officer"])
    with pytest.raises(ValidationError) as exc:
        _approve(reviewed, project)
    assert exc.value.messages == ["The review asked for a revision of this project."]


def test_a_rejected_project_stays_unposted(reviewed):
    proposal_decide(actor=reviewed["officer"], proposal=reviewed["p2"], decision="reject")
    project = reviewed["p2"].project
    project.refresh_from_db()
    assert project.status == ProjectStatus.SUBMITTED
    with pytest.raises(ValidationError) as exc:
        _approve(reviewed, project)
    assert exc.value.messages == ["The review rejected this project."]


def test_a_round_closed_without_a_decision_holds_nothing_back(reviewed):
    rnd = reviewed["round"]
    rnd.status = RoundStatus.CLOSED
    rnd.save(update_fields=["status"])
    project = _approve(reviewed, reviewed["p2"].project)
    assert project.status == ProjectStatus.APPROVED


def test_a_project_never_reviewed_is_approved_as_before(world):
    project = world["projects"][0]
    assert _approve(world, project).status == ProjectStatus.APPROVED


def test_an_application_under_review_holds_its_agreement(world):
    candidate = factories.candidate()
    project = world["projects"][1]
    factories.ApplicationFactory(candidate=candidate, project=project)
    rnd = review_round_open(
        actor=world["officer"], call=world["call"], kind="applications", form=world["form"]
    )

    class _Internship:  # the receiver reads only who the intern is and on which project
        intern_id = candidate.pk
        project_id = project.pk

    assert agreement_review_blockers(None, internship=_Internship()) == [
        "The intern's application is under review: the agreement is approved once the "
        "review approves it."
    ]
    # Amendments are not reviewed.
    assert agreement_review_blockers(None, internship=_Internship(), amendment=object()) == []
    proposal = rnd.proposals.get()
    proposal.decision = "approve"
    proposal.save(update_fields=["decision"])
    assert agreement_review_blockers(None, internship=_Internship()) == []
