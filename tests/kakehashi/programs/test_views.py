"""The officer's calls and call overview."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kakehashi.programs.models import CallPhase
from tests import factories


@pytest.fixture
def world(db):
    return factories.page_world()


def test_call_overview_counts(client, world):
    factories.HostRankFactory(
        supervisor=world.supervisor, call=world.call, candidate=world.candidate
    )
    client.force_login(world.officer)

    html = client.get("/calls/summer/").content.decode()

    assert "<h1>2027 Summer</h1>" in html
    assert '<span class="value">2</span><span class="label">Applications</span>' in html
    assert '<span class="value">2</span><span class="label">Approved projects</span>' in html
    assert '<span class="value">1</span><span class="label">Supervisors who ranked</span>' in html
    assert '<tr><th scope="row">Japan</th><td>2</td></tr>' in html
    assert '<th scope="row">English</th><td>1</td>' in html


def test_call_overview_shows_deadlines_in_call_zone_and_viewer_zone(client, world):
    world.officer.timezone = "America/Vancouver"
    world.officer.save()
    CallPhase.objects.filter(call=world.call, kind="applications").update(
        closes_at=dt.datetime(2027, 1, 31, 8, 59, tzinfo=dt.UTC)
    )
    client.force_login(world.officer)

    html = client.get("/calls/summer/").content.decode()

    # 08:59 UTC is 17:59 in Tokyo and 00:59 the same day in Vancouver.
    assert 'Jan. 31, 2027, 5:59 p.m. <span class="muted">(Asia/Tokyo)</span>' in html
    assert "<td>Jan. 31, 2027, 12:59 a.m.</td>" in html
    assert "Closes, your time (America/Vancouver)" in html


def test_call_overview_in_japanese(client, world):
    client.force_login(world.officer)

    html = client.get("/calls/summer/", headers={"accept-language": "ja"}).content.decode()

    assert '<h2 id="phases-title">フェーズと締切</h2>' in html


def test_call_overview_unknown_call_is_404(client, world):
    client.force_login(world.officer)

    assert client.get("/calls/nope/").status_code == 404


def test_call_list_query_count_does_not_grow_with_rows(client, world, django_assert_num_queries):
    client.force_login(world.officer)
    with CaptureQueriesContext(connection) as ctx:
        client.get("/calls/")
    expected = len(ctx.captured_queries)
    # Session, user, the navigation's roles (2), the calls, the programs (not their phases).
    assert expected == 6
    factories.CallFactory(name_en="2028 Winter")
    factories.CallFactory(name_en="2028 Summer")

    with django_assert_num_queries(expected):
        html = client.get("/calls/").content.decode()
    assert html.count('<a href="/calls/') == 4  # three calls and the navigation link
