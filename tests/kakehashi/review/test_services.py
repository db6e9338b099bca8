"""The review workflow's services: conflicts, affinity, runs, manual changes, reviews,
decisions, each audited."""

import pytest
from django.core.exceptions import ValidationError

from kakehashi.audit.models import AuditEntry
from kakehashi.review.models import Assignment, Bid, Conflict
from kakehashi.review.selectors import (
    proposals_to_bid,
    review_list_visible,
    reviews_for_author,
)
from kakehashi.review.services import (
    assignment_add,
    assignment_apply,
    assignment_release,
    bid_set,
    conflict_declare,
    proposal_decide,
    review_save,
)
from tests.kakehashi.recommendations.fakes import COUNTING
from tests.kakehashi.review.helpers import open_round, run

pytestmark = pytest.mark.django_db


def _conflicts(rnd):
    return {
        (c.proposal.project.key, c.reviewer.username, c.reason)
        for c in Conflict.objects.filter(proposal__round=rnd).select_related(
            "proposal__project", "reviewer"
        )
    }


def test_open_detects_exact_conflicts(world):
    rnd = open_round(world)
    assert rnd.proposals.count() == 3
    assert _conflicts(rnd) == {
        ("p1", "r_kanji", "name_variant"),
        ("p1", "r_parent", "related_organisation"),
        ("p2", "r_co", "co_supervision"),
    }
    detail = Conflict.objects.get(reason="name_variant").detail
    assert detail == "森本拓也 ~ Takuya Morimoto"
    verbs = list(
        AuditEntry.objects.filter(verb__startswith="review.").values_list("verb", flat=True)
    )
    assert verbs == ["review.opened", "review.conflicts_detected"]


def test_same_organisation_and_author(world):
    from kakehashi.people.models import Affiliation

    # Imported in the test: only this test writes affiliations.
    Affiliation.objects.create(
        person=world["r_en"], organisation=world["orgs"]["osaka"], role="researcher"
    )
    world["supervisors"]["sup3"].is_reviewer = True
    world["supervisors"]["sup3"].save()
    from kakehashi.review.models import ReviewerProfile

    ReviewerProfile.objects.create(user=world["supervisors"]["sup3"], languages=["ja"])
    rnd = open_round(world)
    found = _conflicts(rnd)
    assert ("p3", "r_en", "same_organisation") in found
    assert ("p3", "sup3", "author") in found


def test_conflicted_reviewer_cannot_bid_or_see_it(world):
    rnd = open_round(world)
    p1 = rnd.proposals.get(project__key="p1")
    assert p1 not in proposals_to_bid(user=world["r_kanji"], round=rnd)
    with pytest.raises(ValidationError) as exc:
        bid_set(reviewer=world["r_kanji"], proposal=p1, level="eager")
    assert exc.value.messages == ["You have a conflict of interest with this proposal."]
    assert not Bid.objects.exists()


def test_bid_and_declared_conflict(world):
    rnd = open_round(world)
    p3 = rnd.proposals.get(project__key="p3")
    bid_set(reviewer=world["r_ja"], proposal=p3, level="eager")
    assert Bid.objects.get().level == "eager"
    conflict_declare(reviewer=world["r_ja"], proposal=p3, detail="former student")
    assert Bid.objects.get().level == "conflict"
    assert Conflict.objects.get(reviewer=world["r_ja"]).detail == "former student"
    with pytest.raises(ValidationError):
        bid_set(reviewer=world["candidate"], proposal=p3, level="eager")


def test_sum_run_never_assigns_a_conflict(world, django_capture_on_commit_callbacks):
    rnd = open_round(world)
    p3 = rnd.proposals.get(project__key="p3")
    conflict_declare(reviewer=world["r_ja"], proposal=p3)
    result = run(world, rnd, django_capture_on_commit_callbacks).result
    assert result["feasible"] is True
    assert result["check"]["ok"] is True
    conflicts = {
        (f"p{p}", f"r{r}") for p, r in Conflict.objects.values_list("proposal_id", "reviewer_id")
    }
    pairs = {(p, r) for p, rs in result["assignment"].items() for r in rs}
    assert len(pairs) == 6
    assert not pairs & conflicts
    # p1: only r_co and r_ja are eligible (r_en reads no Japanese, two conflicts).
    p1 = rnd.proposals.get(project__key="p1")
    assert sorted(result["assignment"][f"p{p1.pk}"]) == sorted(
        [f"r{world['r_co'].pk}", f"r{world['r_ja'].pk}"]
    )


