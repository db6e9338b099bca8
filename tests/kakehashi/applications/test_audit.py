"""Applications, rank lists and host rankings are audited, and every saved version of a
rank list is kept: its candidate and officers see them (page and API), nobody else."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kakehashi.applications.models import RankListVersion
from kakehashi.applications.services import (
    application_submit,
    application_withdraw,
    host_ranking_set,
    rank_list_set,
)
from kakehashi.audit.models import AuditEntry
from tests import factories
from tests.kakehashi.api_helpers import API, body, token_client


@pytest.fixture
def world(db):
    return factories.page_world()


def _entries(call, prefix: str) -> list[tuple]:
    return list(
        AuditEntry.objects.for_scope(call)
        .filter(verb__startswith=prefix)
        .values_list("verb", "actor__username", "data")
    )


def test_submit_and_withdraw_are_audited_with_before_and_after(world):
    application = application_submit(
        candidate=world.other_candidate, project=world.project, statement="Keen."
    )
    application_withdraw(candidate=world.other_candidate, application=application)
    application_submit(candidate=world.other_candidate, project=world.project, statement="Again.")

    common = {
        "application": application.pk,
        "candidate": world.other_candidate.pk,
        "project": world.project.pk,
    }
    assert _entries(world.call, "application.") == [
        (
            "application.submitted",
            "cand2",
            {**common, "before": None, "after": {"status": "submitted", "statement": "Keen."}},
        ),
        (
            "application.withdrawn",
            "cand2",
            {
                **common,
                "before": {"status": "submitted", "statement": "Keen."},
                "after": {"status": "withdrawn", "statement": "Keen."},
            },
        ),
        (
            "application.resubmitted",
            "cand2",
            {
                **common,
                "before": {"status": "withdrawn", "statement": "Keen."},
                "after": {"status": "submitted", "statement": "Again."},
            },
        ),
    ]


def test_a_refused_application_leaves_no_entry(world):
    with pytest.raises(Exception, match="already applied"):
        application_submit(candidate=world.candidate, project=world.project)
    assert _entries(world.call, "application.") == []


def test_every_saved_rank_list_is_kept_in_full(world):
    second = factories.ApplicationFactory(candidate=world.candidate, project=world.other_project)
    p1, p2 = world.project, world.other_project

    rank_list_set(candidate=world.candidate, call=world.call, project_ids=[p1.pk, p2.pk])
    rank_list_set(candidate=world.candidate, call=world.call, project_ids=[p2.pk, p1.pk])
    with pytest.raises(Exception, match="more than once"):
        rank_list_set(candidate=world.candidate, call=world.call, project_ids=[p1.pk, p1.pk])
    application_withdraw(candidate=world.candidate, application=second)

    versions = list(
        RankListVersion.objects.filter(candidate=world.candidate)
        .order_by("number")
        .values_list("number", "reason", "actor__username", "entries")
    )
    one = {"project_id": p1.pk, "key": "eeg-decoding", "title": p1.title}
    two = {"project_id": p2.pk, "key": "robotics", "title": p2.title}
    assert versions == [
        (1, "saved", "cand", [{"rank": 1, **one}, {"rank": 2, **two}]),
        (2, "saved", "cand", [{"rank": 1, **two}, {"rank": 2, **one}]),
        (3, "withdrawal", "cand", [{"rank": 1, **one}]),
    ]
    assert [
        (verb, data["version"], data["project_ids"])
        for verb, _actor, data in _entries(world.call, "rank_list.")
    ] == [
        ("rank_list.saved", 1, [p1.pk, p2.pk]),
        ("rank_list.saved", 2, [p2.pk, p1.pk]),
        ("rank_list.saved", 3, [p1.pk]),
    ]


def test_host_ranking_saves_are_audited_with_the_whole_list(world):
    host_ranking_set(
        supervisor=world.supervisor, call=world.call, candidate_ids=[world.candidate.pk]
    )
    host_ranking_set(supervisor=world.supervisor, call=world.call, candidate_ids=[])

    assert _entries(world.call, "host_ranking.") == [
        (
            "host_ranking.saved",
            "sup",
            {
                "supervisor": world.supervisor.pk,
                "reason": "saved",
                "candidate_ids": [world.candidate.pk],
            },
        ),
        (
            "host_ranking.saved",
            "sup",
            {"supervisor": world.supervisor.pk, "reason": "saved", "candidate_ids": []},
        ),
    ]


def test_withdrawal_that_empties_a_host_ranking_is_audited(world):
    host_ranking_set(
        supervisor=world.supervisor, call=world.call, candidate_ids=[world.candidate.pk]
    )
    application_withdraw(candidate=world.candidate, application=world.application)

    assert _entries(world.call, "host_ranking.")[-1] == (
        "host_ranking.saved",
        "cand",
        {"supervisor": world.supervisor.pk, "reason": "withdrawal", "candidate_ids": []},
    )


# The versions page and API, per role ------------------------------------------------


def _page(world) -> str:
    return f"/calls/summer/rank-lists/{world.candidate.pk}/versions/"


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("candidate", 200),
        ("officer", 200),
        ("other_candidate", 404),
        ("supervisor", 404),
        ("anonymous", 302),
    ],
)
def test_versions_page_per_role(client, world, role, status):
    rank_list_set(candidate=world.candidate, call=world.call, project_ids=[world.project.pk])
    if role != "anonymous":
        client.force_login(getattr(world, role))

    response = client.get(_page(world))

    assert response.status_code == status
    if status == 200:
        html = response.content.decode()
        assert '<h2 id="version-1">Version 1</h2>' in html
        assert (
            "<li>Decoding EEG for brain-computer interfaces <small>(eeg-decoding)</small></li>"
            in html
        )


def test_rank_page_links_to_my_versions(client, world):
    client.force_login(world.candidate)
    html = client.get("/calls/summer/ranking/").content.decode()
    assert f'href="{_page(world)}">Every saved version of my rank list</a>' in html


@pytest.mark.parametrize(
    ("role", "status", "count"),
    [
        ("candidate", 200, 2),
        ("officer", 200, 2),
        ("other_candidate", 404, None),
        ("supervisor", 404, None),
    ],
)
def test_versions_api_of_a_candidate_per_role(world, role, status, count):
    rank_list_set(candidate=world.candidate, call=world.call, project_ids=[world.project.pk])
    rank_list_set(candidate=world.candidate, call=world.call, project_ids=[])
    client = token_client(getattr(world, role))

    response = client.get(f"{API}/calls/{world.call.pk}/rank-lists/{world.candidate.pk}/versions")

    assert response.status_code == status
    if count is not None:
        items = body(response)["items"]
        assert [(v["number"], v["project_ids"], v["reason"]) for v in items] == [
            (2, [], "saved"),
            (1, [world.project.pk], "saved"),
        ]
        assert items[1]["entries"] == [
            {
                "rank": 1,
                "project_id": world.project.pk,
                "key": "eeg-decoding",
                "title": "Decoding EEG for brain-computer interfaces",
            }
        ]


def test_own_versions_api_answers_only_the_callers_list(world):
    rank_list_set(candidate=world.candidate, call=world.call, project_ids=[world.project.pk])
    rank_list_set(
        candidate=world.other_candidate, call=world.call, project_ids=[world.other_project.pk]
    )

    mine = body(
        token_client(world.other_candidate).get(f"{API}/calls/{world.call.pk}/rank-list/versions")
    )

    assert [v["project_ids"] for v in mine["items"]] == [[world.other_project.pk]]


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_versions_page_and_api_queries_do_not_grow(client, world):
    client.force_login(world.officer)
    api = token_client(world.officer)
    api_url = f"{API}/calls/{world.call.pk}/rank-lists/{world.candidate.pk}/versions"
    rank_list_set(candidate=world.candidate, call=world.call, project_ids=[world.project.pk])
    page_one, api_one = _queries(client, _page(world)), _queries(api, api_url)
    for _ in range(2):
        rank_list_set(candidate=world.candidate, call=world.call, project_ids=[])

    assert (_queries(client, _page(world)), _queries(api, api_url)) == (page_one, api_one)
    assert body(api.get(api_url))["count"] == 3
