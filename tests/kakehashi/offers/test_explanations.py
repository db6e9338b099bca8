"""Explanations of ties: a place lost to a candidate the host ranked equally.

In the engine's ``ties`` mode the stable improvement cycles may give a place
against the lottery; the engine then reports the host's own (tied) positions
and flags ``tied_with_cutoff``. The sentences must not say "ranked higher".
"""

from __future__ import annotations

import pytest
from django.utils import translation

import kakehashi_match as km
from kakehashi.offers.explanations import Choice, choice_sentence, choices_from, outcome_sentence

#: The Erdil & Ergin constructed example of the engine's tests (lottery seed 5):
#: X ranks b, then a and c equally; after the cycle a holds X and c is left out.
TIE_BREAKING = {
    "students": {"a": ["X", "Y"], "b": ["Y", "X"], "c": ["X", "Z"]},
    "projects": {
        "X": {"capacity": 1, "ranking": ["b", ["a", "c"]]},
        "Y": {"capacity": 1, "ranking": [["a", "b"]]},
        "Z": {"capacity": 1, "ranking": ["c"]},
    },
}

TIE_POSITIONS = (
    "On the host's list you were number 2, tied with the last candidate admitted: the host "
    "ranked you equally. The tie was broken by the match's lottery, then by exchanges of "
    "places between candidates that no host's ranking forbids."
)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def test_engine_tie_becomes_a_tie_sentence():
    entry = km.solve(TIE_BREAKING, mode="ties", seed=5).to_dict()["students"]["c"]

    [choice] = choices_from(entry, {})

    assert (choice.reason, choice.your_position, choice.cutoff_position) == ("project_full", 2, 2)
    assert choice.tied_with_cutoff is True
    assert choice.message == (
        "Your choice 1, “X”: its last place went to a candidate its host ranked equally with "
        "you. " + TIE_POSITIONS
    )


def test_same_outcome_by_the_lottery_alone_keeps_the_strict_sentence():
    entry = km.solve(TIE_BREAKING, mode="student", seed=5).to_dict()["students"]["c"]

    [choice] = choices_from(entry, {})

    assert choice.tied_with_cutoff is False
    assert choice.message == (
        "Your choice 1, “X”: all its places went to candidates its host ranked higher than "
        "you. On the host's list you were number 2; the last candidate admitted was number 1."
    )


@pytest.mark.parametrize(
    ("reason", "expected"),
    [
        (
            "project_full",
            "Your choice 1, “P”: its last place went to a candidate its host ranked equally "
            "with you. " + TIE_POSITIONS,
        ),
        (
            "supervisor_full",
            "Your choice 1, “P”: its supervisor's last place went to a candidate they ranked "
            "equally with you. " + TIE_POSITIONS,
        ),
        (
            "organisation_full",
            "Your choice 1, “P”: the host organisation's places went, in turn, to its "
            "supervisors' other candidates. " + TIE_POSITIONS,
        ),
    ],
)
def test_tied_choice_sentence_per_reason(reason, expected):
    choice = Choice(
        key="P", rank=1, reason=reason, cutoff_position=2, your_position=2, tied_with_cutoff=True
    )

    assert choice_sentence(choice) == expected


def test_tie_flag_without_positions_is_not_a_tie_sentence():
    # round two: places held by round one, no cut-off position: nobody was compared
    choice = Choice(key="P", rank=1, reason="project_full", your_position=2, tied_with_cutoff=True)

    assert choice_sentence(choice) == (
        "Your choice 1, “P”: all its places were already taken. On the host's list you were "
        "number 2."
    )


def test_choices_from_reads_the_flag_only_when_present():
    entry = {
        "better_choices": [
            {"project": "P", "rank": 1, "reason": "project_full", "cutoff": "x",
             "cutoff_position": 2, "tied_with_cutoff": True, "your_position": 2},
            {"project": "Q", "rank": 2, "reason": "project_full", "cutoff": "y",
             "cutoff_position": 1, "your_position": 3},
        ]
    }  # fmt: skip

    assert [c.tied_with_cutoff for c in choices_from(entry, {})] == [True, False]


def test_unplaced_summary_does_not_claim_higher_ranks_when_a_tie_decided():
    tied = Choice(
        key="P", rank=1, reason="project_full", cutoff_position=2, your_position=2,
        tied_with_cutoff=True,
    )  # fmt: skip
    outranked = Choice(key="Q", rank=2, reason="project_full", cutoff_position=1, your_position=3)

    assert outcome_sentence(placed=False, rank=None, list_length=2, choices=[tied, outranked]) == (
        "You were not placed in any project on your list. The reason for each is below."
    )
    assert outcome_sentence(placed=False, rank=None, list_length=1, choices=[outranked]) == (
        "You were not placed: each project on your list was filled by candidates its host "
        "ranked higher, or its host did not rank you. The reasons are below."
    )
