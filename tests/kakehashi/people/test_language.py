import pytest
from django.conf import settings
from django.test import Client

from kakehashi.people.models import User
from tests import factories


@pytest.mark.django_db
def test_language_switch_saves_a_signed_in_persons_choice():
    person = factories.UserFactory(preferred_language="en")
    client = Client()
    client.force_login(person)
    response = client.post("/i18n/setlang/", {"language": "ja", "next": "/projects/"})
    assert (response.status_code, response["Location"]) == (302, "/projects/")
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ja"
    assert User.objects.get(pk=person.pk).preferred_language == "ja"


@pytest.mark.django_db
def test_language_switch_by_anonymous_sets_only_the_cookie():
    response = Client().post("/i18n/setlang/", {"language": "fr", "next": "/"})
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "fr"
    assert response["Location"] == "/"


@pytest.mark.django_db
def test_language_switch_to_unknown_language_changes_nothing():
    person = factories.UserFactory(preferred_language="fr")
    client = Client()
    client.force_login(person)
    response = client.post("/i18n/setlang/", {"language": "xx", "next": "/"})
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies
    assert User.objects.get(pk=person.pk).preferred_language == "fr"
