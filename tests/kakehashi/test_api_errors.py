"""The one error shape of /api/v1/, the docs page and the committed OpenAPI document."""

import json
from pathlib import Path

import pytest
from django.test import Client

from kakehashi.core.management.commands.export_openapi import openapi_text
from tests import factories
from tests.kakehashi.api_helpers import API, body, error, token_client

REPO = Path(__file__).resolve().parents[2]
COMMITTED = REPO / "docs" / "api" / "openapi.json"

EXPECTED_PATHS = {
    "/api/v1/me": {"get"},
    "/api/v1/me/tokens": {"get", "post"},
    "/api/v1/me/tokens/{token_id}": {"delete"},
    "/api/v1/me/data": {"get"},
    "/api/v1/me/delete": {"get", "post"},
    "/api/v1/people": {"get"},
    "/api/v1/people/export": {"get"},
    "/api/v1/people/import": {"post"},
    "/api/v1/people/{person_id}": {"get"},
    "/api/v1/organisations": {"get", "post"},
    "/api/v1/organisations/export": {"get"},
    "/api/v1/organisations/import": {"post"},
    "/api/v1/organisations/{ref}": {"get", "patch"},
    "/api/v1/research-fields": {"get"},
    "/api/v1/research-fields/{code}": {"get"},
    "/api/v1/programs": {"get", "post"},
    "/api/v1/programs/{slug}": {"get", "patch"},
    "/api/v1/calls": {"get", "post"},
    "/api/v1/calls/{ref}": {"get", "patch"},
    "/api/v1/calls/{ref}/phases/{kind}": {"put"},
    "/api/v1/calls/{ref}/phases/{kind}/open": {"post"},
    "/api/v1/calls/{ref}/phases/{kind}/close": {"post"},
    "/api/v1/calls/{ref}/phases/{kind}/undo-open": {"post"},
    "/api/v1/calls/{ref}/phases/{kind}/close-preview": {"get"},
    "/api/v1/calls/{ref}/match-policy": {"get", "put"},
    "/api/v1/calls/{call_id}/overview": {"get"},
    "/api/v1/calls/{call_id}/rank-list": {"get", "put"},
    "/api/v1/calls/{call_id}/rank-list/versions": {"get"},
    "/api/v1/calls/{call_id}/rank-lists/{person_id}/versions": {"get"},
    "/api/v1/calls/{call_id}/host-ranking": {"get", "put"},
    "/api/v1/calls/{call_id}/applicants": {"get"},
    "/api/v1/projects": {"get", "post"},
    "/api/v1/projects/export": {"get"},
    "/api/v1/projects/import": {"post"},
    "/api/v1/projects/{project_id}": {"get", "patch"},
    "/api/v1/projects/{project_id}/transition": {"post"},
    "/api/v1/projects/invitations": {"get"},
    "/api/v1/projects/{project_id}/supervision/accept": {"post"},
    "/api/v1/projects/{project_id}/supervision/decline": {"post"},
    "/api/v1/applications": {"get", "post"},
    "/api/v1/applications/{application_id}": {"get"},
    "/api/v1/applications/{application_id}/withdraw": {"post"},
    "/api/v1/recommendations/projects": {"get"},
    "/api/v1/projects/{project_id}/recommended-candidates": {"get"},
    "/api/v1/search": {"get"},
    "/api/v1/jobs/{job_id}": {"get"},
    "/api/v1/jobs/{job_id}/retry": {"post"},
    "/api/v1/calls/{ref}/runs": {"get", "post"},
    "/api/v1/runs/{run_id}": {"get"},
    "/api/v1/runs/{run_id}/publish": {"post"},
    "/api/v1/runs/{run_id}/publish-preview": {"get"},
    "/api/v1/runs/{run_id}/second-round": {"post"},
    "/api/v1/calls/{ref}/compare": {"get"},
    "/api/v1/calls/{ref}/home-priorities": {"get"},
    "/api/v1/calls/{ref}/home-priorities/countries/{country}": {"put"},
    "/api/v1/calls/{ref}/home-priorities/organisations/{organisation_id}": {"put"},
    "/api/v1/runs/{run_id}/export": {"get"},
    "/api/v1/calls/{ref}/audit": {"get"},
    "/api/v1/calls/{ref}/audit/export": {"get"},
    "/api/v1/me/results": {"get"},
    "/api/v1/offers/{offer_id}/accept": {"post"},
    "/api/v1/offers/{offer_id}/decline": {"post"},
    "/api/v1/me/interns": {"get"},
    "/api/v1/me/home": {"get"},
    "/api/v1/me/documents": {"get", "post"},
    "/api/v1/internships/{internship_id}/outcomes": {"get", "post"},
    "/api/v1/outcomes": {"get"},
    "/api/v1/me/reports": {"get"},
    "/api/v1/me/reports/{form_id}/{internship_id}": {"put"},
    "/api/v1/reports/rates": {"get"},
    "/api/v1/outcomes/{outcome_id}": {"delete"},
    "/api/v1/network/summary": {"get"},
    "/api/v1/network/measures": {"get"},
    "/api/v1/network/measure": {"post"},
    "/api/v1/network/export": {"get"},
    "/api/v1/me/documents/{document_id}": {"delete"},
    "/api/v1/me/referees": {"get", "post"},
    "/api/v1/me/referees/{referee_id}": {"delete"},
    "/api/v1/documents/{document_id}/file": {"get"},
    "/api/v1/letters/{referee_id}/file": {"get"},
    "/api/v1/funding/rules": {"get", "post"},
    "/api/v1/funding/rules/{rule_id}": {"patch"},
    "/api/v1/funding/internships/{internship_id}/ledger": {"get"},
    "/api/v1/funding/internships/{internship_id}/budget": {"get"},
    "/api/v1/funding/entries/{entry_id}/reverse": {"post"},
    "/api/v1/funding/invoices": {"get"},
    "/api/v1/funding/invoices/{invoice_id}": {"get"},
    "/api/v1/funding/invoices/{invoice_id}/pdf": {"get"},
    "/api/v1/funding/payments": {"get"},
    "/api/v1/funding/payments/{payment_id}/pay": {"post"},
    "/api/v1/funding/budgets": {"get"},
    "/api/v1/funding/budgets/export": {"get"},
    "/api/v1/funding/rates": {"get"},
    "/api/v1/funding/rates/import": {"post"},
    "/api/v1/review/rounds": {"get"},
    "/api/v1/calls/{ref}/review": {"post"},
    "/api/v1/review/rounds/{round_id}/proposals": {"get"},
    "/api/v1/review/rounds/{round_id}/conflicts/detect": {"post"},
    "/api/v1/review/rounds/{round_id}/conflicts": {"get"},
    "/api/v1/review/rounds/{round_id}/runs": {"get", "post"},
    "/api/v1/review/runs/{run_id}": {"get"},
    "/api/v1/review/runs/{run_id}/apply": {"post"},
    "/api/v1/review/rounds/{round_id}/assignments": {"get", "post"},
    "/api/v1/review/assignments/{assignment_id}": {"delete"},
    "/api/v1/review/rounds/{round_id}/release": {"post"},
    "/api/v1/me/reviewer-profile": {"get", "put"},
    "/api/v1/review/proposals/{proposal_id}/bid": {"put"},
    "/api/v1/review/proposals/{proposal_id}/conflict": {"post"},
    "/api/v1/me/review-assignments": {"get"},
    "/api/v1/review/proposals/{proposal_id}/reviews": {"get"},
    "/api/v1/review/assignments/{assignment_id}/review": {"put"},
    "/api/v1/review/proposals/{proposal_id}/decision": {"post"},
    "/api/v1/me/review-decisions": {"get"},
    "/api/v1/review/rounds/{round_id}/due": {"put"},
    "/api/v1/review/conflicts/{conflict_id}/override": {"post", "delete"},
    "/api/v1/review/proposals/{proposal_id}/comments": {"get", "post"},
    "/api/v1/mobility/rule-packs": {"get"},
    "/api/v1/mobility/rule-packs/{country}": {"get"},
    "/api/v1/mobility/routes": {"post"},
    "/api/v1/mobility/plans": {"get"},
    "/api/v1/mobility/plans/{internship_id}": {"get", "patch"},
    "/api/v1/mobility/steps/{step_id}/status": {"post"},
    "/api/v1/mobility/steps/{step_id}/documents": {"post"},
    "/api/v1/mobility/plans/{internship_id}/coverages": {"post"},
    "/api/v1/mobility/plans/{internship_id}/coverages/{coverage_id}": {"delete"},
    "/api/v1/mobility/plans/{internship_id}/travel": {"put"},
    "/api/v1/mobility/plans/{internship_id}/check-in": {"post"},
    "/api/v1/mobility/plans/{internship_id}/contacts": {"post"},
    "/api/v1/mobility/plans/{internship_id}/contacts/{contact_id}": {"delete"},
    "/api/v1/mobility/at-risk": {"get"},
    "/api/v1/internships": {"get"},
    "/api/v1/internships/{internship_id}": {"get"},
    "/api/v1/internships/{internship_id}/agreement": {"get", "patch"},
    "/api/v1/internships/{internship_id}/agreement/approve": {"post"},
    "/api/v1/internships/{internship_id}/agreement/parties": {"put"},
    "/api/v1/internships/{internship_id}/amendments": {"get", "post"},
    "/api/v1/internships/{internship_id}/amendments/{number}/approve": {"post"},
    "/api/v1/internships/{internship_id}/attestations": {"get", "post"},
    "/api/v1/internships/{internship_id}/screenings": {"post"},
    "/api/v1/internships/{internship_id}/sensitivity": {"put"},
}


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["get", "post", "delete"])
def test_unknown_route_is_json_404(method):
    response = getattr(Client(), method)(f"{API}/no/such/thing")

    assert response.status_code == 404
    assert body(response) == error(404, "not_found", "Not found.")


