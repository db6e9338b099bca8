"""Suite-wide configuration. Engine tests (tests/kakehashi_match, tests/kakehashi_semantic)
use no Django fixture and also run without Django (`pytest -p no:django`)."""

import pytest
from hypothesis import HealthCheck, settings

# Property tests judge what is computed, never how fast: on a shared 2-core machine a
# single slow example would otherwise fail Hypothesis's 200 ms deadline. Speed is
# measured in benchmarks/. Modules may still set their own settings on top.
settings.register_profile("kakehashi", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("kakehashi")


def pytest_addoption(parser: pytest.Parser, pluginmanager: pytest.PytestPluginManager) -> None:
    # Without pytest-django (the engines' isolated runs) pyproject's DJANGO_SETTINGS_MODULE
    # would be an unknown option: a warning, and warnings are errors. Declare it then only.
    if not pluginmanager.has_plugin("django"):
        parser.addini("DJANGO_SETTINGS_MODULE", "read by pytest-django when it is loaded")
