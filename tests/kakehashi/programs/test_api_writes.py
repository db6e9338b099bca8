"""Creating and editing programs and calls, phases and match policies through the API:
the same services as the pages, the one error shape, officers only."""

import datetime as dt
import json

import pytest
from django.test import Client
from django.utils import timezone

from kakehashi.audit.models import AuditEntry
from kakehashi.programs.models import Call, CallPhase, Program
from tests import factories
from tests.kakehashi.api_helpers import API, body, error, session_client, token_client

pytestmark = pytest.mark.django_db

FORBIDDEN = error(403, "forbidden", "You are not allowed to do this.")
UNAUTHENTICATED = error(
    401, "not_authenticated", "Authentication required: send a Bearer token or sign in."
)


def _send(client, method: str, url: str, data=None):
    kwargs = {"content_type": "application/json"}
    if data is not None:
        kwargs["data"] = json.dumps(data)
    return getattr(client, method)(f"{API}{url}", **kwargs)


@pytest.fixture
def world(db):
    return factories.page_world()


def _clients(world) -> dict:
    return {
        "anonymous": Client(),
        "candidate": token_client(world.candidate),
        "supervisor": token_client(world.supervisor),
        "officer": token_client(world.officer),
    }


PROGRAM = {
    "slug": "bridge",
    "name_en": "Bridge",
    "name_fr": "Pont",
    "name_ja": "架け橋",
    "directions": ["CA_JP"],
    "eligible_levels": ["phd"],
    "unit_weeks_min": 8,
    "unit_weeks_max": 16,
    "max_units_per_person": 2,
}


def _writes(world) -> list[tuple[str, str, dict | None]]:
    slug = world.call.slug
    return [
        ("post", "/programs", PROGRAM),
        ("patch", f"/programs/{world.call.program.slug}", {"name_en": "X"}),
        ("post", "/calls", {"program": world.call.program.slug, "slug": "c2", "name_en": "C"}),
        ("patch", f"/calls/{slug}", {"name_en": "X"}),
        (
            "put",
            f"/calls/{slug}/phases/offers",
            {"opens": "2027-04-01T09:00", "closes": "2027-04-15T17:00", "timezone": "UTC"},
        ),
        ("post", f"/calls/{slug}/phases/host_ranking/open", None),
        ("post", f"/calls/{slug}/phases/applications/close", None),
        ("get", f"/calls/{slug}/match-policy", None),
        ("put", f"/calls/{slug}/match-policy", {"mode": "host"}),
    ]


@pytest.mark.parametrize("role", ["anonymous", "candidate", "supervisor"])
def test_only_officers_write_programs_and_calls(world, role):
    client = _clients(world)[role]
    before = (
        list(Program.objects.values_list("slug", "name_en")),
        list(Call.objects.values_list("slug", "name_en", "match_policy")),
        list(CallPhase.objects.values_list("kind", "opens_at", "closes_at")),
    )
    # The world's own setup is audited (its projects' creation): nothing is added.
    audited = list(AuditEntry.objects.values_list("pk", flat=True))

    answers = [body(_send(client, m, url, data)) for m, url, data in _writes(world)]

    expected = UNAUTHENTICATED if role == "anonymous" else FORBIDDEN
    assert answers == [expected] * len(answers)
    assert before == (
        list(Program.objects.values_list("slug", "name_en")),
        list(Call.objects.values_list("slug", "name_en", "match_policy")),
        list(CallPhase.objects.values_list("kind", "opens_at", "closes_at")),
    )
    assert list(AuditEntry.objects.values_list("pk", flat=True)) == audited


def test_draft_call_is_404_to_non_officers(world):
    draft = factories.CallFactory(slug="secret", status="draft")

    answer = body(_send(token_client(world.supervisor), "patch", f"/calls/{draft.slug}", {}))

    assert answer == error(404, "not_found", "Not found.")


def test_officer_creates_and_edits_a_program(world):
    client = token_client(world.officer)

    created = _send(client, "post", "/programs", PROGRAM)
    edited = _send(client, "patch", "/programs/bridge", {"name_en": "Bridge II", "name_fr": None})
    refused = _send(client, "patch", "/programs/bridge", {"unit_weeks_min": 40})

    program = Program.objects.get(slug="bridge")
    assert created.status_code == 201
    assert body(created) == {"id": program.pk, "name": "Bridge", **PROGRAM}
    assert body(edited)["name_en"] == "Bridge II" and body(edited)["name_fr"] == "Pont"
    assert body(refused) == error(
        422,
        "invalid",
        "The shortest unit is longer than the longest.",
        fields={"unit_weeks_min": ["The shortest unit is longer than the longest."]},
    )
    assert program.unit_weeks_min == 8


