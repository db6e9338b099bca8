"""Suite-wide configuration. Engine tests (tests/kakehashi_match, tests/kakehashi_semantic)
use no Django fixture and also run without Django (`pytest -p no:django`)."""

import pytest


def pytest_addoption(parser: pytest.Parser, pluginmanager: pytest.PytestPluginManager) -> None:
    # Without pytest-django (the engines' isolated runs) pyproject's DJANGO_SETTINGS_MODULE
    # would be an unknown option: a warning, and warnings are errors. Declare it then only.
    if not pluginmanager.has_plugin("django"):
        parser.addini("DJANGO_SETTINGS_MODULE", "read by pytest-django when it is loaded")
