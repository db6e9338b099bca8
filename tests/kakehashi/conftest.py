import pytest
from django.core.cache import cache
from django.utils import translation

from tests import factories


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # PBKDF2's cost is the point in production and pure waste in tests.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _jobs_inline(settings):
    # Tests need determinism: a queued job runs in the test's process once its
    # transaction commits. Servers never do this (settings.JOBS_BACKEND).
    settings.JOBS_BACKEND = "inline"


@pytest.fixture(autouse=True)
def _no_public_cache(settings):
    # Tests read fresh answers and count the selectors' queries; the public cache
    # (core.cache) is switched on by its own tests, tests/kakehashi/core/test_cache.py.
    settings.PUBLIC_CACHE_SECONDS = 0
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _language_reset():
    # A page request in another language activates it for the thread (LocaleMiddleware
    # never deactivates it): without this, the next test would run in that language.
    yield
    translation.deactivate()


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


def pytest_collection_modifyitems(items):
    """Every transactional test must also ask for `serialized_rollback`.

    A transactional test without it ends with a flush that re-creates the content
    types (post_migrate); a later test that restores the serialized database would
    then insert them a second time and fail with a UNIQUE error, depending only on
    the order the tests ran in."""
    for item in items:
        for marker in item.iter_markers("django_db"):
            if marker.kwargs.get("transaction") and not marker.kwargs.get("serialized_rollback"):
                raise pytest.UsageError(
                    f"{item.nodeid}: use django_db(transaction=True, serialized_rollback=True)"
                )
