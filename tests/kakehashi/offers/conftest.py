"""A published match of the page world, solved by the real engine.

In `summer` (Tokyo deadlines): `eeg-decoding` (1 place, supervised by `sup`, who
ranks cand, then third) and `robotics` (1 place, supervised by `sup2`, who ranks
cand2, then cand). cand ranks robotics then eeg-decoding; cand2 ranks robotics;
third ranks eeg-decoding; fourth ranks robotics, which did not rank them.

Result: cand2 → robotics (first choice); cand → eeg-decoding (second choice:
robotics was full with cand2, number 1, and cand was number 2); third and
fourth unplaced.
"""

from __future__ import annotations

import datetime as dt
import json
from types import SimpleNamespace

import pytest
from django.utils import timezone

import kakehashi_match as km
from kakehashi.matching.enums import RunStatus
from kakehashi.matching.models import MatchRun
from kakehashi.offers.services import offers_create_for_run
from tests import factories

#: 2027-03-01 18:00 in Tokyo.
DEADLINE = dt.datetime(2027, 3, 1, 9, 0, tzinfo=dt.UTC)


def c(user) -> str:
    return f"c{user.pk}"


def s(user) -> str:
    return f"s{user.pk}"


def publish_run(*, call, instance: dict, round: int = 1, base_run=None) -> MatchRun:
    """A finished, published run holding the engine's real result for `instance`."""
    canonical = km.Instance.from_dict(instance).to_dict()
    solved = km.solve(canonical)
    return MatchRun.objects.create(
        call=call,
        round=round,
        base_run=base_run,
        snapshot=canonical,
        input_hash=solved.input_hash,
        engine_version=solved.engine_version,
        status=RunStatus.DONE,
        result=json.loads(solved.to_json()),
        published_at=timezone.now(),
    )


def world_instance(w) -> dict:
    return {
        "students": {
            c(w.candidate): ["robotics", "eeg-decoding"],
            c(w.other_candidate): ["robotics"],
            c(w.third): ["eeg-decoding"],
            c(w.fourth): ["robotics"],
        },
        "projects": {
            "eeg-decoding": {"capacity": 1, "supervisor": s(w.supervisor)},
            "robotics": {"capacity": 1, "supervisor": s(w.other_supervisor)},
        },
        "supervisors": {
            s(w.supervisor): {"ranking": [c(w.candidate), c(w.third)]},
            s(w.other_supervisor): {"ranking": [c(w.other_candidate), c(w.candidate)]},
        },
    }


@pytest.fixture
def world(db):
    w = factories.page_world()
    w.third = factories.candidate(
        user__username="third", user__given_name="Sam", user__family_name="Lee"
    )
    w.fourth = factories.candidate(
        user__username="fourth", user__given_name="Yui", user__family_name="Mori"
    )
    return w


@pytest.fixture
def published(world, django_capture_on_commit_callbacks):
    """The world's run, published, with its offers (deadline `DEADLINE`) and e-mails sent."""
    run = publish_run(call=world.call, instance=world_instance(world))
    with django_capture_on_commit_callbacks(execute=True):
        offers = offers_create_for_run(run=run, deadline=DEADLINE)
    by_candidate = {o.candidate_id: o for o in offers}
    return SimpleNamespace(
        run=run,
        offer=by_candidate[world.candidate.pk],
        other_offer=by_candidate[world.other_candidate.pk],
    )


@pytest.fixture
def before_deadline():
    return DEADLINE - dt.timedelta(days=1)
