"""The Django admin shows an answered offer but never changes or deletes it."""

import pytest
from django.urls import reverse

from kakehashi.offers.models import Offer
from kakehashi.offers.services import offer_accept
from tests import factories


@pytest.fixture
def superuser_client(client):
    client.force_login(factories.UserFactory(is_staff=True, is_superuser=True))
    return client


@pytest.fixture
def answered(world, published, before_deadline):
    return offer_accept(offer=published.offer, candidate=world.candidate, now=before_deadline)


def _form(offer: Offer) -> dict[str, str]:
    return {
        "candidate": str(offer.candidate_id),
        "project": str(offer.project_id),
        "run": str(offer.run_id),
        "status": "declined",
        "deadline_0": "2027-03-01",
        "deadline_1": "09:00:00",
    }


@pytest.mark.django_db
def test_offer_admin_pending_offer_can_be_changed(published, superuser_client):
    url = reverse("admin:offers_offer_change", args=[published.offer.pk])

    response = superuser_client.get(url)

    assert response.status_code == 200
    assert b'name="_save"' in response.content


@pytest.mark.django_db
def test_offer_admin_answered_offer_shows_no_save_button(answered, superuser_client):
    response = superuser_client.get(reverse("admin:offers_offer_change", args=[answered.pk]))

    assert response.status_code == 200
    assert b'name="_save"' not in response.content


@pytest.mark.django_db
def test_offer_admin_answered_offer_change_is_refused(answered, superuser_client):
    response = superuser_client.post(
        reverse("admin:offers_offer_change", args=[answered.pk]), _form(answered)
    )

    assert response.status_code == 403
    assert Offer.objects.get(pk=answered.pk).status == "accepted"


@pytest.mark.django_db
def test_offer_admin_answered_offer_delete_is_refused(answered, superuser_client):
    response = superuser_client.post(
        reverse("admin:offers_offer_delete", args=[answered.pk]), {"post": "yes"}
    )

    assert response.status_code == 403
    assert Offer.objects.filter(pk=answered.pk).count() == 1
