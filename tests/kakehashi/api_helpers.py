"""Small helpers for the JSON API tests: clients that authenticate as someone."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client

from kakehashi.people.services import api_token_authenticate, api_token_create

API = "/api/v1"


def token_client(user) -> Client:
    """A client that sends `Authorization: Bearer <a fresh token of user>`.

    The token is used once here, so its once-a-minute `last_used_at` write does
    not land inside a test's query count."""
    _token, key = api_token_create(user=user, name="tests")
    api_token_authenticate(key=key)
    return Client(headers={"Authorization": f"Bearer {key}"})


def session_client(user, *, enforce_csrf: bool = False) -> Client:
    client = Client(enforce_csrf_checks=enforce_csrf)
    client.force_login(user)
    return client


def body(response) -> Any:
    assert response["Content-Type"].startswith("application/json"), response.content[:300]
    return json.loads(response.content)


def error(status: int, code: str, message: str, **extra) -> dict:
    return {"error": {"status": status, "code": code, "message": message, **extra}}
