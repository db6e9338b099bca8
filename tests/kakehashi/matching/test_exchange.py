"""Balanced exchange in the product: the policy, the run, its flows and explanations.

The market is the worked example of docs/match/mechanisms.md: Pacific (Canada) sends
ca1 and ca2, its order ca1 first; Kansai (Japan) sends jp1. Kansai's supervisor has
two projects, jp (1 place) and jp2 (1 place), and ranks both Canadians; Pacific's
project ca (2 places) ranks jp1. Student mode places all three (Canada exports 2,
imports 1); the exchange at tolerance 0 places ca1 and jp1 only.
"""

from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError

from kakehashi.matching.models import HomePriority
from kakehashi.matching.selectors import match_instance_build
from kakehashi.programs.policy import Exchange, MatchPolicy, PolicyError
from tests import factories

from .conftest import cid, open_phase


@pytest.fixture
def exchange_market(db):
    call = factories.CallFactory(slug="exchange", name_en="Exchange call", ranking_limit=3)
    open_phase(call, "matching")
    kansai = factories.OrganisationFactory(name="Kansai Test Institute")
    pacific = factories.CanadianOrganisationFactory(name="Pacific Test University")
    sup_jp = factories.UserFactory(username="sup-jp")
    sup_ca = factories.UserFactory(username="sup-ca")
    jp = factories.ProjectFactory(call=call, key="jp", host=kansai, supervisor=sup_jp)
    jp2 = factories.ProjectFactory(call=call, key="jp2", host=kansai, supervisor=sup_jp)
    ca = factories.ProjectFactory(
        call=call, key="ca", host=pacific, capacity=2, region="CA-BC", supervisor=sup_ca
    )
    ca1 = factories.candidate(user__username="ca1", home_organisation=pacific)
    ca2 = factories.candidate(user__username="ca2", home_organisation=pacific)
    jp1 = factories.candidate(user__username="jp1", home_organisation=kansai, direction="JP_CA")
    for cand, projects in ((ca1, [jp]), (ca2, [jp2, jp]), (jp1, [ca])):
        for rank, project in enumerate(projects, start=1):
            factories.ApplicationFactory(candidate=cand, project=project, rank=rank)
    for sup, ranked in ((sup_jp, [ca1, ca2]), (sup_ca, [jp1])):
        for rank, cand in enumerate(ranked, start=1):
            factories.HostRankFactory(supervisor=sup, call=call, candidate=cand, rank=rank)
    HomePriority.objects.create(call=call, country="CA", candidates=[ca1.pk, ca2.pk])
    return SimpleNamespace(
        call=call,
        kansai=kansai,
        pacific=pacific,
        ca1=ca1,
        ca2=ca2,
        jp1=jp1,
        officer=factories.OfficerFactory(username="officer-x"),
    )


def test_policy_exchange_round_trip_and_refusals():
    policy = MatchPolicy.from_data({"mode": "exchange", "exchange": {"level": "organisation"}})
    assert policy.exchange == Exchange(level="organisation", tolerance=0)
    assert policy.to_data()["exchange"] == {"level": "organisation", "tolerance": 0}
    assert MatchPolicy.from_data(policy.to_data()) == policy
    assert MatchPolicy.from_stored(policy.to_data()) == policy
    assert MatchPolicy.from_data({"mode": "exchange"}).exchange == Exchange()
    assert "exchange" not in MatchPolicy.from_data({"mode": "student"}).to_data()
    with pytest.raises(PolicyError) as err:
        MatchPolicy.from_data({"mode": "student", "exchange": {"level": "country"}})
    assert "exchange" in err.value.error_dict
    with pytest.raises(PolicyError) as err:
        MatchPolicy.from_data(
            {"mode": "exchange", "exchange": {"level": "province", "tolerance": -1, "x": 1}}
        )
    assert {"exchange", "exchange.level", "exchange.tolerance"} <= set(err.value.error_dict)
    caps = [{"label": "BC", "kind": "region", "values": ["CA-BC"], "capacity": 1}]
    with pytest.raises(PolicyError):
        MatchPolicy.from_data({"mode": "exchange", "caps": caps})


