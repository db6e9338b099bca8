"""Programs, calls (time-zone-aware phases) and the officers' call overview."""

import datetime as dt

import pytest
from django.test import Client

from kakehashi.programs.models import CallPhase
from kakehashi.programs.services import call_create
from tests import factories
from tests.kakehashi.api_helpers import API, body, error, token_client


@pytest.mark.django_db
def test_call_phases_in_utc_and_in_their_own_zone():
    program = factories.ProgramFactory(slug="bridge")
    call = call_create(
        program=program,
        slug="summer-2027",
        name_en="Summer 2027",
        name_ja="2027年夏",
        status="open",
        ranking_limit=5,
        phases=[
            {
                "kind": "applications",
                "opens": dt.datetime(2027, 1, 10, 9, 0),
                "closes": dt.datetime(2027, 2, 28, 17, 0),
                "timezone": "Asia/Tokyo",
            },
            {
                "kind": "host_ranking",
                "opens": dt.datetime(2027, 3, 1, 9, 0),
                "closes": dt.datetime(2027, 3, 15, 17, 0),
                "timezone": "America/Vancouver",
            },
        ],
    )

    response = Client().get(f"{API}/calls/{call.pk}")

    assert body(response) == {
        "id": call.pk,
        "slug": "summer-2027",
        "program_id": program.pk,
        "program_slug": "bridge",
        "name": "Summer 2027",
        "name_en": "Summer 2027",
        "name_fr": "",
        "name_ja": "2027年夏",
        "status": "open",
        "timezone": "Asia/Tokyo",
        "ranking_limit": 5,
        "eligibility": {"languages": [], "languages_rule": "all"},
        "phases": [
            {
                "kind": "applications",
                "label": "Applications and candidate ranking",
                "opens_at": "2027-01-10T00:00:00Z",
                "closes_at": "2027-02-28T08:00:00Z",
                "timezone": "Asia/Tokyo",
                "opens_local": "2027-01-10T09:00:00+09:00",
                "closes_local": "2027-02-28T17:00:00+09:00",
                "is_open": False,
            },
            {
                "kind": "host_ranking",
                "label": "Host ranking",
                "opens_at": "2027-03-01T17:00:00Z",
                "closes_at": "2027-03-16T00:00:00Z",
                "timezone": "America/Vancouver",
                "opens_local": "2027-03-01T09:00:00-08:00",
                "closes_local": "2027-03-15T17:00:00-07:00",
                "is_open": False,
            },
        ],
    }


@pytest.mark.django_db
def test_draft_calls_are_for_officers_only(officer):
    open_call = factories.CallFactory(slug="open-one")
    draft = factories.CallFactory(slug="draft-one", status="draft")

    public = Client().get(f"{API}/calls")
    hidden = Client().get(f"{API}/calls/{draft.pk}")
    as_officer = token_client(officer).get(f"{API}/calls")

    assert [c["slug"] for c in body(public)["items"]] == [open_call.slug]
    assert body(hidden) == error(404, "not_found", "Not found.")
    assert sorted(c["slug"] for c in body(as_officer)["items"]) == ["draft-one", "open-one"]


@pytest.mark.django_db
def test_programs_list_and_detail():
    program = factories.ProgramFactory(slug="bridge", name_en="Bridge", name_ja="架け橋")
    expected = {
        "id": program.pk,
        "slug": "bridge",
        "name": "Bridge",
        "name_en": "Bridge",
        "name_fr": "",
        "name_ja": "架け橋",
        "directions": ["CA_JP", "JP_CA"],
        "eligible_levels": ["masters", "phd", "postdoc"],
        "unit_weeks_min": 12,
        "unit_weeks_max": 24,
        "max_units_per_person": 1,
    }

    assert body(Client().get(f"{API}/programs")) == {"items": [expected], "count": 1}
    assert body(Client().get(f"{API}/programs/bridge")) == expected
    assert Client().get(f"{API}/programs/nope").status_code == 404


@pytest.mark.django_db
def test_overview_for_officers(officer, project, candidate_user, supervisor_user):
    factories.ApplicationFactory(candidate=candidate_user, project=project)
    call = project.call

    response = token_client(officer).get(f"{API}/calls/{call.pk}/overview")
    refused = token_client(supervisor_user).get(f"{API}/calls/{call.pk}/overview")
    anonymous = Client().get(f"{API}/calls/{call.pk}/overview")

    assert body(response) == {
        "call_id": call.pk,
        "projects": 1,
        "projects_approved": 1,
        "projects_submitted": 0,
        "projects_draft": 0,
        "places": 1,
        "applications": 1,
        "candidates": 1,
        "candidates_ranked": 0,
        "supervisors_ranked": 0,
        "by_country": {"JP": 1},
        "by_language": {"ja": 1},
    }
    assert body(refused) == error(403, "forbidden", "You are not allowed to do this.")
    assert anonymous.status_code == 401


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/calls", "/programs"])
def test_list_queries_do_not_grow(django_assert_num_queries, url):
    factories.CallFactory()
    client = Client()
    # The page (and the calls' phases): shorter than the limit, so no COUNT.
    expected = 2 if url == "/calls" else 1
    with django_assert_num_queries(expected):
        first = client.get(f"{API}{url}")
    factories.CallFactory()
    factories.CallFactory()
    with django_assert_num_queries(expected):
        second = client.get(f"{API}{url}")
    assert (body(first)["count"], body(second)["count"]) == (1, 3)
    assert CallPhase.objects.count() == 6
