"""A small market: three projects at three hosts, four candidates, three supervisors.

Round one (student-proposing): c2 gets p-a (sup-a ranks c2 first), c1 gets p-b,
c3 is unplaced (p-a and p-b are full with candidates ranked higher) and c4 is
unplaced (the supervisor of p-c ranked nobody).
"""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.utils import timezone

from kakehashi.programs.services import call_phase_set
from tests import factories


def open_phase(call, kind: str) -> None:
    now = timezone.now()
    call_phase_set(
        call=call,
        kind=kind,
        opens=now - dt.timedelta(hours=1),
        closes=now + dt.timedelta(days=7),
        timezone="Asia/Tokyo",
    )


def close_phase(call, kind: str) -> None:
    now = timezone.now()
    call_phase_set(
        call=call,
        kind=kind,
        opens=now - dt.timedelta(days=3),
        closes=now - dt.timedelta(days=1),
        timezone="Asia/Tokyo",
    )


@pytest.fixture
def market(db):
    call = factories.CallFactory(slug="summer", name_en="2027 Summer", ranking_limit=3)
    open_phase(call, "matching")
    kyoto = factories.OrganisationFactory(name="Kyoto Test University", type="university")
    tokyo = factories.OrganisationFactory(
        name="Tokyo Robotics KK", type="company", region="JP-13", city="Tokyo"
    )
    ubc = factories.CanadianOrganisationFactory(name="Pacific Test University")
    sup_a = factories.UserFactory(username="sup-a", given_name="Aiko", family_name="Abe")
    sup_b = factories.UserFactory(username="sup-b", given_name="Ben", family_name="Baba")
    sup_c = factories.UserFactory(username="sup-c", given_name="Cleo", family_name="Cote")
    p_a = factories.ProjectFactory(
        call=call, key="p-a", host=kyoto, title="EEG decoding", supervisor=sup_a
    )
    p_b = factories.ProjectFactory(
        call=call, key="p-b", host=tokyo, title="Robot hands", region="JP-13", supervisor=sup_b
    )
    p_c = factories.ProjectFactory(
        call=call, key="p-c", host=ubc, title="Ocean sensing", region="CA-BC", supervisor=sup_c
    )
    people = {}
    for n, (given, direction) in enumerate(
        [("Alex", "CA_JP"), ("Chloé", "CA_JP"), ("Sam", "CA_JP"), ("Yui", "JP_CA")], start=1
    ):
        people[n] = factories.candidate(
            user__username=f"c{n}-user",
            user__given_name=given,
            user__family_name=f"Cand{n}",
            direction=direction,
        )
    c1, c2, c3, c4 = people[1], people[2], people[3], people[4]
    for cand, projects in ((c1, [p_a, p_b]), (c2, [p_a, p_b]), (c3, [p_a, p_b]), (c4, [p_c])):
        for rank, project in enumerate(projects, start=1):
            factories.ApplicationFactory(candidate=cand, project=project, rank=rank)
    for sup, ranked in ((sup_a, [c2, c1, c3]), (sup_b, [c1, c2, c3])):
        for rank, cand in enumerate(ranked, start=1):
            factories.HostRankFactory(supervisor=sup, call=call, candidate=cand, rank=rank)
    return SimpleNamespace(
        call=call,
        kyoto=kyoto,
        tokyo=tokyo,
        ubc=ubc,
        sup_a=sup_a,
        sup_b=sup_b,
        sup_c=sup_c,
        p_a=p_a,
        p_b=p_b,
        p_c=p_c,
        c1=c1,
        c2=c2,
        c3=c3,
        c4=c4,
        officer=factories.OfficerFactory(username="officer-m"),
    )


@pytest.fixture
def start(django_capture_on_commit_callbacks):
    """Start a run and let its job run inline, as it does without a Celery broker."""
    from kakehashi.matching.services import run_start

    def _start(market, **kwargs):
        kwargs.setdefault("label", "")
        with django_capture_on_commit_callbacks(execute=True):
            run = run_start(call=market.call, user=market.officer, **kwargs)
        run.refresh_from_db()
        return run

    return _start


def cid(user) -> str:
    return f"c{user.pk}"
