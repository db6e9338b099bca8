"""The API's close preview: what closing a phase now would do, the same counts and
sentences as the confirmation page, for officers only, changing nothing."""

from __future__ import annotations

import pytest
from django.utils import translation

from kakehashi.programs.models import CallPhase
from tests import factories
from tests.kakehashi.api_helpers import API, body, error, token_client


@pytest.fixture
def world(db):
    return factories.page_world()


URL = f"{API}/calls/summer/phases/applications/close-preview"


def test_officer_reads_what_closing_applications_would_do(world, client):
    before = CallPhase.objects.get(call=world.call, kind="applications")
    response = token_client(world.officer).get(URL)

    assert response.status_code == 200
    data = body(response)
    assert data["call_id"] == world.call.pk
    assert (data["kind"], data["open"], data["irreversible"], data["mails"]) == (
        "applications",
        True,
        True,
        0,
    )
    assert data["timezone"] == before.timezone
    assert data["counts"] == {
        "candidates": 2,
        "applications": 2,
        "candidates_ranked": 0,
        "supervisors_ranked": 0,
    }
    assert data["consequences"] == [
        {
            "text": "2 candidates can no longer apply, withdraw or change their rank list.",
            "warning": False,
        },
        {"text": "2 applications are final.", "warning": False},
        {
            "text": "0 of 2 candidates have saved a rank list; the others will be matched "
            "to no project.",
            "warning": True,
        },
    ]
    # The confirmation page lists the very same sentences, the warning in bold.
    client.force_login(world.officer)
    page = client.get("/calls/summer/phases/applications/close/").content.decode()
    for consequence in data["consequences"]:
        text = consequence["text"]
        assert (
            f"<strong>{text}</strong>" if consequence["warning"] else f"<li>{text}</li>"
        ) in page
    # Nothing changed.
    after = CallPhase.objects.get(call=world.call, kind="applications")
    assert (after.opens_at, after.closes_at) == (before.opens_at, before.closes_at)


def test_host_ranking_preview_and_the_callers_language(world):
    client = token_client(world.officer)
    data = body(
        client.get(
            f"{API}/calls/{world.call.pk}/phases/host_ranking/close-preview",
            headers={"Accept-Language": "ja"},
        )
    )
    with translation.override("ja"):
        expected = translation.gettext(
            "Supervisors who ranked nobody accept none of their applicants."
        )
    assert data["consequences"][-1] == {"text": expected, "warning": True}
    assert data["counts"]["supervisors_ranked"] == 0


def test_an_unknown_phase_is_not_found(world):
    response = token_client(world.officer).get(f"{API}/calls/summer/phases/lottery/close-preview")
    assert (response.status_code, body(response)) == (404, error(404, "not_found", "Not found."))


@pytest.mark.parametrize("who", ["candidate", "supervisor"])
def test_other_roles_are_refused(world, who):
    response = token_client(getattr(world, who)).get(URL)
    assert response.status_code == 403
    assert body(response)["error"]["code"] == "forbidden"


def test_anonymous_is_asked_to_authenticate(world, client):
    response = client.get(URL)
    assert response.status_code == 401
    assert body(response)["error"]["code"] == "not_authenticated"
