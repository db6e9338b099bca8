"""A person's cached home (core.cache.person_fragment, programs.home.home_html): kept per
person under the data and activity versions, shown fresh after every kind of write that
changes it (a save, a bulk create, a queryset update or delete, raw SQL), and once the
moment a phase or an offer's deadline it shows has passed, without any write."""

import datetime as dt
import re

import pytest
from django.db import connection, transaction
from django.test import Client
from django.utils import timezone

from kakehashi.applications.models import Application
from kakehashi.core.cache import ACTIVITY_PK, activity_version
from kakehashi.core.models import DataVersion
from kakehashi.jobs.models import Job
from kakehashi.matching.models import MatchRun
from kakehashi.offers.models import Offer
from kakehashi.offers.services import offers_create_for_run
from kakehashi.programs.models import CallPhase
from tests import factories
from tests.kakehashi.offers.conftest import DEADLINE, publish_run, world_instance

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _public_cache(settings):
    settings.PUBLIC_CACHE_SECONDS = 300


def _home(client) -> str:
    response = client.get("/home/")
    assert response.status_code == 200
    return response.content.decode()


def _main(html: str) -> str:
    return html.split("<main", 1)[1].split("</main>", 1)[0]


def _later(monkeypatch, seconds: int) -> None:
    """Move the clock `seconds` ahead (nothing written)."""
    moment = timezone.now() + dt.timedelta(seconds=seconds)
    monkeypatch.setattr(timezone, "now", lambda: moment)


def test_a_home_seen_again_is_answered_from_the_cache(
    client, candidate_user, project, django_assert_num_queries
):
    factories.ApplicationFactory(candidate=candidate_user, project=project)
    client.force_login(candidate_user)
    first = _home(client)
    with django_assert_num_queries(3):  # the session, the person, the two versions
        second = _home(client)
    # The page around the sections differs (its masked CSRF token), the sections do not.
    assert _main(second) == _main(first)
    assert "1 application," in second


def test_an_application_saved_shows_at_once(client, candidate_user, project):
    client.force_login(candidate_user)
    assert f"Apply to projects of {project.call}." in _home(client)

    factories.ApplicationFactory(candidate=candidate_user, project=project)

    html = _home(client)
    assert "1 application," in html
    assert f"Apply to projects of {project.call}." not in html


def test_a_bulk_update_of_ranks_shows_at_once(client, candidate_user, project):
    factories.ApplicationFactory(candidate=candidate_user, project=project)
    client.force_login(candidate_user)
    assert "0 ranked" in _home(client)

    Application.objects.filter(candidate=candidate_user).update(rank=1)

    assert "1 ranked" in _home(client)


def test_a_bulk_create_and_a_queryset_delete_show_at_once(client, candidate_user, project):
    client.force_login(candidate_user)
    other = factories.ProjectFactory(call=project.call)
    assert f"Apply to projects of {project.call}." in _home(client)

    made = factories.ApplicationFactory.build(candidate=candidate_user, project=project)
    made2 = factories.ApplicationFactory.build(candidate=candidate_user, project=other)
    Application.objects.bulk_create([made, made2])
    assert "2 applications," in _home(client)

    Application.objects.filter(candidate=candidate_user).delete()
    assert f"Apply to projects of {project.call}." in _home(client)

    # SQLite writes these as "INSERT OR IGNORE INTO".
    again = factories.ApplicationFactory.build(candidate=candidate_user, project=project)
    Application.objects.bulk_create([again], ignore_conflicts=True)
    assert "1 application," in _home(client)


def test_a_raw_sql_write_shows_at_once(client, candidate_user, project):
    factories.ApplicationFactory(candidate=candidate_user, project=project)
    client.force_login(candidate_user)
    assert "0 ranked" in _home(client)

    with connection.cursor() as cursor:
        cursor.execute("UPDATE applications_application SET rank = 1")

    assert "1 ranked" in _home(client)


def test_a_public_write_shows_at_once(client, candidate_user, project):
    client.force_login(candidate_user)
    assert str(project.call) in _home(client)

    project.call.name_en = "Renamed call"
    project.call.save()

    assert "Renamed call" in _home(client)


def test_people_do_not_share_a_home(client, candidate_user, project):
    other = factories.candidate(user__username="cand-other")
    factories.ApplicationFactory(candidate=candidate_user, project=project)
    client.force_login(candidate_user)
    assert "1 application," in _home(client)

    client.force_login(other)
    html = _home(client)
    assert "1 application," not in html
    assert f"Apply to projects of {project.call}." in html


def test_a_rolled_back_write_keeps_the_version_and_ignored_tables_keep_it(candidate_user, project):
    token = activity_version()
    with pytest.raises(RuntimeError), transaction.atomic():
        factories.ApplicationFactory(candidate=candidate_user, project=project)
        assert activity_version() != token
        raise RuntimeError("rolled back")
    assert activity_version() == token

    Job.objects.create(kind="heartbeat-only")  # jobs, audit, mail: no person's page
    assert activity_version() == token

    factories.ApplicationFactory(candidate=candidate_user, project=project)
    assert activity_version() != token


def test_a_phase_that_closes_changes_the_home_without_a_write(
    client, candidate_user, project, monkeypatch
):
    factories.ApplicationFactory(candidate=candidate_user, project=project)
    CallPhase.objects.filter(call=project.call, kind="applications").update(
        closes_at=timezone.now() + dt.timedelta(seconds=60)
    )
    client.force_login(candidate_user)
    assert "Rank your applications" in _home(client)

    _later(monkeypatch, 120)

    assert "Rank your applications" not in _home(client)


