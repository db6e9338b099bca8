"""A project's translations have one shape, whichever way they come in."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from kakehashi.core.errors import ImportRejected
from kakehashi.projects.imports import projects_import
from kakehashi.projects.models import Project
from kakehashi.projects.services import project_update
from kakehashi.projects.validators import validate_translations

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "value, message",
    [
        (["en"], "Translations must be a JSON object."),
        ({"de": {"title": "Roboter"}}, "“de” is not a language of Kakehashi (en, fr, ja)."),
        (
            {"en": "oops"},
            "The “en” translation must be an object whose title, summary and description "
            "are texts.",
        ),
        (
            {"fr": {"title": 3}},
            "The “fr” translation must be an object whose title, summary and description "
            "are texts.",
        ),
        (
            {"ja": {"abstract": "x"}},
            "The “ja” translation must be an object whose title, summary and description "
            "are texts.",
        ),
    ],
)
def test_validate_translations_malformed_is_refused(value, message):
    with pytest.raises(ValidationError) as caught:
        validate_translations(value)

    assert caught.value.messages == [message]


def test_validate_translations_well_formed_passes():
    validate_translations({})
    validate_translations({"en": {"title": "EEG", "summary": "", "description": "Brains."}})


def test_project_update_malformed_translations_is_refused(project):
    with pytest.raises(ValidationError) as caught:
        project_update(project=project, translations={"en": "oops"})

    assert caught.value.message_dict == {
        "translations": [
            "The “en” translation must be an object whose title, summary and description are texts."
        ]
    }
    assert Project.objects.get(pk=project.pk).translations == {}


def test_import_malformed_translations_is_rejected(project):
    record = {
        "key": project.key,
        "call": project.call.slug,
        "host_ror": project.host.ror_id,
        "language": "en",
        "title": "Robot learning",
        "description": "Learn robots.",
        "working_language": "en",
        "region": "JP-26",
        "start_date": "2027-05-01",
        "end_date": "2027-08-31",
        "translations": {"en": "oops"},
    }

    with pytest.raises(ImportRejected) as caught:
        projects_import(data=json.dumps([record]).encode(), format="json")

    assert caught.value.rows == [
        {
            "row": 1,
            "id": project.key,
            "errors": {
                "translations": [
                    "The “en” translation must be an object whose title, summary and "
                    "description are texts."
                ]
            },
        }
    ]


def test_translated_ignores_malformed_translations_stored_earlier(project):
    Project.objects.filter(pk=project.pk).update(translations={"en": "oops", "fr": ["x"]})
    project.refresh_from_db()

    with translation.override("en"):
        english = project.translated("title")
    with translation.override("fr"):
        french = project.translated("title")

    assert (english, french) == (project.title, project.title)


@pytest.mark.parametrize("title", ["Robots\nBcc: evil@example.org", "Robots\r", "A\u2028B"])
def test_project_title_with_a_line_break_is_refused(project, title):
    with pytest.raises(ValidationError) as caught:
        project_update(project=project, title=title)

    assert caught.value.message_dict == {"title": ["A title is one line: remove its line breaks."]}


def test_translated_title_with_a_line_break_is_refused():
    with pytest.raises(ValidationError) as caught:
        validate_translations({"fr": {"title": "Robots\nBcc: x@example.org"}})

    assert caught.value.messages == ["A title is one line: remove its line breaks."]