@pytest.mark.django_db
def test_root_names_the_api_and_its_description():
    response = Client().get(f"{API}/")
    refused = Client().post(f"{API}/")

    assert body(response) == {
        "name": "Kakehashi API",
        "version": "1",
        "openapi": "/api/v1/openapi.json",
        "docs": "/api/v1/docs",
    }
    assert body(refused) == error(405, "method_not_allowed", "Method POST is not allowed here.")


@pytest.mark.django_db
def test_unsupported_method_is_json_405_with_allow():
    response = Client().put(f"{API}/organisations")

    assert response.status_code == 405
    assert set(response["Allow"].split(", ")) == {"GET", "POST"}
    assert body(response) == error(405, "method_not_allowed", "Method PUT is not allowed here.")


@pytest.mark.django_db
def test_missing_and_invalid_authentication_is_401():
    missing = Client().get(f"{API}/me")
    invalid = Client(headers={"Authorization": "Bearer kh_not-a-token"}).get(f"{API}/me")

    assert missing.status_code == invalid.status_code == 401
    assert body(missing) == error(
        401, "not_authenticated", "Authentication required: send a Bearer token or sign in."
    )
    assert body(invalid) == error(
        401, "not_authenticated", "The API token is unknown, has expired or has been revoked."
    )


@pytest.mark.django_db
def test_invalid_token_is_refused_even_on_public_endpoints():
    response = Client(headers={"Authorization": "Bearer nope"}).get(f"{API}/organisations")

    assert body(response) == error(
        401, "not_authenticated", "The API token is unknown, has expired or has been revoked."
    )


