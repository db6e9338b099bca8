"""Brute-force protection: too many wrong passwords lock out the account and the
address, on the sign-in page and on HTTP Basic for API tokens alike."""

import base64
import re

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from kakehashi.people.models import ApiToken
from tests import factories
from tests.kakehashi.api_helpers import API, body, error

LOCKED = (
    "Too many failed sign-in attempts for this account or from this address. "
    "Try again in 15 minutes."
)


def _sign_in(client, username: str, password: str, address: str = "127.0.0.1"):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address
    )


def _basic(username: str, password: str) -> Client:
    credentials = base64.b64encode(f"{username}:{password}".encode()).decode()
    return Client(headers={"Authorization": f"Basic {credentials}"})


@pytest.mark.django_db
def test_sign_in_after_five_wrong_passwords_is_locked_out_even_with_the_right_one(client):
    user = factories.UserFactory(username="target")
    for _ in range(4):
        assert _sign_in(client, "target", "wrong").status_code == 200

    fifth = _sign_in(client, "target", "wrong")
    right = _sign_in(client, "target", factories.PASSWORD)

    assert (fifth.status_code, right.status_code) == (429, 429)
    assert LOCKED in right.content.decode()
    assert "_auth_user_id" not in client.session
    assert user.last_login is None


@pytest.mark.django_db
def test_sign_in_lockout_is_per_account_from_any_address(client):
    factories.UserFactory(username="target")
    for n in range(5):
        _sign_in(client, "target", "wrong", address=f"10.0.0.{n}")

    response = _sign_in(client, "target", factories.PASSWORD, address="10.0.0.99")

    assert response.status_code == 429


@pytest.mark.django_db
def test_sign_in_lockout_is_per_address_for_any_account(client):
    factories.UserFactory(username="target")
    for n in range(5):
        _sign_in(client, f"guess{n}", "wrong", address="10.0.0.7")

    locked = _sign_in(client, "target", factories.PASSWORD, address="10.0.0.7")
    elsewhere = _sign_in(Client(), "target", factories.PASSWORD, address="10.0.0.8")

    assert (locked.status_code, elsewhere.status_code) == (429, 302)


@pytest.mark.django_db
def test_sign_in_lockout_message_is_translated(client):
    factories.UserFactory(username="target")
    for _ in range(5):
        _sign_in(client, "target", "wrong")
    client.cookies["django_language"] = "fr"

    response = _sign_in(client, "target", "wrong")

    assert response.status_code == 429
    assert (
        "Trop de tentatives de connexion échouées pour ce compte ou depuis cette adresse. "
        "Réessayez dans 15 minutes."
    ) in response.content.decode()


@pytest.mark.django_db
def test_sign_in_success_resets_the_failures(client):
    factories.UserFactory(username="target")
    for _ in range(4):
        _sign_in(client, "target", "wrong")
    assert _sign_in(client, "target", factories.PASSWORD).status_code == 302
    client.logout()

    for _ in range(4):
        assert _sign_in(client, "target", "wrong").status_code == 200


@pytest.mark.django_db
def test_token_create_with_basic_auth_is_locked_out_after_five_wrong_passwords():
    factories.UserFactory(username="script")
    for _ in range(5):
        response = _basic("script", "wrong").post(
            f"{API}/me/tokens", {"name": "x"}, content_type="application/json"
        )

    right = _basic("script", factories.PASSWORD).post(
        f"{API}/me/tokens", {"name": "x"}, content_type="application/json"
    )

    assert response.status_code == 429
    assert right.status_code == 429
    assert body(right) == error(429, "throttled", LOCKED)
    assert ApiToken.objects.count() == 0


@pytest.mark.parametrize("password", ["12345678", "password"])
def test_password_validators_refuse_common_passwords(password):
    with pytest.raises(ValidationError, match=re.escape("This password is too common.")):
        validate_password(password)
