"""A person's own API lists kept whole per person (core.api.person_page): their
applications, results, interns and a call's applicants, under the data and activity
versions. Each kind of write that changes an answer shows at the next read, people never
share an entry, and a pending offer shows lapsed once its deadline has passed."""

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kakehashi.applications.models import Application
from kakehashi.core.cache import CSRF_SLOT
from kakehashi.offers.models import Offer
from kakehashi.offers.services import offers_create_for_run
from tests import factories
from tests.kakehashi.api_helpers import API, body, token_client
from tests.kakehashi.offers.conftest import DEADLINE, publish_run, world_instance

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _public_cache(settings):
    settings.PUBLIC_CACHE_SECONDS = 300


def _later(monkeypatch, seconds: int) -> None:
    """Move the clock `seconds` ahead (nothing written)."""
    moment = timezone.now() + dt.timedelta(seconds=seconds)
    monkeypatch.setattr(timezone, "now", lambda: moment)


def _items(client, path: str) -> list[dict]:
    response = client.get(f"{API}{path}")
    assert response.status_code == 200
    return body(response)["items"]


def test_own_applications_are_answered_whole_and_follow_each_write(
    candidate_user, project, django_assert_num_queries
):
    client = token_client(candidate_user)
    assert _items(client, "/applications") == []
    application = factories.ApplicationFactory(candidate=candidate_user, project=project)
    first = client.get(f"{API}/applications")
    assert [a["id"] for a in body(first)["items"]] == [application.pk]
    with django_assert_num_queries(2):  # the token with its user, the two versions
        second = client.get(f"{API}/applications")
    assert second.content == first.content
    Application.objects.filter(pk=application.pk).update(statement="Changed")  # bulk
    assert _items(client, "/applications")[0]["statement"] == "Changed"
    project.title = "Renamed"
    project.save()  # public data: the data version
    assert _items(client, "/applications")[0]["project_title"] == "Renamed"
    application.status = "withdrawn"
    application.save()
    assert _items(client, "/applications")[0]["status"] == "withdrawn"
    Application.objects.filter(pk=application.pk).delete()
    assert _items(client, "/applications") == []


def test_people_do_not_share_their_applications(candidate_user, project):
    factories.ApplicationFactory(candidate=candidate_user, project=project)
    other = factories.candidate()
    assert len(_items(token_client(candidate_user), "/applications")) == 1
    assert _items(token_client(other), "/applications") == []


def test_pages_of_own_applications_are_kept_apart(candidate_user, project):
    factories.ApplicationFactory(candidate=candidate_user, project=project)
    factories.ApplicationFactory(
        candidate=candidate_user, project=factories.ProjectFactory(call=project.call)
    )
    client = token_client(candidate_user)
    assert body(client.get(f"{API}/applications?limit=1"))["count"] == 2
    assert len(_items(client, "/applications?limit=1")) == 1
    assert len(_items(client, "/applications")) == 2


def test_applicants_follow_a_new_application_and_a_renamed_candidate(project, supervisor_user):
    client = token_client(supervisor_user)
    url = f"/calls/{project.call.pk}/applicants"
    assert _items(client, url) == []
    applicant = factories.candidate()
    factories.ApplicationFactory(candidate=applicant, project=project)
    assert [a["candidate"]["id"] for a in _items(client, url)] == [applicant.pk]
    applicant.given_name = "Renamed"
    applicant.save()
    assert _items(client, url)[0]["candidate"]["display_name"] == applicant.display_name


def test_results_and_interns_follow_a_publication_an_answer_and_a_deadline(world, monkeypatch):
    candidate = token_client(world.candidate)
    supervisor = token_client(world.supervisor)
    assert _items(candidate, "/me/results") == []
    assert _items(supervisor, "/me/interns") == []

    run = publish_run(call=world.call, instance=world_instance(world))
    offers_create_for_run(run=run, deadline=DEADLINE)
    offer = _items(candidate, "/me/results")[0]["rounds"][0]["offer"]
    assert offer["status"] == "pending"
    interns = _items(supervisor, "/me/interns")
    assert [o["status"] for o in interns[0]["offers"]] == ["pending"]

    Offer.objects.filter(candidate=world.candidate).update(
        deadline=timezone.now() + dt.timedelta(seconds=60)
    )
    assert _items(candidate, "/me/results")[0]["rounds"][0]["offer"]["status"] == "pending"
    assert _items(supervisor, "/me/interns")[0]["offers"][0]["status"] == "pending"

    _later(monkeypatch, 120)  # no write: the kept answers stop at the deadline
    assert _items(candidate, "/me/results")[0]["rounds"][0]["offer"]["status"] == "lapsed"
    assert _items(supervisor, "/me/interns")[0]["offers"][0]["status"] == "lapsed"


