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
    flows = {(f["home"], f["host"]): f["count"] for f in s["exchange_flows"]["countries"]}
    assert flows == {("CA", "JP"): 1, ("JP", "CA"): 1}
    stable_flows = stable.summary["exchange_flows"]["countries"]
    assert {(f["home"], f["host"]): f["count"] for f in stable_flows} == {
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
    (unplaced,) = s["unmatched_candidates"]
    assert (unplaced["candidate"], unplaced["reason"]) == (cid(m.ca2), "exchange")


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


def test_pages_show_the_flows_beside_a_stable_run(exchange_market, start, client):
    m = exchange_market
    stable = start(m, policy={"mode": "student"})
    run = start(m, policy={"mode": "exchange", "exchange": {"level": "country", "tolerance": 0}})
    client.force_login(m.officer)
    page = client.get(f"/runs/{run.pk}/").content.decode()
    assert "Exchange flows" in page and "Canada → Japan" in page
    page = client.get(f"/calls/{m.call.slug}/compare/?a={stable.pk}&b={run.pk}")
    assert page.status_code == 200
    flows = page.context["exchange"]
    rows = {r["label"]: (r["a"], r["b"]) for r in flows["countries"]}
    assert rows == {"Canada → Japan": (2, 1), "Japan → Canada": (1, 1)}
    orgs = {r["organisation"]: (r["a"]["net"], r["b"]["net"]) for r in flows["organisations"]}
    assert orgs == {f"o{m.kansai.pk}": (1, 0), f"o{m.pacific.pk}": (-1, 0)}
    assert [s["figures"]["units"]["CA"]["lost"] for s in flows["sides"]] == [1]
    assert page.context["data"]["same_market"] is True
    html = page.content.decode()
    assert "Exports and imports per organisation" in html
    assert "the balanced exchange adds the candidates' homes" in html


def test_run_form_starts_an_exchange(exchange_market, client, django_capture_on_commit_callbacks):
    m = exchange_market
    client.force_login(m.officer)
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(
            f"/calls/{m.call.slug}/runs/",
            {
                "label": "Balanced",
                "mode": "exchange",
                "seed": 0,
                "exchange_level": "organisation",
                "exchange_tolerance": 1,
                "cap_by": "",
            },
        )
    assert answer.status_code == 302, answer.content.decode()[:2000]
    run = m.call.match_runs.get(label="Balanced")
    assert run.policy["exchange"] == {"level": "organisation", "tolerance": 1}
    assert run.status == "done" and run.summary["exchange"]["balance"] == "organisations"


@pytest.mark.parametrize(
    ("language", "balance", "priority"),
    [
        ("en", "this match keeps the exchange balanced", "whom your home put before you"),
        ("fr", "ce jumelage garde l’échange équilibré", "votre établissement d’origine"),
        ("ja", "交流の均衡", "出身機関"),
    ],
)
def test_candidate_reads_balance_and_priority_in_their_language(
    exchange_market, start, client, language, balance, priority
):
    from kakehashi.matching.services import run_publish

    m = exchange_market
    run = start(m, policy={"mode": "exchange"})
    run_publish(run=run, user=m.officer)
    client.force_login(m.ca2)
    page = client.get("/results/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert balance in page
    assert priority in page


# ---------------------------------------------------------------- the API

API_PRIORITY = "Only program officers and organisations' admins set homes' priorities."


def _put(client, url, payload):
    return client.put(url, payload, content_type="application/json")


def _admin_of(org, username):
    from kakehashi.people.models import Affiliation

    person = factories.UserFactory(username=username)
    Affiliation.objects.create(person=person, organisation=org, role="admin")
    return person


def test_api_runs_an_exchange_and_compares_flows(exchange_market, start):
    from tests.kakehashi.api_helpers import API, body, token_client

    m = exchange_market
    stable = start(m, policy={"mode": "student"})
    client = token_client(m.officer)
    # An exchange setting outside the exchange mode is refused, not ignored.
    refused = client.post(
        f"{API}/calls/{m.call.pk}/runs",
        {"mode": "student", "exchange": {"level": "country"}},
        content_type="application/json",
    )
    assert refused.status_code == 422
    assert body(refused)["error"]["code"] == "exchange_needs_exchange_mode"
    run = start(m, policy={"mode": "exchange", "exchange": {"level": "country", "tolerance": 0}})
    detail = body(client.get(f"{API}/runs/{run.pk}"))
    assert detail["policy"]["exchange"] == {"level": "country", "tolerance": 0}
    data = body(client.get(f"{API}/calls/{m.call.pk}/compare?a={stable.pk}&b={run.pk}"))
    ex = data["exchange"]
    assert ex["available"] is True
    assert ex["countries"] == [
        {"home": "CA", "host": "JP", "a": 2, "b": 1},
        {"home": "JP", "host": "CA", "a": 1, "b": 1},
    ]
    assert ex["a"] is None and ex["b"]["balanced"] is True
    assert ex["b"]["units"]["JP"] == {
        "exports": 1,
        "imports": 1,
        "net": 0,
        "lost": 0,
        "gained": 0,
    }


def test_api_policy_field_on_the_call(exchange_market):
    from tests.kakehashi.api_helpers import API, body, token_client

    m = exchange_market
    client = token_client(m.officer)
    url = f"{API}/calls/{m.call.pk}/match-policy"
    answer = _put(client, url, {"mode": "exchange", "exchange": {"level": "organisation"}})
    assert body(answer)["exchange"] == {"level": "organisation", "tolerance": 0}
    bad = _put(client, url, {"mode": "exchange", "exchange": {"tolerance": -2}})
    assert bad.status_code == 422
    assert "match_policy.exchange.tolerance" in body(bad)["error"]["fields"] or (
        "exchange.tolerance" in body(bad)["error"]["fields"]
    )
    assert body(client.get(url))["exchange"] == {"level": "organisation", "tolerance": 0}


def test_api_home_priorities_per_role(exchange_market):
    from tests.kakehashi.api_helpers import API, body, error, token_client

    m = exchange_market
    base = f"{API}/calls/{m.call.pk}/home-priorities"
    officer = token_client(m.officer)
    listed = body(officer.get(base))
    assert [(r["country"], r["candidates"]) for r in listed] == [("CA", [m.ca1.pk, m.ca2.pk])]
    answer = _put(officer, f"{base}/countries/CA", {"candidates": [m.ca2.pk, m.ca1.pk]})
    assert body(answer)["candidates"] == [m.ca2.pk, m.ca1.pk]
    # Someone of another home, or twice, is refused by field.
    bad = _put(officer, f"{base}/countries/CA", {"candidates": [m.jp1.pk, m.ca1.pk, m.ca1.pk]})
    assert bad.status_code == 422
    assert len(body(bad)["error"]["fields"]["candidates"]) == 2

    pacific_admin = token_client(_admin_of(m.pacific, "pacific-admin"))
    own = _put(pacific_admin, f"{base}/organisations/{m.pacific.pk}", {"candidates": [m.ca2.pk]})
    assert own.status_code == 200 and body(own)["organisation_id"] == m.pacific.pk
    # Its admin sees its own organisation's list only, and sets no other home's.
    assert [r["organisation_id"] for r in body(pacific_admin.get(base))] == [m.pacific.pk]
    for other in (
        _put(pacific_admin, f"{base}/organisations/{m.kansai.pk}", {"candidates": []}),
        _put(pacific_admin, f"{base}/countries/CA", {"candidates": []}),
    ):
        assert other.status_code == 403
    for who in (m.ca1, factories.UserFactory(username="sup-other")):
        client = token_client(who)
        for response in (
            client.get(base),
            _put(client, f"{base}/countries/CA", {"candidates": []}),
        ):
            assert (response.status_code, body(response)) == (
                403,
                error(403, "forbidden", API_PRIORITY),
            )


def test_priorities_page_sets_an_order(exchange_market, client):
    m = exchange_market
    client.force_login(m.officer)
    page = client.get(f"/calls/{m.call.slug}/priorities/")
    assert page.status_code == 200
    assert [u["key"] for u in page.context["units"]] == [
        "CA",
        "JP",
        f"o{m.kansai.pk}",
        f"o{m.pacific.pk}",
    ]
    answer = client.post(
        f"/calls/{m.call.slug}/priorities/",
        {"unit": f"o{m.pacific.pk}", f"pos-{m.ca1.pk}": "2", f"pos-{m.ca2.pk}": "1"},
    )
    assert answer.status_code == 302
    row = HomePriority.objects.get(call=m.call, organisation=m.pacific)
    assert row.candidates == [m.ca2.pk, m.ca1.pk]
    client.force_login(m.ca1)
    assert client.get(f"/calls/{m.call.slug}/priorities/").status_code == 404


def test_privacy_export_and_erase_of_home_orders(exchange_market):
    from kakehashi.matching.privacy import matching_data_export, matching_erase

    m = exchange_market
    section = matching_data_export(sender=None, person=m.ca2)["home_priorities"]
    assert [(r["country"], r["position"]) for r in section["records"]] == [("CA", 2)]
    plan = matching_erase(sender=None, person=m.ca2, placeholder=None, dry_run=True)
    assert (plan[0]["count"], plan[0]["action"]) == (1, "deleted")
    assert HomePriority.objects.get().candidates == [m.ca1.pk, m.ca2.pk]
    matching_erase(sender=None, person=m.ca2, placeholder=None, dry_run=False)
    assert HomePriority.objects.get().candidates == [m.ca1.pk]


def test_call_form_keeps_an_exchange_policy_and_places_its_errors(client, db):
    from kakehashi.programs.models import Call
    from tests.kakehashi.programs.test_pages import _call_post

    world = factories.page_world()
    client.force_login(world.officer)
    blank_caps = {"caps-0-label": "", "caps-0-kind": "", "caps-0-values": "", "caps-0-capacity": ""}
    data = _call_post(
        program=str(world.call.program.pk),
        mode="exchange",
        exchange_level="organisation",
        exchange_tolerance="2",
        **blank_caps,
    )
    assert client.post("/calls/new/", data).status_code == 302
    call = Call.objects.get(slug="winter-2028")
    assert call.match_policy["exchange"] == {"level": "organisation", "tolerance": 2}
    page = client.get(f"/calls/{call.slug}/").content.decode()
    assert "Per organisation; tolerance 2" in page
    # Caps with the exchange are refused on the mode, as with any mode but student.
    refused = client.post(
        "/calls/new/", _call_post(program=str(world.call.program.pk), slug="x-1", mode="exchange")
    )
    assert refused.status_code == 200
    assert "Caps are applied only by student-proposing matching" in refused.content.decode()


def test_host_reads_why_a_ranked_candidate_did_not_come(exchange_market, start, client):
    """sup-jp ranked ca1 and ca2; ca1 holds jp. ca2 missed jp2 for the balance and jp
    for their home's order: the host reads both, on the page and in the API, and the
    page costs the same queries with or without the exchange's reasons."""
    from kakehashi.matching.services import run_publish
    from tests.kakehashi.api_helpers import API, body, token_client

    # Imported here like run_publish above: only these tests publish.
    m = exchange_market
    run = start(m, policy={"mode": "exchange"})
    run_publish(run=run, user=m.officer)
    supervisor = m.call.projects.get(key="jp").supervisions.get().person
    name = f"{m.ca2.given_name} {m.ca2.family_name}".strip()
    balance = (
        f"{name} (number 2 on your list) could not be placed here: one more intern here "
        "would have unbalanced the exchange."
    )
    priority = (
        f"{name} (number 2 on your list) could not be placed here: their home put other "
        "candidates first."
    )
    data = body(token_client(supervisor).get(f"{API}/me/interns"))
    said = {i["project"]["key"]: [o["message"] for o in i["not_here"]] for i in data["items"]}
    assert said == {"jp": [priority], "jp2": [balance]}
    client.force_login(supervisor)
    page = client.get("/interns/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert balance in page and priority in page
