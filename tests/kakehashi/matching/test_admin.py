"""The Django admin shows a published run but never changes or deletes it."""

import pytest
from django.urls import reverse

from kakehashi.matching.models import MatchRun
from kakehashi.matching.services import run_publish
from tests import factories


@pytest.fixture
def superuser_client(client):
    client.force_login(factories.UserFactory(is_staff=True, is_superuser=True))
    return client


def _form(run: MatchRun) -> dict[str, str]:
    return {"call": str(run.call_id), "round": str(run.round), "label": "edited", "mode": run.mode}


@pytest.mark.django_db
def test_match_run_admin_unpublished_run_can_be_changed(market, start, superuser_client):
    run = start(market)

    response = superuser_client.get(reverse("admin:matching_matchrun_change", args=[run.pk]))

    assert response.status_code == 200
    assert b'name="_save"' in response.content


@pytest.mark.django_db
def test_match_run_admin_published_run_shows_no_save_button(market, start, superuser_client):
    run = run_publish(run=start(market), user=market.officer)

    response = superuser_client.get(reverse("admin:matching_matchrun_change", args=[run.pk]))

    assert response.status_code == 200
    assert b'name="_save"' not in response.content
    assert b"edited" not in response.content


@pytest.mark.django_db
def test_match_run_admin_published_run_change_is_refused(market, start, superuser_client):
    run = run_publish(run=start(market), user=market.officer)

    response = superuser_client.post(
        reverse("admin:matching_matchrun_change", args=[run.pk]), _form(run)
    )

    assert response.status_code == 403
    assert MatchRun.objects.get(pk=run.pk).label == run.label


@pytest.mark.django_db
def test_match_run_admin_published_run_delete_is_refused(market, start, superuser_client):
    run = run_publish(run=start(market), user=market.officer)

    response = superuser_client.post(
        reverse("admin:matching_matchrun_delete", args=[run.pk]), {"post": "yes"}
    )

    assert response.status_code == 403
    assert MatchRun.objects.filter(pk=run.pk).count() == 1
