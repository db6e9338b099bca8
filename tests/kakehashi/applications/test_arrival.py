"""A rank list sent before the deadline counts even when a busy server gets to it after
(core.middleware.RequestArrivalMiddleware, programs.services.phase_require_open)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import RequestFactory
from django.utils import timezone

from kakehashi.applications.models import Application
from kakehashi.applications.services import rank_list_set
from kakehashi.core.middleware import RequestArrivalMiddleware, request_start_from_header
from kakehashi.programs.models import CallPhase
from tests import factories
from tests.kakehashi.api_helpers import API, body, token_client

UTC = dt.UTC
CLOSES = dt.datetime(2027, 1, 31, 8, 0, 0, tzinfo=UTC)
SECOND = dt.timedelta(seconds=1)


@pytest.fixture
def world():
    w = factories.page_world()
    CallPhase.objects.filter(call=w.call, kind="applications").update(
        opens_at=CLOSES - dt.timedelta(days=30), closes_at=CLOSES
    )
    return w


def _rank(w, **kwargs):
    return rank_list_set(candidate=w.candidate, call=w.call, project_ids=[w.project.pk], **kwargs)


@pytest.mark.django_db
def test_a_list_received_before_the_deadline_is_kept_when_saved_after(world):
    ranked = _rank(world, now=CLOSES + 5 * SECOND, received_at=CLOSES - SECOND)

    assert [(a.project_id, a.rank) for a in ranked] == [(world.project.pk, 1)]


@pytest.mark.django_db
def test_a_list_received_at_the_deadline_is_refused_and_changes_nothing(world):
    with pytest.raises(ValidationError) as caught:
        _rank(world, now=CLOSES + 5 * SECOND, received_at=CLOSES)

    assert caught.value.code == "phase_closed"
    assert Application.objects.get(pk=world.application.pk).rank is None


@pytest.mark.django_db
def test_the_arrival_counts_only_within_the_grace(world, settings):
    settings.REQUEST_ARRIVAL_GRACE_SECONDS = 30
    # Received 40 s before it is saved: judged 30 s before, after the deadline.
    with pytest.raises(ValidationError) as caught:
        _rank(world, now=CLOSES + 31 * SECOND, received_at=CLOSES - 9 * SECOND)
    assert caught.value.code == "phase_closed"
    # Within the grace: kept.
    assert _rank(world, now=CLOSES + 29 * SECOND, received_at=CLOSES - SECOND)[0].rank == 1


@pytest.mark.django_db
def test_an_arrival_after_now_does_not_move_the_check_later(world):
    with pytest.raises(ValidationError) as caught:
        _rank(world, now=CLOSES + SECOND, received_at=CLOSES + 10 * SECOND)
    assert caught.value.code == "phase_closed"
    # And before the deadline, a later arrival cannot close it early either.
    assert _rank(world, now=CLOSES - 2 * SECOND, received_at=CLOSES + SECOND)[0].rank == 1


# ---------------------------------------------------------------- the middleware


def test_the_arrival_is_stamped_before_any_other_middleware_runs():
    from django.conf import settings  # the project's real setting, not the fixture

    assert settings.MIDDLEWARE[0] == "kakehashi.core.middleware.RequestArrivalMiddleware"


def _arrival(header: str | None = None) -> dt.datetime:
    request = RequestFactory().get("/", **({"HTTP_X_REQUEST_START": header} if header else {}))
    RequestArrivalMiddleware(lambda r: None)(request)
    return request.received_at


def test_the_arrival_is_the_workers_clock_without_a_trusted_proxy(settings):
    settings.TRUST_REQUEST_START = False
    before = timezone.now()
    # A client's own stamp is ignored: it could claim any time.
    received = _arrival(f"t={before.timestamp() - 20:.3f}")
    assert before <= received <= timezone.now()


def test_a_trusted_proxys_stamp_is_the_arrival_within_the_grace(settings):
    settings.TRUST_REQUEST_START = True
    settings.REQUEST_ARRIVAL_GRACE_SECONDS = 60
    now = timezone.now()
    assert abs(_arrival(f"t={now.timestamp() - 20:.3f}") - (now - 20 * SECOND)) < 0.01 * SECOND
    # Older than the grace: counts as the grace.
    old = _arrival(f"t={now.timestamp() - 600:.3f}")
    assert 59 * SECOND < now - old <= 60 * SECOND
    # In the future or unreadable: the worker's clock.
    for header in (f"t={now.timestamp() + 60:.3f}", "yesterday", ""):
        assert _arrival(header) >= now


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        ("t=1767225600.123", 1767225600.123),
        ("1767225600.5", 1767225600.5),
        ("t=1767225600123", 1767225600.123),
        ("t=1767225600123456", 1767225600.123456),
        ("t=1767225600", 1767225600.0),
    ],
)
def test_request_start_formats(header, seconds):
    now = dt.datetime(2030, 1, 1, tzinfo=UTC)
    at = request_start_from_header(header, now=now)
    assert at == dt.datetime.fromtimestamp(seconds, tz=UTC)


@pytest.mark.parametrize("header", ["", "t=", "soon", "t=12", "t=-1767225600", "t=1.2.3"])
def test_request_start_refuses_what_is_not_a_stamp(header):
    assert request_start_from_header(header, now=dt.datetime(2030, 1, 1, tzinfo=UTC)) is None


# ---------------------------------------------------------------- through the API


@pytest.mark.django_db
def test_api_keeps_a_list_a_trusted_proxy_received_before_the_deadline(world, settings):
    """The deadline passed while the request waited: kept, because its arrival counts."""
    settings.TRUST_REQUEST_START = True
    closed = timezone.now() - 3 * SECOND
    CallPhase.objects.filter(call=world.call, kind="applications").update(
        opens_at=closed - dt.timedelta(days=1), closes_at=closed
    )
    client = token_client(world.candidate)
    url = f"{API}/calls/{world.call.pk}/rank-list"
    payload = {"project_ids": [world.project.pk]}

    late = client.put(url, payload, content_type="application/json")
    assert late.status_code == 422
    assert body(late)["error"]["code"] == "phase_closed"
    assert Application.objects.get(pk=world.application.pk).rank is None

    sent = f"t={(closed - SECOND).timestamp():.3f}"
    kept = client.put(url, payload, content_type="application/json", HTTP_X_REQUEST_START=sent)
    assert kept.status_code == 200
    assert body(kept)["project_ids"] == [world.project.pk]
    assert Application.objects.get(pk=world.application.pk).rank == 1
