"""After publication a supervisor sees, for each candidate they ranked and did not get,
whether the candidate was placed elsewhere or not placed at all, never where."""

from __future__ import annotations

from kakehashi.offers.selectors import interns_for_supervisor
from kakehashi.people.names import person_name
from tests.kakehashi.api_helpers import API, body, token_client


def test_supervisor_who_lost_a_candidate_sees_placed_elsewhere(client, world, published):
    # robotics (sup2) ranked cand2 then cand; cand2 took its place, cand went to eeg-decoding.
    client.force_login(world.other_supervisor)
    html = client.get("/interns/").content.decode()

    name = person_name(world.candidate)
    assert f"{name} (number 2 on your list) was placed in another project." in html
    assert "eeg-decoding" not in html.split("Candidates you ranked", 1)[1].split("</ul>", 1)[0]
    assert published.offer.project.title not in html  # never where


def test_supervisor_sees_not_placed(client, world, published):
    # eeg-decoding (sup) ranked cand then third; cand took its place, third was placed nowhere.
    client.force_login(world.supervisor)
    html = client.get("/interns/").content.decode()

    assert f"{person_name(world.third)} (number 2 on your list) was not placed." in html
    assert f"{person_name(world.candidate)} (number 1" not in html  # an intern, not lost


def test_outcomes_in_japanese(client, world, published):
    client.force_login(world.supervisor)
    html = client.get("/interns/", headers={"accept-language": "ja"}).content.decode()
    assert "は配置されませんでした" in html


def test_outcomes_selector(world, published):
    entries = {e.project.key: e for e in interns_for_supervisor(supervisor=world.other_supervisor)}
    [outcome] = entries[world.other_project.key].not_here
    assert (outcome.candidate, outcome.placed_elsewhere, outcome.position, outcome.round) == (
        world.candidate,
        True,
        2,
        1,
    )


def test_the_api_says_the_same_never_where(world, published):
    lost = body(token_client(world.other_supervisor).get(f"{API}/me/interns"))["items"][0]
    assert lost["not_here"] == [
        {
            "round": 1,
            "candidate": {"id": world.candidate.pk, "display_name": str(world.candidate)},
            "position": 2,
            "placed_elsewhere": True,
            "message": f"{person_name(world.candidate)} (number 2 on your list) was placed "
            "in another project.",
        }
    ]
    assert "eeg-decoding" not in str(lost["not_here"])  # never where

    client = token_client(world.supervisor)
    mine = body(client.get(f"{API}/me/interns", headers={"accept-language": "ja"}))["items"][0]
    assert [(o["candidate"]["id"], o["placed_elsewhere"]) for o in mine["not_here"]] == [
        (world.third.pk, False)
    ]
    assert mine["not_here"][0]["message"].endswith("は配置されませんでした。")