def test_officer_creates_a_call_with_phases_policy_and_rules(world):
    client = token_client(world.officer)
    org = world.host

    response = _send(
        client,
        "post",
        "/calls",
        {
            "program": world.call.program.slug,
            "slug": "winter-2028",
            "name_en": "Winter 2028",
            "status": "open",
            "timezone": "America/Vancouver",
            "ranking_limit": 4,
            "eligibility": {"languages": [{"language": "fr", "level": "B1"}]},
            "match_policy": {
                "mode": "student",
                "seed": 5,
                "caps": [
                    {
                        "label": "Kyoto",
                        "kind": "region",
                        "values": ["JP-26"],
                        "capacity": 2,
                        "reserves": {org.ror_id: 1},
                    }
                ],
            },
            "phases": [
                {
                    "kind": "applications",
                    "opens": "2027-11-01T09:00:00",
                    "closes": "2027-11-30T17:00:00",
                    "timezone": "America/Vancouver",
                }
            ],
        },
    )

    answer = body(response)
    call = Call.objects.get(slug="winter-2028")
    assert response.status_code == 201
    assert answer["eligibility"] == {
        "languages": [{"language": "fr", "level": "B1"}],
        "languages_rule": "all",
    }
    assert answer["phases"][0]["closes_at"] == "2027-12-01T01:00:00Z"
    assert call.match_policy["caps"][0]["reserves"] == {str(org.pk): 1}
    assert body(_send(client, "get", "/calls/winter-2028/match-policy")) == call.match_policy
    assert body(_send(client, "get", f"/calls/{call.pk}"))["slug"] == "winter-2028"


def test_call_create_errors_name_their_fields_and_nothing_is_saved(world):
    client = token_client(world.officer)

    answer = body(
        _send(
            client,
            "post",
            "/calls",
            {
                "program": world.call.program.slug,
                "slug": "bad",
                "name_en": "Bad",
                "ranking_limit": 0,
                "match_policy": {"mode": "lottery", "caps": [{"label": "x", "kind": "region"}]},
                "phases": [
                    {
                        "kind": "applications",
                        "opens": "2027-11-30T09:00:00",
                        "closes": "2027-11-01T17:00:00",
                        "timezone": "UTC",
                    }
                ],
            },
        )
    )
    no_program = body(
        _send(client, "post", "/calls", {"program": "nope", "slug": "x", "name_en": "X"})
    )

    assert answer["error"]["status"] == 422
    assert answer["error"]["fields"] == {
        "ranking_limit": ["The ranking limit must be from 1 to 20."],
        "match_policy.mode": ["The mode must be one of student, host, welfare, exchange."],
        "match_policy.caps.0.values": ["List at least one value."],
        "match_policy.caps.0.capacity": ["The capacity must be a whole number from 0 to 32767."],
    }
    assert no_program["error"]["fields"] == {"program": ["No program with this slug."]}
    assert not Call.objects.filter(slug__in=["bad", "x"]).exists()


def test_a_bad_phase_in_a_new_call_saves_nothing(world):
    answer = body(
        _send(
            token_client(world.officer),
            "post",
            "/calls",
            {
                "program": world.call.program.slug,
                "slug": "c3",
                "name_en": "C3",
                "phases": [
                    {
                        "kind": "applications",
                        "opens": "2027-11-30T09:00:00",
                        "closes": "2027-11-01T17:00:00",
                        "timezone": "UTC",
                    }
                ],
            },
        )
    )

    assert answer["error"]["fields"] == {
        "phases.0.closes_at": ["A phase must close after it opens."]
    }
    assert not Call.objects.filter(slug="c3").exists()


def test_patch_call_by_slug_or_id(world):
    client = token_client(world.officer)

    by_slug = body(_send(client, "patch", "/calls/summer", {"ranking_limit": 7}))
    by_id = body(_send(client, "patch", f"/calls/{world.call.pk}", {"name_fr": "Été 2027"}))

    assert (by_slug["ranking_limit"], by_id["name_fr"]) == (7, "Été 2027")
    assert list(AuditEntry.objects.for_scope(world.call).values_list("verb", "data__fields")) == [
        ("call.updated", ["ranking_limit"]),
        ("call.updated", ["name_fr"]),
    ]


def test_put_phase_with_offset_or_local_time(world):
    client = token_client(world.officer)

    local = body(
        _send(
            client,
            "put",
            "/calls/summer/phases/offers",
            {
                "opens": "2027-04-01T09:00:00",
                "closes": "2027-04-15T17:00:00",
                "timezone": "Asia/Tokyo",
            },
        )
    )
    offset = body(
        _send(
            client,
            "put",
            "/calls/summer/phases/matching",
            {
                "opens": "2027-03-20T00:00:00Z",
                "closes": "2027-03-25T00:00:00Z",
                "timezone": "America/Vancouver",
            },
        )
    )
    unknown = _send(
        client,
        "put",
        "/calls/summer/phases/lottery",
        {"opens": "2027-03-20T00:00:00Z", "closes": "2027-03-25T00:00:00Z", "timezone": "UTC"},
    )

    assert (local["closes_at"], local["closes_local"]) == (
        "2027-04-15T08:00:00Z",
        "2027-04-15T17:00:00+09:00",
    )
    assert offset["closes_local"] == "2027-03-24T17:00:00-07:00"
    assert body(unknown) == error(404, "not_found", "Not found.")


