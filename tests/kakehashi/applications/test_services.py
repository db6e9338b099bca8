import datetime as dt
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.utils import timezone

from kakehashi.applications.models import Application, HostRank
from kakehashi.applications.services import (
    application_submit,
    application_withdraw,
    host_ranking_set,
    rank_list_set,
)
from tests import factories


def test_application_submit_creates_submitted_application(candidate_user, project):
    app = application_submit(candidate=candidate_user, project=project, statement="Keen.")
    assert (app.candidate, app.project, app.call, app.status, app.rank) == (
        candidate_user,
        project,
        project.call,
        "submitted",
        None,
    )


def test_application_submit_twice_is_refused(candidate_user, project):
    application_submit(candidate=candidate_user, project=project)
    with pytest.raises(ValidationError, match="already applied"):
        application_submit(candidate=candidate_user, project=project)
    assert Application.objects.count() == 1


def test_application_submit_after_deadline_names_call_zone(candidate_user, project):
    phase = project.call.phases.get(kind="applications")
    late = phase.closes_at + dt.timedelta(seconds=1)
    with pytest.raises(ValidationError, match=r"closed on .*\(Asia/Tokyo\)"):
        application_submit(candidate=candidate_user, project=project, now=late)
    assert Application.objects.count() == 0


def test_application_submit_one_second_before_deadline_is_accepted(candidate_user, project):
    phase = project.call.phases.get(kind="applications")
    app = application_submit(
        candidate=candidate_user, project=project, now=phase.closes_at - dt.timedelta(seconds=1)
    )
    assert app.pk is not None


def test_application_submit_to_home_country_is_refused(call):
    canadian_host = factories.CanadianOrganisationFactory()
    project = factories.ProjectFactory(call=call, host=canadian_host, region="CA-BC")
    with pytest.raises(ValidationError, match="home country"):
        application_submit(candidate=factories.candidate(), project=project)


def test_application_submit_checks_the_calls_language_levels(candidate_user, project):
    project.call.eligibility = {"languages": [{"language": "fr", "level": "B2"}]}
    project.call.save()

    with pytest.raises(ValidationError) as exc:
        application_submit(candidate=candidate_user, project=project)
    assert exc.value.messages == ["This call asks for these language levels: fr B2."]
    assert Application.objects.count() == 0

    factories.LanguageSkillFactory(person=candidate_user, language="fr", level="C1")
    assert application_submit(candidate=candidate_user, project=project).pk is not None


def test_application_submit_by_non_candidate_is_refused(project):
    with pytest.raises(ValidationError, match="candidate profile"):
        application_submit(candidate=factories.UserFactory(), project=project)


def test_application_submit_to_unapproved_project_is_refused(call, candidate_user):
    project = factories.ProjectFactory(call=call, status="submitted")
    with pytest.raises(ValidationError, match="not open for applications"):
        application_submit(candidate=candidate_user, project=project)


def _apply(candidate, call, n):
    projects = [factories.ProjectFactory(call=call) for _ in range(n)]
    for p in projects:
        application_submit(candidate=candidate, project=p)
    return projects


def test_rank_list_set_orders_applications(candidate_user, call):
    p1, p2, p3 = _apply(candidate_user, call, 3)
    rank_list_set(candidate=candidate_user, call=call, project_ids=[p3.pk, p1.pk])
    ranks = dict(
        Application.objects.filter(candidate=candidate_user).values_list("project_id", "rank")
    )
    assert ranks == {p1.pk: 2, p2.pk: None, p3.pk: 1}


def test_rank_list_longer_than_limit_is_refused_and_changes_nothing(candidate_user, call):
    projects = _apply(candidate_user, call, 4)
    rank_list_set(candidate=candidate_user, call=call, project_ids=[projects[0].pk])
    with pytest.raises(ValidationError, match="at most 3 projects"):
        rank_list_set(candidate=candidate_user, call=call, project_ids=[p.pk for p in projects])
    ranks = sorted(
        Application.objects.filter(candidate=candidate_user, rank__isnull=False).values_list(
            "project_id", "rank"
        )
    )
    assert ranks == [(projects[0].pk, 1)]


def test_rank_list_duplicate_is_refused(candidate_user, call):
    p1, p2 = _apply(candidate_user, call, 2)
    with pytest.raises(ValidationError, match=f"more than once in your ranking: {p1.pk}"):
        rank_list_set(candidate=candidate_user, call=call, project_ids=[p1.pk, p2.pk, p1.pk])