def test_results_and_interns_follow_an_accepted_offer(world):
    run = publish_run(call=world.call, instance=world_instance(world))
    offers_create_for_run(run=run, deadline=DEADLINE)
    candidate = token_client(world.candidate)
    supervisor = token_client(world.supervisor)
    offer = _items(candidate, "/me/results")[0]["rounds"][0]["offer"]
    assert _items(supervisor, "/me/interns")[0]["offers"][0]["status"] == "pending"
    response = candidate.post(f"{API}/offers/{offer['id']}/accept")
    assert response.status_code == 200, response.content
    assert _items(candidate, "/me/results")[0]["rounds"][0]["offer"]["status"] == "accepted"
    assert _items(supervisor, "/me/interns")[0]["offers"][0]["status"] == "accepted"


# ---------------------------------------------------------------- the pages


def _page(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200
    return response.content.decode()


def test_results_and_interns_pages_follow_a_publication_an_answer_and_a_deadline(
    world, monkeypatch
):
    candidate, supervisor = Client(), Client()
    candidate.force_login(world.candidate)
    supervisor.force_login(world.supervisor)
    assert "No match result has been published for you yet" in _page(candidate, "/results/")
    assert "No match result has been published for your projects" in _page(supervisor, "/interns/")

    run = publish_run(call=world.call, instance=world_instance(world))
    offers_create_for_run(run=run, deadline=DEADLINE)
    assert "offer-pending" in _page(candidate, "/results/")
    assert "offer-pending" in _page(supervisor, "/interns/")

    Offer.objects.filter(candidate=world.candidate).update(
        deadline=timezone.now() + dt.timedelta(seconds=60)
    )
    assert "offer-pending" in _page(candidate, "/results/")
    _later(monkeypatch, 120)  # no write: the kept bodies stop at the deadline
    assert "offer-pending" not in _page(candidate, "/results/")
    html = _page(supervisor, "/interns/")
    assert "offer-pending" not in html and "the offer lapsed" in html


def test_a_kept_results_page_carries_a_working_csrf_token(world):
    run = publish_run(call=world.call, instance=world_instance(world))
    offers_create_for_run(run=run, deadline=DEADLINE)
    candidate = Client(enforce_csrf_checks=True)
    candidate.force_login(world.candidate)
    _page(candidate, "/results/")
    html = _page(candidate, "/results/")  # from the cache
    assert CSRF_SLOT not in html
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    offer = Offer.objects.get(candidate=world.candidate)
    response = candidate.post(
        reverse("offers:accept", args=[offer.pk]), {"csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302
    offer.refresh_from_db()
    assert offer.status == "accepted"
    assert "offer-accepted" in _page(candidate, "/results/")
    supervisor = Client()
    supervisor.force_login(world.supervisor)
    assert "offer-accepted" in _page(supervisor, "/interns/")


def test_people_do_not_share_a_results_page(world):
    run = publish_run(call=world.call, instance=world_instance(world))
    offers_create_for_run(run=run, deadline=DEADLINE)
    first, second = Client(), Client()
    first.force_login(world.candidate)
    second.force_login(world.third)
    assert "offer-pending" in _page(first, "/results/")
    assert "offer-pending" not in _page(second, "/results/")


def test_applications_page_follows_each_write_and_takes_its_withdraw_form(candidate_user, project):
    client = Client(enforce_csrf_checks=True)
    client.force_login(candidate_user)
    assert "You have not applied to any project yet." in _page(client, "/applications/")
    application = factories.ApplicationFactory(candidate=candidate_user, project=project)
    assert project.title in _page(client, "/applications/")
    html = _page(client, "/applications/")  # from the cache
    assert CSRF_SLOT not in html
    Application.objects.filter(pk=application.pk).update(rank=1)  # bulk
    assert "<td>1</td>" in _page(client, "/applications/")
    project.title = "Renamed project"
    project.save()  # public data: the data version
    html = _page(client, "/applications/")
    assert "Renamed project" in html
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    response = client.post(
        reverse("applications:withdraw", args=[application.pk]), {"csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302
    html = _page(client, "/applications/")
    assert "<td>Withdrawn</td>" in html and 'class="danger"' not in html
    other = Client()
    other.force_login(factories.candidate())
    assert "You have not applied to any project yet." in _page(other, "/applications/")
