"""Offers: creation from a published run, answers to the second, lapsing, the job."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from kakehashi.audit.models import AuditEntry
from kakehashi.jobs.enums import JobStatus
from kakehashi.jobs.services import job_enqueue
from kakehashi.offers.explanations import Choice, choice_sentence, outcome_sentence
from kakehashi.offers.models import Offer
from kakehashi.offers.selectors import (
    host_list_position,
    interns_for_supervisor,
    results_for_candidate,
)
from kakehashi.offers.services import (
    offer_accept,
    offer_deadline_for,
    offer_decline,
    offers_create_for_run,
    offers_lapse,
)
from kakehashi.programs.models import CallPhase
from kakehashi_match.rounds import residual_instance
from tests import factories
from tests.kakehashi.offers.conftest import DEADLINE, c, publish_run, world_instance

SECOND = dt.timedelta(seconds=1)


def _verbs(call) -> list[str]:
    return list(AuditEntry.objects.for_scope(call).values_list("verb", flat=True))


# Creation ------------------------------------------------------------------------


def test_offers_create_for_run_offers_each_placed_candidate(world, published):
    offers = Offer.objects.filter(run=published.run).order_by("candidate_id")

    assert [(o.candidate, o.project.key, o.status, o.deadline) for o in offers] == [
        (world.candidate, "eeg-decoding", "pending", DEADLINE),
        (world.other_candidate, "robotics", "pending", DEADLINE),
    ]
    event = AuditEntry.objects.for_scope(world.call).get(verb="offers.created")
    assert event.data == {
        "round": 1,
        "offers": 2,
        "unplaced": 2,
        "deadline": "2027-03-01T09:00:00+00:00",
    }


def test_offers_create_for_run_mails_candidates_and_supervisors(world, published):
    sent = sorted((m.to[0], m.subject) for m in mail.outbox)

    assert sent == [
        ("cand2@example.org", "Kakehashi: you have an offer for “ロボット制御の研究”"),
        (
            "cand@example.org",
            "Kakehashi: you have an offer for “Decoding EEG for brain-computer interfaces”",
        ),
        ("fourth@example.org", "Kakehashi: your match result in 2027 Summer"),
        ("sup2@example.org", "Kakehashi: match results for your projects in 2027 Summer"),
        ("sup@example.org", "Kakehashi: match results for your projects in 2027 Summer"),
        ("third@example.org", "Kakehashi: your match result in 2027 Summer"),
    ]


def test_offer_deadline_is_the_close_of_the_offers_phase(world):
    closes = DEADLINE
    CallPhase.objects.create(
        call=world.call,
        kind="offers",
        opens_at=closes - dt.timedelta(days=7),
        closes_at=closes,
        timezone="Asia/Tokyo",
    )
    run = publish_run(call=world.call, instance=world_instance(world))

    assert offer_deadline_for(run=run, now=closes - SECOND) == closes
    assert offer_deadline_for(run=run, now=closes) == closes + dt.timedelta(days=7)


def test_round_two_run_offers_only_the_newly_placed(
    world, published, django_capture_on_commit_callbacks
):
    offer_decline(offer=published.offer, candidate=world.candidate, now=DEADLINE - SECOND)
    base = published.run
    residual, _kept = residual_instance(
        base.snapshot, base.result["assignments"], declined=[c(world.candidate)]
    )
    run2 = publish_run(call=world.call, instance=residual, round=2, base_run=base)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        offers = offers_create_for_run(run=run2, deadline=DEADLINE + dt.timedelta(days=7))

    assert [(o.candidate, o.project.key) for o in offers] == [(world.third, "eeg-decoding")]
    assert sorted((m.to[0], m.subject) for m in mail.outbox) == [
        ("fourth@example.org", "Kakehashi: your match result in 2027 Summer"),
        ("sup@example.org", "Kakehashi: match results for your projects in 2027 Summer"),
        (
            "third@example.org",
            "Kakehashi: you have an offer for “Decoding EEG for brain-computer interfaces”",
        ),
    ]
    fourth = next(m for m in mail.outbox if m.to == ["fourth@example.org"])
    assert "This was the last round of this call." in fourth.body


# Answers --------------------------------------------------------------------------


def test_offer_accept_one_second_before_deadline_is_taken(world, published):
    at = DEADLINE - SECOND

    offer = offer_accept(offer=published.offer, candidate=world.candidate, now=at)

    offer.refresh_from_db()
    assert (offer.status, offer.responded_at) == ("accepted", at)
    event = AuditEntry.objects.get(verb="offer.accepted")
    assert (event.actor, event.target, event.data["project"]) == (
        world.candidate,
        f"offer {offer.pk}",
        "eeg-decoding",
    )


@pytest.mark.parametrize("late", [dt.timedelta(0), SECOND])
def test_offer_accept_at_or_after_deadline_names_deadline_in_call_zone(world, published, late):
    with pytest.raises(
        ValidationError,
        match=r"The deadline to answer this offer has passed: it was "
        r"March 1, 2027, 6 p\.m\. \(Asia/Tokyo\)\.",
    ):
        offer_accept(offer=published.offer, candidate=world.candidate, now=DEADLINE + late)

    published.offer.refresh_from_db()
    assert (published.offer.status, published.offer.responded_at) == ("pending", None)
    assert "offer.accepted" not in _verbs(world.call)


def test_offer_accept_by_another_candidate_is_refused(world, published):
    with pytest.raises(ValidationError, match=r"Only the candidate can answer this offer\."):
        offer_accept(offer=published.offer, candidate=world.other_candidate, now=DEADLINE - SECOND)

    published.offer.refresh_from_db()
    assert published.offer.status == "pending"


def test_offer_answered_twice_is_refused(world, published):
    offer_accept(offer=published.offer, candidate=world.candidate, now=DEADLINE - 2 * SECOND)

    with pytest.raises(ValidationError, match=r"This offer has already been answered: Accepted\."):
        offer_decline(offer=published.offer, candidate=world.candidate, now=DEADLINE - SECOND)


def test_offer_decline_tells_candidate_and_supervisor(
    world, published, django_capture_on_commit_callbacks
):
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        offer = offer_decline(
            offer=published.offer, candidate=world.candidate, now=DEADLINE - SECOND
        )

    assert offer.status == "declined"
    assert sorted((m.to[0], m.subject) for m in mail.outbox) == [
        (
            "cand@example.org",
            "Kakehashi: you declined the offer for “Decoding EEG for brain-computer interfaces”",
        ),
        (
            "sup@example.org",
            "Kakehashi: Alex Martin declined the offer for “Decoding EEG for brain-computer "
            "interfaces”",
        ),
    ]
    assert _verbs(world.call)[-1] == "offer.declined"


def test_offer_accept_mails_nothing_when_refused(
    world, published, django_capture_on_commit_callbacks
):
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        offer_accept(offer=published.offer, candidate=world.candidate, now=DEADLINE)

    assert mail.outbox == []


# Lapse ----------------------------------------------------------------------------


def test_offers_lapse_marks_only_expired_pending_offers(
    world, published, django_capture_on_commit_callbacks
):
    offer_accept(
        offer=published.other_offer, candidate=world.other_candidate, now=DEADLINE - SECOND
    )
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        early = offers_lapse(now=DEADLINE - SECOND)
        lapsed = offers_lapse(now=DEADLINE)
        again = offers_lapse(now=DEADLINE + SECOND)

    assert (early, [o.pk for o in lapsed], again) == ([], [published.offer.pk], [])
    statuses = dict(Offer.objects.values_list("candidate__username", "status"))
    assert statuses == {"cand": "lapsed", "cand2": "accepted"}
    assert _verbs(world.call).count("offer.lapsed") == 1
    assert sorted((m.to[0], m.subject) for m in mail.outbox) == [
        (
            "cand@example.org",
            "Kakehashi: your offer for “Decoding EEG for brain-computer interfaces” has lapsed",
        ),
        (
            "sup@example.org",
            "Kakehashi: the offer to Alex Martin for “Decoding EEG for brain-computer "
            "interfaces” has lapsed",
        ),
    ]


def test_offers_lapse_scoped_to_a_candidate_leaves_others(world, published):
    lapsed = offers_lapse(now=DEADLINE, candidate=world.other_candidate)

    assert [o.candidate for o in lapsed] == [world.other_candidate]
    published.offer.refresh_from_db()
    assert published.offer.status == "pending"


def test_lapsed_offer_cannot_be_accepted(world, published):
    offers_lapse(now=DEADLINE)

    with pytest.raises(ValidationError, match=r"has passed: it was March 1, 2027, 6 p\.m\."):
        offer_accept(offer=published.offer, candidate=world.candidate, now=DEADLINE - SECOND)


def test_lapse_job_lapses_expired_offers(world, published, django_capture_on_commit_callbacks):
    Offer.objects.filter(pk=published.offer.pk).update(
        deadline=dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    )

    with django_capture_on_commit_callbacks(execute=True):
        job = job_enqueue(kind="offers.lapse")

    job.refresh_from_db()
    assert (job.status, job.result) == (JobStatus.SUCCEEDED, {"lapsed": [published.offer.pk]})
    published.offer.refresh_from_db()
    assert published.offer.status == "lapsed"


# Selectors and explanations ---------------------------------------------------------


def test_results_for_candidate_placed_with_why_not(world, published):
    [group] = results_for_candidate(candidate=world.candidate)

    [entry] = group.rounds
    assert (group.call, entry.placed, entry.project, entry.rank, entry.offer) == (
        world.call,
        True,
        world.project,
        2,
        published.offer,
    )
    assert [ch.message for ch in entry.choices] == [
        "Your choice 1, “ロボット制御の研究”: all its places went to candidates its host ranked "
        "higher than you. On the host's list you were number 2; the last candidate admitted "
        "was number 1."
    ]
    assert entry.summary == (
        "You obtained your choice 2; the 1 choice you ranked higher is explained below."
    )


def test_results_for_candidate_unplaced_not_ranked(world, published):
    [group] = results_for_candidate(candidate=world.fourth)

    [entry] = group.rounds
    assert (entry.placed, entry.offer, entry.summary) == (
        False,
        None,
        "You were not placed: none of the hosts you ranked ranked you.",
    )
    assert [ch.message for ch in entry.choices] == [
        "Your choice 1, “ロボット制御の研究”: the host did not rank you, so it could not offer "
        "you a place."
    ]


@pytest.mark.parametrize(
    ("reasons", "expected"),
    [
        (
            ["project_full", "not_ranked_by_host"],
            "You were not placed: each project on your list was filled by candidates its host "
            "ranked higher, or its host did not rank you. The reasons are below.",
        ),
        (
            ["group_cap_reached"],
            "You were not placed in any project on your list. The reason for each is below.",
        ),
        (
            ["project_full", "blocking_pair"],
            "You were not placed in any project on your list. The reason for each is below.",
        ),
    ],
)
def test_unplaced_summary_blames_hosts_only_when_hosts_decided(reasons, expected):
    """A regional cap (or the welfare policy) left the candidate out: the summary must not
    say that hosts filled every project with candidates they ranked higher."""
    choices = [Choice(key=f"p{i}", rank=i, reason=r) for i, r in enumerate(reasons, start=1)]

    assert (
        outcome_sentence(placed=False, rank=None, list_length=len(choices), choices=choices)
        == expected
    )


def test_results_for_candidate_outside_any_run_is_empty(world, published):
    assert results_for_candidate(candidate=factories.candidate()) == []


def test_results_ignore_unpublished_runs(world):
    from kakehashi.matching.models import MatchRun

    run = publish_run(call=world.call, instance=world_instance(world))
    MatchRun.objects.filter(pk=run.pk).update(published_at=None)

    assert results_for_candidate(candidate=world.candidate) == []


@pytest.mark.parametrize(
    ("reason", "cutoff", "expected"),
    [
        (
            "supervisor_full",
            1,
            "Your choice 2, “P”: its supervisor's places went to candidates they ranked higher "
            "than you. On the host's list you were number 3; the last candidate admitted was "
            "number 1.",
        ),
        (
            "organisation_full",
            2,
            "Your choice 2, “P”: the host organisation's places went, in turn, to its "
            "supervisors' other candidates. On the host's list you were number 3; the last "
            "candidate admitted was number 2.",
        ),
        (
            "group_cap_reached",
            None,
            "Your choice 2, “P”: the places allowed for its group of host organisations were "
            "all taken. On the host's list you were number 3.",
        ),
        (
            "project_full",
            None,
            "Your choice 2, “P”: all its places were already taken. On the host's list you "
            "were number 3.",
        ),
    ],
)
def test_choice_sentence_per_reason(reason, cutoff, expected):
    choice = Choice(key="P", rank=2, reason=reason, cutoff_position=cutoff, your_position=3)

    assert choice_sentence(choice) == expected


def test_interns_for_supervisor_shows_offers_and_cutoff(world, published):
    offer_decline(offer=published.offer, candidate=world.candidate, now=DEADLINE - SECOND)

    [entry] = interns_for_supervisor(supervisor=world.supervisor)

    assert (entry.project, entry.placed, entry.declined, entry.lapsed) == (
        world.project,
        [],
        [published.offer],
        [],
    )
    [cutoff] = entry.cutoffs
    assert (cutoff.round, cutoff.capacity, cutoff.filled, cutoff.candidate, cutoff.position) == (
        1,
        1,
        1,
        world.candidate,
        1,
    )


def test_interns_for_supervisor_leaves_out_projects_the_match_did_not_consider(world, published):
    from kakehashi.projects.models import ProjectSupervisor

    draft = factories.ProjectFactory(call=world.call, status="draft")
    ProjectSupervisor.objects.create(project=draft, person=world.supervisor, role="academic")

    entries = interns_for_supervisor(supervisor=world.supervisor)

    assert [e.project for e in entries] == [world.project]


def test_interns_for_supervisor_without_published_run_is_empty(world):
    assert interns_for_supervisor(supervisor=world.supervisor) == []


def test_host_list_position_counts_tie_groups():
    snapshot = {
        "projects": {
            "p": {"capacity": 1, "supervisor": "s1"},
            "q": {"capacity": 1, "ranking": ["b"]},
        },
        "supervisors": {"s1": {"ranking": ["a", ["b", "c"], "d"]}},
    }

    assert [host_list_position(snapshot, "p", x) for x in "abcdz"] == [1, 2, 2, 4, None]
    assert host_list_position(snapshot, "q", "b") == 1
