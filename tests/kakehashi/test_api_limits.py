"""Out-of-range and malformed parameters answer a 4xx in the one error shape, never a 500."""

import re

import pytest
from django.test import Client

from kakehashi.api import api
from kakehashi.programs.policy import MatchPolicy, PolicyError
from tests.kakehashi.api_helpers import API, body, error, token_client

pytestmark = pytest.mark.django_db


def _list_paths() -> list[str]:
    """Every GET endpoint that takes ``offset``, with 1 for each path parameter."""
    schema = api.get_openapi_schema(path_prefix="")
    return sorted(
        re.sub(r"\{[^}]+\}", "1", path)
        for path, operations in schema["paths"].items()
        if any(p["name"] == "offset" for p in operations.get("get", {}).get("parameters", []))
    )


LIST_PATHS = _list_paths()


def test_list_paths_are_found():
    assert len(LIST_PATHS) >= 10


@pytest.mark.parametrize("path", LIST_PATHS)
def test_list_offset_beyond_the_limit_is_422(officer, path):
    response = token_client(officer).get(f"{API}{path}", {"offset": 2**63 + 1})

    assert body(response) == error(
        422,
        "invalid",
        "The request is not valid.",
        fields={"offset": ["Input should be less than or equal to 1000000000"]},
    )


def test_path_with_a_newline_is_a_json_404():
    response = Client().get(f"{API}/projects/%0A")

    assert (response.status_code, body(response)) == (404, error(404, "not_found", "Not found."))


def test_body_with_a_lone_surrogate_is_400(supervisor_user, project):
    response = token_client(supervisor_user).patch(
        f"{API}/projects/{project.pk}",
        '{"title": "Robots \\ud800"}',
        content_type="application/json",
    )

    assert body(response) == error(400, "bad_request", "The request body is not valid JSON.")
    project.refresh_from_db()
    assert "\ud800" not in project.title


def test_json_import_nested_too_deeply_is_422(officer):
    nested = "[" * 100_000 + "]" * 100_000

    response = token_client(officer).post(
        f"{API}/projects/import", nested, content_type="application/json"
    )

    assert body(response) == error(422, "malformed", "The JSON is nested too deeply.")


def test_json_import_with_a_lone_surrogate_is_422(officer):
    response = token_client(officer).post(
        f"{API}/projects/import", '[{"key": "\\udc00"}]', content_type="application/json"
    )

    assert body(response) == error(
        422, "malformed", "The JSON holds an escaped character that is not valid Unicode."
    )


def test_projects_host_that_is_no_id_is_422(db):
    response = Client().get(f"{API}/projects", {"host": "abc"})

    message = "“abc” is neither an organisation id nor a ROR id."
    assert body(response) == error(422, "invalid", message, fields={"host": [message]})


@pytest.mark.parametrize("path", ["/organisations/²", "/calls/²"])
def test_reference_with_a_superscript_digit_is_404(path):
    response = Client().get(f"{API}{path}")

    assert body(response) == error(404, "not_found", "Not found.")


@pytest.mark.parametrize("q", ["\x00", "\x00\x07"])
def test_search_of_control_characters_only_is_empty(project, q):
    response = Client().get(f"{API}/search", {"q": q})

    assert body(response) == {"query": q, "projects": [], "people": [], "organisations": []}


def test_match_policy_cap_of_ten_to_the_thirty_is_refused():
    cap = {"label": "Kyoto", "kind": "region", "values": ["JP-26"], "capacity": 10**30}

    with pytest.raises(PolicyError) as caught:
        MatchPolicy.from_data({"mode": "student", "caps": [cap]})

    assert caught.value.message_dict == {
        "caps.0.capacity": ["The capacity must be a whole number from 0 to 32767."]
    }


def test_project_capacity_of_ten_to_the_thirty_is_422(supervisor_user, project):
    response = token_client(supervisor_user).patch(
        f"{API}/projects/{project.pk}", {"capacity": 10**30}, content_type="application/json"
    )

    message = "Ensure this value is less than or equal to 32767."
    assert body(response) == error(422, "max_value", message, fields={"capacity": [message]})


def test_project_supervisor_id_past_64_bits_is_422(supervisor_user, project):
    # Regression (found by schemathesis): SQLite cannot compare such a number, 500.
    huge = 2**70
    response = token_client(supervisor_user).patch(
        f"{API}/projects/{project.pk}",
        {"supervisors": [{"person_id": huge, "role": "main"}]},
        content_type="application/json",
    )

    message = f"Unknown people: {huge}."
    assert body(response) == error(422, "invalid", message, fields={"supervisors": [message]})


def test_match_policy_reserve_id_past_64_bits_is_422(officer, call):
    cap = {
        "label": "Kyoto",
        "kind": "region",
        "values": ["JP-26"],
        "capacity": 2,
        "reserves": {str(2**70): 1},
    }
    response = token_client(officer).put(
        f"{API}/calls/{call.slug}/match-policy",
        {"mode": "student", "caps": [cap]},
        content_type="application/json",
    )

    message = f"No organisation with id {2**70}."
    assert response.status_code == 422
    assert body(response)["error"]["fields"] == {"caps.0.reserves": [message]}


@pytest.mark.parametrize("call_filter", [-(2**72), 2**63, 0])
def test_application_list_call_filter_past_64_bits_is_an_empty_list(candidate_user, call_filter):
    # Regression (found by schemathesis): ?call=-6325296723867218214912 was a 500.
    response = token_client(candidate_user).get(f"{API}/applications", {"call": call_filter})

    assert response.status_code == 200
    assert body(response) == {"items": [], "count": 0}
