"""Every research field is named in each language of the site (migration 0003)."""

import importlib

import pytest
from django.apps import apps
from django.db import connection
from django.utils import translation

from kakehashi.core.models import DataVersion
from kakehashi.research_fields.models import ResearchField

titles = importlib.import_module("kakehashi.research_fields.migrations.0003_crdc2020_titles")


@pytest.mark.django_db
def test_every_field_has_an_english_french_and_japanese_title():
    rows = list(ResearchField.objects.values_list("code", "title_en", "title_fr", "title_ja"))

    assert len(rows) == 1880
    assert [
        code for code, en, fr, ja in rows if not (en.strip() and fr.strip() and ja.strip())
    ] == []


@pytest.mark.django_db
def test_a_subclass_is_named_in_the_reader_s_language():
    field = ResearchField.objects.get(code="RDF1020105")

    with translation.override("ja"):
        assert field.title == "自然言語処理"
    with translation.override("fr"):
        assert field.title == field.title_fr != field.title_en
    assert field.title == "Natural language processing"


@pytest.mark.django_db
def test_updating_the_titles_again_changes_nothing():
    token = DataVersion.objects.get(pk=1).token
    ResearchField.objects.filter(code="RDF1020105").update(title_ja="")

    titles.update_titles(apps, connection.schema_editor())
    after_fix = DataVersion.objects.get(pk=1).token
    titles.update_titles(apps, connection.schema_editor())

    assert ResearchField.objects.get(code="RDF1020105").title_ja == "自然言語処理"
    assert after_fix != token  # a change retires the cached public answers
    assert DataVersion.objects.get(pk=1).token == after_fix  # nothing left to change
