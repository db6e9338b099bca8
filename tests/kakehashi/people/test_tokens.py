import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone, translation

from kakehashi.people.models import ApiToken
from kakehashi.people.services import api_token_authenticate, api_token_create
from tests import factories


@pytest.mark.django_db
def test_api_token_is_stored_only_as_hash():
    user = factories.UserFactory()
    token, key = api_token_create(user=user, name="laptop")
    assert key.startswith("kh_") and token.prefix == key[:8]
    assert token.key_hash == ApiToken.hash_key(key) and key not in token.key_hash


@pytest.mark.django_db
def test_api_token_authenticate_records_last_use_once_a_minute():
    user = factories.UserFactory()
    token, key = api_token_create(user=user, name="ci")
    assert api_token_authenticate(key=key) == user
    first = ApiToken.objects.get(pk=token.pk).last_used_at
    assert first is not None
    api_token_authenticate(key=key)
    assert ApiToken.objects.get(pk=token.pk).last_used_at == first
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first - dt.timedelta(minutes=2))
    api_token_authenticate(key=key)
    assert ApiToken.objects.get(pk=token.pk).last_used_at > first - dt.timedelta(seconds=1)
    assert ApiToken.objects.get(pk=token.pk).last_used_at <= timezone.now()


@pytest.mark.django_db
def test_api_token_of_inactive_user_is_refused():
    user = factories.UserFactory(is_active=False)
    _, key = api_token_create(user=user, name="old")
    assert api_token_authenticate(key=key) is None
    assert api_token_authenticate(key="kh_wrong") is None


@pytest.mark.django_db
def test_api_token_expires_after_the_configured_lifetime(settings):
    settings.API_TOKEN_LIFETIME = dt.timedelta(days=30)
    before = timezone.now()

    token, _ = api_token_create(user=factories.UserFactory(), name="ci")

    assert before + dt.timedelta(days=30) <= token.expires_at
    assert token.expires_at <= timezone.now() + dt.timedelta(days=30)


@pytest.mark.django_db
def test_api_token_expired_is_refused():
    user = factories.UserFactory()
    token, key = api_token_create(user=user, name="ci")
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now())

    assert api_token_authenticate(key=key) is None
    assert ApiToken.objects.get(pk=token.pk).last_used_at is None


@pytest.mark.django_db
def test_issue_token_command_prints_a_working_key():
    user = factories.UserFactory(username="ci-officer")
    out, err = StringIO(), StringIO()
    call_command("issue_token", "ci-officer", "--name", "fuzz", stdout=out, stderr=err)
    key = out.getvalue().strip()
    assert key.startswith("kh_") and "\n" not in key
    assert api_token_authenticate(key=key) == user
    token = ApiToken.objects.get(user=user)
    assert token.name == "fuzz" and key not in err.getvalue()


@pytest.mark.django_db
def test_issue_token_command_refuses_an_unknown_or_inactive_account():
    factories.UserFactory(username="gone", is_active=False)
    for username in ("gone", "nobody"):
        with translation.override("en"), pytest.raises(CommandError) as refused:
            call_command("issue_token", username, stdout=StringIO(), stderr=StringIO())
        assert str(refused.value) == f"No active account named “{username}”."
    assert not ApiToken.objects.exists()