def test_an_offer_published_shows_at_once_and_lapses_at_its_deadline(client, world, monkeypatch):
    client.force_login(world.candidate)
    assert "No result yet" in _home(client)

    run = publish_run(call=world.call, instance=world_instance(world))
    offers_create_for_run(run=run, deadline=DEADLINE)
    html = _home(client)
    assert "Awaiting answer" in html and "Lapsed" not in html

    Offer.objects.filter(candidate=world.candidate).update(
        deadline=timezone.now() + dt.timedelta(seconds=60)
    )
    assert "Awaiting answer" in _home(client)

    _later(monkeypatch, 120)

    html = _home(client)
    assert "Lapsed" in html and "Awaiting answer" not in html


# The project page: its project and its shared parts are kept under the data version.


def test_a_project_page_seen_again_reads_only_what_is_the_viewers(
    client, candidate_user, project, django_assert_num_queries
):
    client.force_login(candidate_user)
    first = client.get(f"/projects/{project.key}/").content.decode()
    # The session, the person, the version; the host-admin rule, the candidate's profile
    # and application (the apply box).
    with django_assert_num_queries(6):
        second = client.get(f"/projects/{project.key}/").content.decode()
    assert _main(second).count(project.title) == _main(first).count(project.title) >= 1


def test_a_project_page_shows_an_edit_and_a_new_supervisor_at_once(client, candidate_user, project):
    client.force_login(candidate_user)
    assert project.title in client.get(f"/projects/{project.key}/").content.decode()

    project.title = "Renamed project"
    project.save()
    html = client.get(f"/projects/{project.key}/").content.decode()
    assert "Renamed project" in html

    other = factories.UserFactory(given_name="Noriko", family_name="Sato")
    project.supervisions.create(person=other, role="industry", order=2)
    assert "Sato" in client.get(f"/projects/{project.key}/").content.decode()


# The rank pages: each person's widget is kept, with each answer's own CSRF token.


def _widget(html: str) -> str:
    return html.split('<div id="ranking"', 1)[1].split("</form>", 1)[0]


def test_a_kept_rank_page_carries_a_working_csrf_token(candidate_user, project):
    other = factories.ProjectFactory(call=project.call)
    for shown in (project, other):
        factories.ApplicationFactory(candidate=candidate_user, project=shown)
    client = Client(enforce_csrf_checks=True)
    client.force_login(candidate_user)
    url = f"/calls/{project.call.slug}/ranking/"
    first = client.get(url).content.decode()
    second = client.get(url).content.decode()
    assert _widget(first).count("data-id=") == _widget(second).count("data-id=") == 2

    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', _widget(second)).group(1)
    response = client.post(url, {"csrfmiddlewaretoken": token, "ids": [other.pk], "action": "save"})

    assert response.status_code == 302
    assert list(
        Application.objects.filter(candidate=candidate_user, rank__isnull=False).values_list(
            "project_id", "rank"
        )
    ) == [(other.pk, 1)]
    html = client.get(url).content.decode()
    assert "The list that counts is your last saved one: version 1" in html
    ranked = _widget(html).split('data-list="unranked"')[0]
    assert f'data-id="{other.pk}"' in ranked and f'data-id="{project.pk}"' not in ranked


def test_a_kept_rank_page_costs_four_queries(
    client, candidate_user, project, django_assert_num_queries
):
    factories.ApplicationFactory(candidate=candidate_user, project=project)
    client.force_login(candidate_user)
    url = f"/calls/{project.call.slug}/ranking/"
    client.get(url)
    # The session, the person, the permission's candidate profile, the two versions.
    with django_assert_num_queries(4):
        assert f'data-id="{project.pk}"' in client.get(url).content.decode()


def test_a_withdrawn_applicant_leaves_the_kept_host_ranking(client, supervisor_user, project):
    stay, leave = factories.candidate(), factories.candidate()
    for person in (stay, leave):
        factories.ApplicationFactory(candidate=person, project=project)
    client.force_login(supervisor_user)
    url = f"/supervising/calls/{project.call.slug}/ranking/"
    html = client.get(url).content.decode()
    assert f'data-id="{stay.pk}"' in html and f'data-id="{leave.pk}"' in html

    Application.objects.filter(candidate=leave).update(status="withdrawn")

    html = client.get(url).content.decode()
    assert f'data-id="{stay.pk}"' in html and f'data-id="{leave.pk}"' not in html


# The runs page: its body is kept per officer, with each answer's own CSRF tokens.


def test_a_kept_runs_page_shows_each_run_and_label_and_takes_its_form(market, start):
    client = Client(enforce_csrf_checks=True)
    client.force_login(market.officer)
    url = "/calls/summer/runs/"
    assert "No run yet." in client.get(url).content.decode()

    run = start(market, label="baseline")
    html = client.get(url).content.decode()
    assert f'<a href="/runs/{run.pk}/">Run {run.pk}</a>' in html and "baseline" in html

    MatchRun.objects.filter(pk=run.pk).update(label="renamed")
    html = client.get(url).content.decode()
    assert "renamed" in html and "baseline" not in html

    form = html.split('id="start-title"', 1)[1]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    response = client.post(
        url,
        {"csrfmiddlewaretoken": token, "mode": "student", "seed": "0", "cap_by": ""},
    )
    assert response.status_code == 302
    assert MatchRun.objects.filter(call=market.call).count() == 2


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_first_bump_outside_a_transaction_follows_an_insert_still_in_progress():
    # Autocommit, no activity row yet: the bump runs while the INSERT … RETURNING that
    # called it is still in progress, when SQLite refuses a commit (the demo's load).
    DataVersion.objects.filter(pk=ACTIVITY_PK).delete()

    factories.OrganisationFactory()

    assert activity_version() != ""