def test_affinity_parts_and_language(world, django_capture_on_commit_callbacks):
    rnd = open_round(world)
    p2 = rnd.proposals.get(project__key="p2")
    bid_set(reviewer=world["r_en"], proposal=p2, level="eager")
    started = run(world, rnd, django_capture_on_commit_callbacks)
    parts = started.affinity[f"p{p2.pk}"]
    en = parts[f"r{world['r_en'].pk}"]
    assert en["bid"] == 1.0
    assert en["reads"] == "en"
    assert parts[f"r{world['r_ja'].pk}"]["reads"] == "ja"  # through the translation
    assert en["total"] == pytest.approx(
        0.6 * en["similarity"] + 0.25 * en["fields"] + 0.15 * en["bid"], abs=1e-3
    )
    p1 = rnd.proposals.get(project__key="p1")
    assert f"r{world['r_en'].pk}" not in started.affinity[f"p{p1.pk}"]


def test_unchanged_texts_are_never_encoded_again(world, django_capture_on_commit_callbacks):
    rnd = open_round(world)
    run(world, rnd, django_capture_on_commit_callbacks)
    assert COUNTING.encoded  # the first run embedded the texts
    COUNTING.encoded.clear()
    run(world, rnd, django_capture_on_commit_callbacks, mode="fair")
    assert COUNTING.encoded == []


def test_infeasible_round_says_why(world, django_capture_on_commit_callbacks):
    rnd = open_round(world, k=3)
    result = run(world, rnd, django_capture_on_commit_callbacks).result
    assert result["feasible"] is False
    assert "needs 3 reviewers but only 2 are eligible" in result["error"]
    with pytest.raises(ValidationError) as exc:
        assignment_apply(actor=world["officer"], run=rnd.runs.get())
    assert exc.value.messages == ["This run has no assignment to apply."]


def test_apply_manual_change_release(world, django_capture_on_commit_callbacks):
    rnd = open_round(world)
    started = run(world, rnd, django_capture_on_commit_callbacks, mode="fair")
    assert assignment_apply(actor=world["officer"], run=started) == 6
    p1 = rnd.proposals.get(project__key="p1")
    with pytest.raises(ValidationError) as exc:
        assignment_add(actor=world["officer"], proposal=p1, reviewer=world["r_kanji"])
    assert exc.value.messages == [
        "Conflict of interest: Same name in another script (森本拓也 ~ Takuya Morimoto)."
    ]
    with pytest.raises(ValidationError) as exc:
        assignment_add(actor=world["officer"], proposal=p1, reviewer=world["r_en"])
    assert exc.value.messages == [
        "The reviewer reads neither the proposal's language nor a translation of it."
    ]
    p2 = rnd.proposals.get(project__key="p2")
    free = next(
        r
        for r in (world["r_en"], world["r_kanji"], world["r_parent"], world["r_ja"])
        if not Assignment.objects.filter(proposal=p2, reviewer=r).exists()
    )
    added = assignment_add(actor=world["officer"], proposal=p2, reviewer=free)
    assert added.source == "manual"
    entry = AssignmentEntry = AuditEntry.objects.get(verb="review.assignment_added")
    assert AssignmentEntry.data["reviewer"] == free.pk and entry.actor == world["officer"]
    assignment_release(actor=world["officer"], round=rnd)
    rnd.refresh_from_db()
    assert rnd.status == "reviewing"
    with pytest.raises(ValidationError):
        bid_set(reviewer=world["r_en"], proposal=p2, level="eager")


def test_release_refuses_an_incomplete_assignment(world):
    rnd = open_round(world)
    with pytest.raises(ValidationError) as exc:
        assignment_release(actor=world["officer"], round=rnd)
    assert exc.value.messages == ["3 proposals have fewer than 2 reviewers."]


@pytest.fixture
def released(world, django_capture_on_commit_callbacks):
    rnd = open_round(world)
    assignment_apply(
        actor=world["officer"], run=run(world, rnd, django_capture_on_commit_callbacks)
    )
    assignment_release(actor=world["officer"], round=rnd)
    p2 = rnd.proposals.get(project__key="p2")
    first, second = Assignment.objects.filter(proposal=p2).order_by("pk")
    return {**world, "round": rnd, "p2": p2, "first": first, "second": second}


