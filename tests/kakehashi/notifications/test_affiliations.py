"""Mail about affiliation requests: the organisation's admins hear of a request in their
own language (the officers when it has no admin), and the person who asked hears of the
decision in theirs. Nothing is mailed for a refused request, nor to the one who acted."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from kakehashi.notifications.services import notify
from kakehashi.people.models import Affiliation
from kakehashi.people.services import affiliation_request_create, affiliation_request_decide
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _locmem(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def org():
    return factories.OrganisationFactory(
        name="Kyoto Test University", name_ja="京都テスト大学", name_fr="Université test de Kyoto"
    )


@pytest.fixture
def admins(org):
    ja = factories.UserFactory(username="admin-ja", email="ja@example.jp", preferred_language="ja")
    fr = factories.UserFactory(username="admin-fr", email="fr@example.ca", preferred_language="fr")
    for person in (ja, fr):
        Affiliation.objects.create(person=person, organisation=org, role="admin")
    return ja, fr


@pytest.fixture
def asker():
    return factories.UserFactory(
        username="asker",
        given_name="Olivia",
        family_name="Grant",
        email="olivia@example.ca",
        preferred_language="en",
    )


def test_each_admin_is_mailed_in_their_language(
    org, admins, asker, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        affiliation_request_create(
            person=asker, organisation=org, role="researcher", title="Lecturer"
        )

    by_reader = {m.to[0]: m for m in mail.outbox}
    assert sorted(by_reader) == ["fr@example.ca", "ja@example.jp"]
    ja, fr = by_reader["ja@example.jp"], by_reader["fr@example.ca"]
    assert ja.extra_headers["Content-Language"] == "ja"
    assert ja.subject == "Kakehashi：Olivia Grant さんが 京都テスト大学 への所属を申請しています"
    assert "京都テスト大学 への「研究者」としての所属を申請しています" in ja.body
    assert "役職： Lecturer" in ja.body
    assert "olivia@example.ca" in ja.body
    assert "/affiliation-requests/" in ja.body
    assert fr.extra_headers["Content-Language"] == "fr"
    assert fr.subject == (
        "Kakehashi : Olivia Grant demande une affiliation à Université test de Kyoto"
    )


def test_without_an_admin_the_officers_are_mailed(org, asker, django_capture_on_commit_callbacks):
    factories.OfficerFactory(username="off", email="officer@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        affiliation_request_create(person=asker, organisation=org, role="researcher")
    assert [m.to for m in mail.outbox] == [["officer@example.org"]]


def test_a_refused_request_mails_nobody(org, admins, asker, django_capture_on_commit_callbacks):
    Affiliation.objects.create(person=asker, organisation=org, role="researcher")
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        affiliation_request_create(person=asker, organisation=org, role="researcher")
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("confirm", "subject"),
    [
        (True, "Kakehashi: your affiliation with Kyoto Test University is confirmed"),
        (False, "Kakehashi: your affiliation with Kyoto Test University was refused"),
    ],
)
def test_the_asker_hears_the_decision_in_their_language(
    org, admins, asker, confirm, subject, django_capture_on_commit_callbacks
):
    request = affiliation_request_create(person=asker, organisation=org, role="researcher")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        affiliation_request_decide(request=request, actor=admins[0], confirm=confirm)

    (message,) = mail.outbox
    assert message.to == ["olivia@example.ca"]
    assert message.subject == subject
    assert message.extra_headers["Content-Language"] == "en"
    assert "/profile/" in message.body


def test_the_decision_reaches_a_japanese_asker_in_japanese(
    org, admins, django_capture_on_commit_callbacks
):
    asker = factories.UserFactory(
        username="sasaki", email="aoi@example.jp", preferred_language="ja"
    )
    request = affiliation_request_create(person=asker, organisation=org, role="student")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        affiliation_request_decide(request=request, actor=admins[1], confirm=True)
    (message,) = mail.outbox
    assert message.subject == "Kakehashi：京都テスト大学 への所属が承認されました"


def test_an_admin_asking_is_not_mailed_about_their_own_request(
    org, admins, django_capture_on_commit_callbacks
):
    ja, _fr = admins
    with django_capture_on_commit_callbacks(execute=True):
        affiliation_request_create(person=ja, organisation=org, role="supervisor")
    assert [m.to for m in mail.outbox] == [["fr@example.ca"]]


@pytest.mark.parametrize("language", ["en", "fr", "ja"])
@pytest.mark.parametrize("kind", ["affiliation_requested", "affiliation_decided"])
def test_the_templates_render_under_each_language(org, admins, asker, language, kind):
    request = affiliation_request_create(person=asker, organisation=org, role="researcher")
    mail.outbox.clear()
    admins[0].preferred_language = language
    assert notify(user=admins[0], kind=kind, context={"request": request, "url": "http://x/y/"})
    (message,) = mail.outbox
    assert message.subject and "\n" not in message.subject
    assert "http://x/y/" in message.body
