import pytest
from django.core.cache import cache

from tests import factories


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # PBKDF2's cost is the point in production and pure waste in tests.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _no_public_cache(settings):
    # Tests read fresh answers and count the selectors' queries; the public cache
    # (core.cache) is switched on by its own tests, tests/kakehashi/core/test_cache.py.
    settings.PUBLIC_CACHE_SECONDS = 0
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def call(db):
    return factories.CallFactory()


@pytest.fixture
def officer(db):
    return factories.OfficerFactory(username="officer-t")


@pytest.fixture
def candidate_user(db):
    return factories.candidate(user__username="cand-t")


@pytest.fixture
def supervisor_user(db):
    return factories.UserFactory(username="sup-t")


@pytest.fixture
def project(call, supervisor_user):
    return factories.ProjectFactory(call=call, supervisor=supervisor_user)