def test_open_and_close_now_answer_the_phase_and_refuse_twice(world):
    client = token_client(world.officer)
    before = timezone.now().replace(microsecond=0)

    early = body(_send(client, "post", "/calls/summer/phases/host_ranking/open"))
    closed = body(_send(client, "post", "/calls/summer/phases/applications/close"))
    opened = body(_send(client, "post", "/calls/summer/phases/host_ranking/open"))
    again = body(_send(client, "post", "/calls/summer/phases/host_ranking/open"))

    assert (early["error"]["status"], early["error"]["code"]) == (422, "phase_order")
    assert early["error"]["message"].startswith(
        "The Host ranking phase cannot open before the Applications and candidate ranking "
        "phase closes (it closes on "
    )
    opens_at = dt.datetime.fromisoformat(opened["opens_at"])
    assert opened["is_open"] is True and before <= opens_at <= timezone.now()
    assert opens_at.microsecond == 0
    assert again == error(422, "already_open", "The Host ranking phase is already open.")
    assert closed["is_open"] is False
    assert list(AuditEntry.objects.for_scope(world.call).values_list("verb", "target")) == [
        ("phase.closed", "applications"),
        ("phase.opened", "host_ranking"),
    ]


def test_open_a_phase_that_does_not_exist_yet(world):
    answer = body(_send(token_client(world.officer), "post", "/calls/summer/phases/offers/open"))

    assert answer == error(
        422, "phase_missing", "This call has no Offers phase yet: set its dates first."
    )


def test_match_policy_get_and_put(world):
    client = token_client(world.officer)
    policy = {
        "mode": "student",
        "seed": 11,
        "caps": [
            {"label": "Firms", "kind": "sector", "values": ["company", "incubator"], "capacity": 4}
        ],
    }

    default = body(_send(client, "get", "/calls/summer/match-policy"))
    saved = body(_send(client, "put", "/calls/summer/match-policy", policy))
    refused = body(_send(client, "put", "/calls/summer/match-policy", {**policy, "cap": []}))
    wrong_mode = body(
        _send(client, "put", "/calls/summer/match-policy", {**policy, "mode": "host"})
    )

    assert default == {"mode": "student", "seed": 0, "caps": []}
    assert saved == {
        "mode": "student",
        "seed": 11,
        "caps": [
            {
                "label": "Firms",
                "kind": "sector",
                "values": ["company", "incubator"],
                "capacity": 4,
                "reserves": {},
            }
        ],
    }
    assert refused == error(422, "invalid", "Unknown keys in the match policy: cap.")
    assert wrong_mode["error"]["code"] == "caps_need_student_mode"
    assert Call.objects.get(pk=world.call.pk).match_policy == saved
    assert AuditEntry.objects.for_scope(world.call).get().verb == "policy.set"


def test_session_writes_need_the_csrf_token(world):
    client = session_client(world.officer, enforce_csrf=True)

    answer = body(_send(client, "post", "/calls/summer/phases/applications/close"))

    assert answer == error(403, "forbidden", "CSRF check failed: send the X-CSRFToken header.")
    assert CallPhase.objects.get(call=world.call, kind="applications").is_open()


def test_undo_open_answers_the_phase_or_the_refusal(world):
    client = token_client(world.officer)

    refused = body(_send(client, "post", "/calls/summer/phases/applications/undo-open"))

    assert refused == error(
        422,
        "nothing_to_undo",
        "The Applications and candidate ranking phase was not opened with “open now”: "
        "there is nothing to undo.",
    )


def test_put_phase_in_another_century_is_refused_and_changes_nothing(world):
    """Found by the API fuzz step: a phase opening in the year 569 was saved, and its
    local time (America/Halifax's local mean time, -04:14:24) broke the answer."""
    client = token_client(world.officer)
    before = list(world.call.phases.values_list("kind", "opens_at", "closes_at"))

    response = _send(
        client,
        "put",
        "/calls/summer/phases/applications",
        {
            "opens": "0569-06-24T21:02:20+00:26",
            "closes": "2027-03-04T20:00:00-04:00",
            "timezone": "America/Halifax",
        },
    )

    assert response.status_code == 422
    assert body(response)["error"]["fields"] == {
        "opens": ["Choose a date between the years 2000 and 2100."]
    }
    assert list(world.call.phases.values_list("kind", "opens_at", "closes_at")) == before