@pytest.mark.django_db
def test_schema_errors_in_query_and_body_are_422_with_fields(candidate_user):
    client = token_client(candidate_user)

    query = client.get(f"{API}/organisations?limit=0")
    payload = client.put(
        f"{API}/calls/1/rank-list", {"project_ids": ["x"]}, content_type="application/json"
    )

    assert body(query) == error(
        422,
        "invalid",
        "The request is not valid.",
        fields={"limit": ["Input should be greater than or equal to 1"]},
    )
    assert body(payload) == error(
        422,
        "invalid",
        "The request is not valid.",
        fields={
            "project_ids.0": [
                "Input should be a valid integer, unable to parse string as an integer"
            ]
        },
    )


@pytest.mark.django_db
def test_malformed_json_body_is_400(officer):
    response = token_client(officer).post(
        f"{API}/organisations", "{not json", content_type="application/json"
    )

    assert response.status_code == 400
    assert body(response) == error(400, "bad_request", "The request body is not valid JSON.")


@pytest.mark.django_db
def test_import_body_over_the_request_limit_is_413(officer, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100

    response = token_client(officer).post(
        f"{API}/organisations/import", "ror_id,name\n" + "x" * 200, content_type="text/csv"
    )

    assert response.status_code == 413
    assert body(response) == error(
        413,
        "too_large",
        "The request body is too large; upload a file as the multipart field “file”.",
    )


@pytest.mark.django_db
@pytest.mark.parametrize("what", ["organisations", "people", "projects"])
def test_import_multipart_body_without_the_file_is_422(officer, what):
    # Regression (found by schemathesis): an empty multipart body was read twice, 500.
    response = token_client(officer).post(
        f"{API}/{what}/import?format=csv",
        b"--b0undary--\r\n",
        content_type="multipart/form-data; boundary=b0undary",
    )

    assert response.status_code == 422
    assert body(response) == error(
        422, "empty", "Send the file as multipart field “file” or as the request body."
    )


@pytest.mark.django_db
def test_import_multipart_body_that_cannot_be_parsed_is_400(officer):
    response = token_client(officer).post(
        f"{API}/organisations/import", b"file=x", content_type="multipart/form-data"
    )

    assert response.status_code == 400
    assert body(response) == error(400, "bad_request", "The request body cannot be read.")


@pytest.mark.django_db
def test_import_multipart_with_too_many_files_is_400(officer, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 1
    boundary = "b0undary"
    part = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n'
        "Content-Type: text/csv\r\n\r\nror_id,name\r\n"
    )
    response = token_client(officer).post(
        f"{API}/organisations/import",
        (part * 2 + f"--{boundary}--\r\n").encode(),
        content_type=f"multipart/form-data; boundary={boundary}",
    )

    assert response.status_code == 400
    assert body(response) == error(400, "bad_request", "The request body cannot be read.")


@pytest.mark.django_db
def test_service_validation_error_is_422_with_fields(officer):
    response = token_client(officer).post(
        f"{API}/organisations",
        {"name": "X", "type": "castle", "country": "JP", "region": "JP-13"},
        content_type="application/json",
    )

    assert body(response) == error(
        422,
        "invalid_choice",
        "Value 'castle' is not a valid choice.",
        fields={"type": ["Value 'castle' is not a valid choice."]},
    )


@pytest.mark.django_db
def test_messages_follow_the_language(officer):
    response = Client(headers={"Accept-Language": "fr"}).get(f"{API}/me")

    # Until the French catalogue has this message, Django falls back to English;
    # what matters is that the message goes through gettext.
    assert body(response)["error"]["code"] == "not_authenticated"


@pytest.mark.django_db
def test_unexpected_exception_is_json_500(monkeypatch, caplog):
    # Simulate a bug in one endpoint; the answer must still be the error shape.
    def broken():
        raise RuntimeError("boom")

    monkeypatch.setattr("kakehashi.programs.api.program_list", broken)

    response = Client().get(f"{API}/programs")

    assert response.status_code == 500
    assert body(response) == error(500, "server_error", "Something went wrong on our side.")
    assert "boom" in caplog.text


@pytest.mark.django_db
def test_forbidden_is_403_only_on_visible_objects(candidate_user):
    visible = factories.ProjectFactory()
    hidden = factories.ProjectFactory(status="draft")
    client = token_client(candidate_user)

    on_visible = client.patch(
        f"{API}/projects/{visible.pk}", {"title": "x"}, content_type="application/json"
    )
    on_hidden = client.patch(
        f"{API}/projects/{hidden.pk}", {"title": "x"}, content_type="application/json"
    )

    assert body(on_visible) == error(403, "forbidden", "You are not allowed to do this.")
    assert body(on_hidden) == error(404, "not_found", "Not found.")


@pytest.mark.django_db
def test_docs_page_uses_only_local_assets():
    response = Client().get(f"{API}/docs")
    html = response.content.decode()

    assert response.status_code == 200
    assert '<script src="/static/ninja/swagger-ui-bundle.js"></script>' in html
    assert 'href="/static/ninja/swagger-ui.css"' in html
    assert "cdn" not in html.lower()
    assert "https://" not in html
    asset = Client().get("/static/ninja/swagger-ui-bundle.js")
    assert asset.status_code == 200
    assert b"SwaggerUIBundle" in b"".join(asset.streaming_content)
    asset.close()


@pytest.mark.django_db
def test_openapi_json_is_served_and_lists_every_path():
    response = Client().get(f"{API}/openapi.json")

    document = json.loads(response.content)
    assert response.status_code == 200
    assert document["openapi"].startswith("3.")
    assert {path: set(ops) for path, ops in document["paths"].items()} == EXPECTED_PATHS
    public = {
        (method.upper(), path)
        for path, ops in document["paths"].items()
        for method, op in ops.items()
        if {} in op["security"]
    }
    assert public == {
        ("GET", "/api/v1/organisations"),
        ("GET", "/api/v1/organisations/export"),
        ("GET", "/api/v1/organisations/{ref}"),
        ("GET", "/api/v1/research-fields"),
        ("GET", "/api/v1/research-fields/{code}"),
        ("GET", "/api/v1/programs"),
        ("GET", "/api/v1/programs/{slug}"),
        ("GET", "/api/v1/calls"),
        ("GET", "/api/v1/calls/{ref}"),
        ("GET", "/api/v1/projects"),
        ("GET", "/api/v1/projects/export"),
        ("GET", "/api/v1/projects/{project_id}"),
        ("GET", "/api/v1/search"),
        ("GET", "/api/v1/network/summary"),
        ("GET", "/api/v1/mobility/rule-packs"),
        ("GET", "/api/v1/mobility/rule-packs/{country}"),
    }
    assert set(document["components"]["securitySchemes"]) == {
        "TokenAuth",
        "SessionAuth",
        "BasicAuth",
    }


@pytest.mark.django_db
def test_committed_openapi_document_is_up_to_date():
    committed = json.loads(COMMITTED.read_text(encoding="utf-8"))

    assert json.loads(openapi_text()) == committed, (
        "docs/api/openapi.json is out of date; regenerate it with "
        "`.venv/bin/python manage.py export_openapi -o docs/api/openapi.json`"
    )
