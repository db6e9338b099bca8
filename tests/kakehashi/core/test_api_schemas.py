"""Schemas the API modules share: patch bodies generated from input schemas."""

import datetime as dt

import pytest
from ninja import Schema
from pydantic import ValidationError

from kakehashi.core.api import patch_schema
from kakehashi.core.management.commands.export_openapi import openapi_document


class ThingIn(Schema):
    key: str
    title: str
    tags: list[str] = []
    starts: dt.date
    note: str | None = None


ThingPatch = patch_schema(ThingIn, name="ThingPatch", exclude={"key"})


def test_patch_schema_every_field_optional_except_the_excluded():
    assert list(ThingPatch.model_fields) == ["title", "tags", "starts", "note"]
    assert ThingPatch().dict(exclude_unset=True) == {}


def test_patch_schema_keeps_what_was_sent_and_its_types():
    patch = ThingPatch(starts="2026-04-01", tags=["a"], note="n")

    assert patch.dict(exclude_unset=True) == {
        "starts": dt.date(2026, 4, 1),
        "tags": ["a"],
        "note": "n",
    }


def test_patch_schema_null_leaves_a_field_unchanged_unless_the_input_takes_null():
    # Regression: PATCH /projects/{id} with {"summary": null} reached the database (500).
    patch = ThingPatch(title=None, tags=None, note=None)

    assert patch.dict(exclude_unset=True) == {"note": None}


def test_patch_schema_validates_like_the_input():
    with pytest.raises(ValidationError, match="starts"):
        ThingPatch(starts="not a date")


def test_patch_schema_takes_its_name():
    assert ThingPatch.__name__ == "ThingPatch"
    assert ThingPatch.model_json_schema()["title"] == "ThingPatch"


def test_every_operation_documents_its_error_answers():
    """Any operation answers 422 (and most 401/403/404) in the error shape, and the API
    fuzz step (.ci/fuzz-api) fails on an undocumented status: ``core.api.ApiRouter``
    documents ``ERRORS`` on every operation that declares only its success answers
    (a plain ninja router would document 200 alone)."""
    schema = openapi_document()
    lacking = sorted(
        f"{method.upper()} {path}"
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        if "422" not in {str(status) for status in operation.get("responses", {})}
    )
    # Deleting a token takes no body and no query, and its id is a path segment.
    assert lacking == ["DELETE /api/v1/me/tokens/{token_id}"]