def test_review_rules_and_visibility(released):
    first, second = released["first"], released["second"]
    with pytest.raises(ValidationError) as exc:
        review_save(reviewer=first.reviewer, assignment=first, scores={"merit": 9}, submit=False)
    assert exc.value.messages == ["merit is scored from 1 to 5."]
    with pytest.raises(ValidationError) as exc:
        review_save(reviewer=first.reviewer, assignment=first, scores={"merit": 4}, submit=True)
    assert exc.value.messages == [
        "Score every criterion before submitting (feasibility is missing)."
    ]
    with pytest.raises(ValidationError):
        review_save(reviewer=second.reviewer, assignment=first, scores={})
    review_save(
        reviewer=second.reviewer,
        assignment=second,
        scores={"merit": 3, "feasibility": 2},
        comment_authors="Second opinion.",
        submit=True,
    )
    # Before submitting their own, the first reviewer sees only their own (none yet).
    assert list(review_list_visible(user=first.reviewer, proposal=released["p2"])) == []
    mine = review_save(
        reviewer=first.reviewer,
        assignment=first,
        scores={"merit": 4, "feasibility": 5},
        comment_authors="脳波の解析は妥当です。",
        language="ja",
        submit=True,
    )
    assert mine.language == "ja"
    assert len(review_list_visible(user=first.reviewer, proposal=released["p2"])) == 2
    with pytest.raises(ValidationError) as exc:
        review_save(reviewer=first.reviewer, assignment=first, scores={"merit": 1})
    assert exc.value.messages == ["This review was submitted: it can no longer change."]


def test_decision_and_anonymised_reviews(released):
    first = released["first"]
    with pytest.raises(ValidationError) as exc:
        proposal_decide(actor=released["officer"], proposal=released["p2"], decision="approve")
    assert exc.value.messages == ["No review of this proposal is submitted yet."]
    review_save(
        reviewer=first.reviewer,
        assignment=first,
        scores={"merit": 4, "feasibility": 5},
        comment_authors="Good.",
        comment_committee="Secret note.",
        submit=True,
    )
    assert reviews_for_author(proposal=released["p2"]) == []
    proposal_decide(actor=released["officer"], proposal=released["p2"], decision="revise")
    assert reviews_for_author(proposal=released["p2"]) == [
        {
            "number": 1,
            "scores": {"merit": 4, "feasibility": 5},
            "comment": "Good.",
            "language": "en",
        }
    ]
    assert AuditEntry.objects.filter(verb="review.decided").count() == 1


def test_applications_home_university(world):
    from kakehashi.review.services import review_round_open

    # Imported in the test: the other tests review projects through the helper.
    candidate = world["candidate"]
    candidate.candidate_profile.home_organisation = world["orgs"]["osaka"]
    candidate.candidate_profile.save()
    from tests import factories

    factories.ApplicationFactory(candidate=candidate, project=world["projects"][1])
    world["r_en"].reviewer_profile.organisation = world["orgs"]["osaka"]
    world["r_en"].reviewer_profile.save()
    rnd = review_round_open(
        actor=world["officer"], call=world["call"], kind="applications", form=world["form"]
    )
    assert rnd.proposals.count() == 1
    reasons = set(Conflict.objects.filter(reviewer=world["r_en"]).values_list("reason", "detail"))
    assert reasons == {("home_university", "Osaka Lab")}


def test_privacy_export_and_erase(released):
    from kakehashi.people.selectors import person_data_export
    from kakehashi.people.services import person_delete

    # Imported here: only this test exports and deletes an account.
    first = released["first"]
    reviewer = first.reviewer
    review_save(
        reviewer=reviewer,
        assignment=first,
        scores={"merit": 4, "feasibility": 5},
        comment_authors="Good.",
        submit=True,
    )
    sections = person_data_export(person=reviewer, language="en")["sections"]
    assert sections["reviews"]["records"][0]["comment_authors"] == "Good."
    assert sections["reviews"]["keys"]["proposal"] == "Proposal"
    assert set(sections["reviews"]["records"][0]) <= set(sections["reviews"]["keys"])
    assert sections["reviewer_profile"]["count"] == 1
    mine = Assignment.objects.filter(reviewer=reviewer).count()
    items = person_delete(person=reviewer, password="kakehashi")
    counts = {i["what"]: (i["count"], i["action"]) for i in items}
    assert counts["Reviewer profile"] == (1, "deleted")
    assert counts["Review assignments not submitted, with their drafts"] == (mine - 1, "deleted")
    assert counts["Submitted reviews"] == (1, "kept")
    assert Assignment.objects.filter(reviewer=reviewer).count() == 1
    assert not Conflict.objects.filter(reviewer=reviewer).exists()
