"""Schemas the API modules share: patch bodies generated from input schemas."""

import datetime as dt

import pytest
from ninja import Schema
from pydantic import ValidationError

from kakehashi.core.api import patch_schema


class ThingIn(Schema):
    key: str
    title: str
    tags: list[str] = []
    starts: dt.date


ThingPatch = patch_schema(ThingIn, name="ThingPatch", exclude={"key"})


def test_patch_schema_every_field_optional_except_the_excluded():
    assert list(ThingPatch.model_fields) == ["title", "tags", "starts"]
    assert ThingPatch().dict(exclude_unset=True) == {}


def test_patch_schema_keeps_what_was_sent_and_its_types():
    patch = ThingPatch(starts="2026-04-01", tags=None)

    assert patch.dict(exclude_unset=True) == {"starts": dt.date(2026, 4, 1), "tags": None}


def test_patch_schema_validates_like_the_input():
    with pytest.raises(ValidationError, match="starts"):
        ThingPatch(starts="not a date")


def test_patch_schema_takes_its_name():
    assert ThingPatch.__name__ == "ThingPatch"
    assert ThingPatch.model_json_schema()["title"] == "ThingPatch"