def test_instance_gets_homes_countries_and_priorities(exchange_market):
    m = exchange_market
    data = match_instance_build(call=m.call, policy=MatchPolicy.from_data({"mode": "exchange"}))
    pac, kan = f"o{m.pacific.pk}", f"o{m.kansai.pk}"
    assert data["exchange"] == {
        "homes": {cid(m.ca1): pac, cid(m.ca2): pac, cid(m.jp1): kan},
        "balance": "groups",
        "tolerance": 0,
        "priorities": {"CA": [cid(m.ca1), cid(m.ca2)]},
    }
    assert data["groups"]["CA"]["organisations"] == [pac]
    assert data["groups"]["JP"]["organisations"] == [kan]
    by_org = match_instance_build(
        call=m.call,
        policy=MatchPolicy.from_data(
            {"mode": "exchange", "exchange": {"level": "organisation", "tolerance": 1}}
        ),
    )
    # The country's list does not apply when organisations balance.
    assert by_org["exchange"] == {
        "homes": data["exchange"]["homes"],
        "balance": "organisations",
        "tolerance": 1,
    }
    assert "groups" not in by_org


def test_exchange_run_is_balanced_checked_and_explained(exchange_market, start):
    m = exchange_market
    stable = start(m, policy={"mode": "student"})
    run = start(m, policy={"mode": "exchange"})
    assert run.status == "done", run.error
    assert run.mode == "exchange"
    assert run.policy["exchange"] == {"level": "country", "tolerance": 0}
    s = run.summary
    assert s["certificate"]["check_ok"] is True
    assert s["placements"] == 2 and stable.summary["placements"] == 3
    assert s["exchange"]["balanced"] is True
    assert s["exchange"]["priority_respecting"] is True
    assert s["exchange"]["pareto_improvement"] is False
    assert s["exchange"]["units"]["CA"] == {
        "exports": 1,
        "imports": 1,
        "net": 0,
        "lost": 1,
        "gained": 0,
    }
    flows = {(f["from"], f["to"]): f["count"] for f in s["exchange_flows"]["countries"]}
    assert flows == {("CA", "JP"): 1, ("JP", "CA"): 1}
    stable_flows = stable.summary["exchange_flows"]["countries"]
    assert {(f["from"], f["to"]): f["count"] for f in stable_flows} == {
        ("CA", "JP"): 2,
        ("JP", "CA"): 1,
    }
    assert s["exchange_flows"]["organisations"][f"o{m.pacific.pk}"] == {
        "exports": 1,
        "imports": 1,
        "net": 0,
    }
    reasons = [c["reason"] for c in run.result["students"][cid(m.ca2)]["better_choices"]]
    assert reasons == ["balance", "lower_priority"]


def test_exchange_with_tolerance_places_everyone(exchange_market, start):
    run = start(exchange_market, policy={"mode": "exchange", "exchange": {"tolerance": 1}})
    assert run.summary["placements"] == 3
    assert run.summary["exchange"]["units"]["CA"]["net"] == -1


def test_exchange_refuses_candidates_without_home(exchange_market):
    m = exchange_market
    lone = factories.UserFactory(username="lone")
    project = m.call.projects.get(key="ca")
    factories.ApplicationFactory(candidate=lone, project=project, rank=1)
    with pytest.raises(ValidationError) as err:
        match_instance_build(call=m.call, policy=MatchPolicy.from_data({"mode": "exchange"}))
    assert err.value.code == "home_missing"


def test_round_two_refuses_exchange(exchange_market):
    from kakehashi.matching.services import run_start_second_round

    m = exchange_market
    with pytest.raises(ValidationError) as err:
        run_start_second_round(
            call=m.call, base_run=None, user=m.officer, declined=[], mode="exchange"
        )
    assert err.value.code == "round_two_mode"
