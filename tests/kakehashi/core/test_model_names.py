"""Every model names itself, singular and plural, in the reader's language: the Django
admin lists "Host ranking entries" and 「応募者プロフィール」, never "Host ranking entrys"
or "応募者プロフィールs"."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.utils import translation

MODELS = [m for m in apps.get_models() if m.__module__.startswith("kakehashi.")]


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.label)
def test_model_sets_its_names(model):
    options = model._meta.original_attrs
    assert "verbose_name" in options and "verbose_name_plural" in options


@pytest.mark.parametrize("language", ["fr", "ja"])
@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.label)
def test_model_plural_is_translated(model, language):
    # The message id (the English plural) has its entry in the language's catalog (in
    # French, "affiliations" is its own translation).
    with translation.override("en"):
        english = str(model._meta.verbose_name_plural)
    catalog = translation.trans_real.translation(language)._catalog
    assert catalog.get(english)


def test_admin_index_names_are_plural_in_japanese(admin_client):
    html = admin_client.get("/admin/", headers={"accept-language": "ja"}).content.decode()
    assert "プロフィールs" not in html and "entrys" not in html