def test_rank_list_naming_unapplied_project_is_refused(candidate_user, call):
    (p1,) = _apply(candidate_user, call, 1)
    other = factories.ProjectFactory(call=call)
    with pytest.raises(ValidationError, match=f"applied to: {other.pk}"):
        rank_list_set(candidate=candidate_user, call=call, project_ids=[p1.pk, other.pk])
    assert Application.objects.get(project=p1).rank is None


def test_application_withdraw_moves_later_ranks_up(candidate_user, call):
    p1, p2, p3 = _apply(candidate_user, call, 3)
    rank_list_set(candidate=candidate_user, call=call, project_ids=[p1.pk, p2.pk, p3.pk])
    application_withdraw(candidate=candidate_user, application=Application.objects.get(project=p1))
    ranks = dict(
        Application.objects.filter(candidate=candidate_user).values_list("project_id", "rank")
    )
    assert ranks == {p1.pk: None, p2.pk: 1, p3.pk: 2}


def test_application_withdraw_twice_is_refused_the_second_time(candidate_user, call):
    # Two requests each load the application while it is still submitted.
    p1, p2 = _apply(candidate_user, call, 2)
    rank_list_set(candidate=candidate_user, call=call, project_ids=[p1.pk, p2.pk])
    first = Application.objects.get(project=p1)
    second = Application.objects.get(project=p1)
    application_withdraw(candidate=candidate_user, application=first)

    with pytest.raises(ValidationError) as exc:
        application_withdraw(candidate=candidate_user, application=second)

    assert exc.value.messages == ["This application is already withdrawn."]
    assert exc.value.code == "withdrawn"
    ranks = dict(
        Application.objects.filter(candidate=candidate_user).values_list("project_id", "rank")
    )
    assert ranks == {p1.pk: None, p2.pk: 1}


@pytest.mark.postgres
# serialized_rollback: the flush after it must not re-create content types under new
# ids, or the next test that restores the serialized database (jobs, backup) collides.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_application_withdraw_in_parallel_succeeds_once(candidate_user, call):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite locks the whole database, not a row: select_for_update is a no-op")
    (project,) = _apply(candidate_user, call, 1)
    loaded = [Application.objects.get(project=project) for _ in range(2)]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def withdraw(application):
        try:
            barrier.wait()
            application_withdraw(candidate=candidate_user, application=application)
            outcomes.append("withdrawn")
        except ValidationError as exc:
            outcomes.append(exc.messages[0])
        finally:
            connections.close_all()

    threads = [threading.Thread(target=withdraw, args=(a,)) for a in loaded]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["This application is already withdrawn.", "withdrawn"]
    assert Application.objects.get(project=project).status == "withdrawn"


def test_host_ranking_set_ranks_applicants(project, supervisor_user):
    a = factories.candidate()
    b = factories.candidate()
    application_submit(candidate=a, project=project)
    application_submit(candidate=b, project=project)
    host_ranking_set(supervisor=supervisor_user, call=project.call, candidate_ids=[b.pk, a.pk])
    assert list(
        HostRank.objects.filter(supervisor=supervisor_user).values_list("candidate_id", "rank")
    ) == [(b.pk, 1), (a.pk, 2)]


def test_host_ranking_of_non_applicant_is_refused(project, supervisor_user):
    a = factories.candidate()
    stranger = factories.candidate()
    application_submit(candidate=a, project=project)
    host_ranking_set(supervisor=supervisor_user, call=project.call, candidate_ids=[a.pk])
    with pytest.raises(ValidationError, match=f"applied to your projects: {stranger.pk}"):
        host_ranking_set(
            supervisor=supervisor_user, call=project.call, candidate_ids=[a.pk, stranger.pk]
        )
    assert HostRank.objects.filter(supervisor=supervisor_user).count() == 1


def test_host_ranking_after_phase_is_refused(project, supervisor_user):
    a = factories.candidate()
    application_submit(candidate=a, project=project)
    later = timezone.now() + dt.timedelta(days=30)
    with pytest.raises(ValidationError, match="closed on"):
        host_ranking_set(
            supervisor=supervisor_user, call=project.call, candidate_ids=[a.pk], now=later
        )
