"""Pages of applications: apply, my applications, withdraw, the candidate's rank list,
applicants and the supervisor's ranking."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kakehashi.applications.models import Application, HostRank, RankListVersion
from kakehashi.applications.services import application_withdraw, rank_list_set
from kakehashi.programs.models import CallPhase
from tests import factories
from tests.kakehashi.api_helpers import session_client

HTMX = {"hx-request": "true"}


@pytest.fixture
def world(db):
    return factories.page_world()


def _count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def _ranks(candidate) -> list[tuple[str, int]]:
    return list(
        Application.objects.filter(candidate=candidate, rank__isnull=False)
        .order_by("rank")
        .values_list("project__key", "rank")
    )


# Apply -------------------------------------------------------------------------


def test_apply_submits_and_redirects_to_project(client, world):
    client.force_login(world.other_candidate)

    response = client.post("/projects/eeg-decoding/apply/", {"statement": "I decode EEG."})

    assert (response.status_code, response["Location"]) == (302, "/projects/eeg-decoding/")
    application = Application.objects.get(candidate=world.other_candidate, project=world.project)
    assert (application.status, application.statement) == ("submitted", "I decode EEG.")
    html = client.get("/projects/eeg-decoding/").content.decode()
    assert "Your application has been submitted." in html
    assert "You applied to this project on" in html


def test_apply_htmx_returns_apply_fragment(client, world):
    client.force_login(world.other_candidate)

    response = client.post("/projects/eeg-decoding/apply/", {"statement": ""}, headers=HTMX)

    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<section id="apply"')
    assert "You applied to this project on" in html
    assert 'href="/calls/summer/ranking/"' in html


def test_apply_refused_shows_error_inline_and_keeps_statement(client, world):
    client.force_login(world.other_candidate)
    long_statement = "x" * 5001

    response = client.post("/projects/eeg-decoding/apply/", {"statement": long_statement})

    html = response.content.decode()
    assert response.status_code == 200
    assert "Ensure this value has at most 5000 characters (it has 5001)." in html
    assert f">{long_statement}</textarea>" in html
    assert not Application.objects.filter(candidate=world.other_candidate, project=world.project)


def test_apply_service_error_is_shown(client, world):
    canadian = factories.ProjectFactory(
        call=world.call,
        key="in-canada",
        host=factories.CanadianOrganisationFactory(),
        region="CA-BC",
    )
    client.force_login(world.candidate)

    response = client.post(f"/projects/{canadian.key}/apply/", {"statement": "s"}, headers=HTMX)

    assert (
        "This project is hosted in your home country; internships are in the other country."
        in response.content.decode()
    )
    assert not Application.objects.filter(project=canadian).exists()


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("fr", "Vous pouvez classer au plus 3 projets dans cet appel."),
        ("ja", "この公募で順位付けできるプロジェクトは最大 3 件です。"),
    ],
)
def test_rank_refusal_is_translated(client, world, language, message):
    projects = [factories.ProjectFactory(call=world.call, key=f"t{n}") for n in range(3)]
    for project in projects:
        factories.ApplicationFactory(candidate=world.candidate, project=project)
    client.force_login(world.candidate)

    response = client.post(
        "/calls/summer/ranking/",
        {"ids": [world.project.pk] + [p.pk for p in projects]},
        headers={**HTMX, "accept-language": language},
    )

    assert message in response.content.decode()


def test_apply_is_404_for_non_candidate(client, world):
    client.force_login(world.supervisor)

    assert client.post("/projects/eeg-decoding/apply/", {}).status_code == 404


# My applications and withdrawal ------------------------------------------------------


def test_my_applications_lists_only_mine(client, world):
    client.force_login(world.candidate)

    html = client.get("/applications/").content.decode()

    assert f'href="/applications/{world.application.pk}/" lang="en">Decoding EEG' in html
    assert "ロボット制御の研究" not in html
    assert '<h2 id="call-summer">2027 Summer</h2>' in html


def test_my_applications_query_count_does_not_grow_with_rows(
    client, world, django_assert_num_queries
):
    client.force_login(world.candidate)
    expected = _count_queries(client, "/applications/")
    # Session, user, the candidate profile (the permission), the navigation's roles, the
    # applications with their calls, projects and hosts.
    assert expected == 5
    for n in range(2):
        factories.ApplicationFactory(
            candidate=world.candidate,
            project=factories.ProjectFactory(call=world.call, key=f"more-{n}"),
        )

    with django_assert_num_queries(expected):
        html = client.get("/applications/").content.decode()
    assert html.count("<td>Submitted</td>") == 3


def test_application_page_shows_statement_to_supervisor(client, world):
    world.application.statement = "Because EEG."
    world.application.save()
    client.force_login(world.supervisor)

    html = client.get(f"/applications/{world.application.pk}/").content.decode()

    assert "<dd>Because EEG.</dd>" in html
    assert "<dd>Alex Martin</dd>" in html
    assert "Withdraw this application" not in html


def test_withdrawn_application_page_is_404_for_supervisor_not_candidate_or_officer(world):
    application_withdraw(candidate=world.candidate, application=world.application)
    url = f"/applications/{world.application.pk}/"

    seen_by = {
        name: session_client(getattr(world, name)).get(url)
        for name in ("supervisor", "candidate", "officer")
    }

    assert seen_by["supervisor"].status_code == 404
    assert seen_by["candidate"].status_code == 200
    assert seen_by["officer"].status_code == 200
    assert "<dd>Alex Martin</dd>" in seen_by["officer"].content.decode()


def test_withdrawn_applicant_leaves_the_supervisors_applicants_lists(world):
    application_withdraw(candidate=world.candidate, application=world.application)
    client = session_client(world.supervisor)

    pages = [
        client.get("/supervising/calls/summer/applicants/").content.decode(),
        client.get("/projects/eeg-decoding/applicants/").content.decode(),
    ]

    assert ["Alex Martin" in html for html in pages] == [False, False]


def test_withdraw_withdraws_and_redirects(client, world):
    client.force_login(world.candidate)

    response = client.post(f"/applications/{world.application.pk}/withdraw/")

    assert (response.status_code, response["Location"]) == (302, "/applications/")
    world.application.refresh_from_db()
    assert world.application.status == "withdrawn"
    assert "Your application has been withdrawn." in client.get("/applications/").content.decode()


def test_withdraw_someone_elses_application_is_404(client, world):
    client.force_login(world.candidate)

    response = client.post(f"/applications/{world.other_application.pk}/withdraw/")

    assert response.status_code == 404
    world.other_application.refresh_from_db()
    assert world.other_application.status == "submitted"


# The candidate's rank list ----------------------------------------------------------


@pytest.fixture
def three_applications(world):
    projects = [world.project] + [
        factories.ProjectFactory(call=world.call, key=f"p{n}", title=f"Project {n}") for n in (2, 3)
    ]
    for project in projects[1:]:
        factories.ApplicationFactory(candidate=world.candidate, project=project)
    return projects


def test_rank_page_shows_ranked_then_unranked(client, world, three_applications):
    p1, p2, p3 = three_applications
    Application.objects.filter(candidate=world.candidate, project=p2).update(rank=1)
    client.force_login(world.candidate)

    html = client.get("/calls/summer/ranking/").content.decode()

    ranked, unranked = html.split('data-list="unranked"')
    assert f'data-id="{p2.pk}"' in ranked
    assert f'<input type="hidden" name="ids" value="{p2.pk}">' in ranked
    assert f'<input type="hidden" name="ids" value="{p1.pk}" disabled>' in unranked
    assert f'<input type="hidden" name="ids" value="{p3.pk}" disabled>' in unranked
    assert 'aria-live="polite" data-announce' in html
    assert "You may rank up to 3 projects" in html


def test_rank_save_htmx_saves_order_and_returns_widget(client, world, three_applications):
    p1, _p2, p3 = three_applications
    client.force_login(world.candidate)

    response = client.post(
        "/calls/summer/ranking/", {"ids": [p3.pk, p1.pk], "action": "save"}, headers=HTMX
    )

    html = response.content.decode()
    assert html.lstrip().startswith('<div id="ranking"')
    assert "Your ranking has been saved." in html
    assert _ranks(world.candidate) == [("p3", 1), ("eeg-decoding", 2)]


def test_rank_move_button_without_javascript_moves_and_saves(client, world, three_applications):
    p1, p2, _p3 = three_applications
    client.force_login(world.candidate)

    response = client.post(
        "/calls/summer/ranking/", {"ids": [p1.pk, p2.pk], "action": f"up:{p2.pk}"}
    )

    assert (response.status_code, response["Location"]) == (302, "/calls/summer/ranking/")
    assert _ranks(world.candidate) == [("p2", 1), ("eeg-decoding", 2)]


def test_rank_add_and_remove_buttons_without_javascript(client, world, three_applications):
    p1, _p2, p3 = three_applications
    client.force_login(world.candidate)

    client.post("/calls/summer/ranking/", {"ids": [p1.pk], "action": f"add:{p3.pk}"})
    assert _ranks(world.candidate) == [("eeg-decoding", 1), ("p3", 2)]
    client.post("/calls/summer/ranking/", {"ids": [p1.pk, p3.pk], "action": f"remove:{p1.pk}"})
    assert _ranks(world.candidate) == [("p3", 1)]


def test_rank_refused_shows_error_and_keeps_posted_order(client, world, three_applications):
    p1, p2, p3 = three_applications
    p4 = factories.ProjectFactory(call=world.call, key="p4", title="Project 4")
    factories.ApplicationFactory(candidate=world.candidate, project=p4)
    client.force_login(world.candidate)

    response = client.post(
        "/calls/summer/ranking/", {"ids": [p4.pk, p3.pk, p2.pk, p1.pk]}, headers=HTMX
    )

    html = response.content.decode()
    assert "Your ranking was not saved:" in html
    assert "You may rank at most 3 projects in this call." in html
    ranked = html.split('data-list="unranked"')[0]
    positions = [ranked.index(f'data-id="{p.pk}"') for p in (p4, p3, p2, p1)]
    assert positions == sorted(positions)
    assert _ranks(world.candidate) == []


def test_rank_page_query_count_does_not_grow_with_rows(client, world, django_assert_num_queries):
    client.force_login(world.candidate)
    expected = _count_queries(client, "/calls/summer/ranking/")
    for n in range(2):
        factories.ApplicationFactory(
            candidate=world.candidate,
            project=factories.ProjectFactory(call=world.call, key=f"more-{n}"),
            rank=n + 1,
        )

    with django_assert_num_queries(expected):
        html = client.get("/calls/summer/ranking/").content.decode()
    assert html.count('class="reorder-item"') == 3


def test_rank_page_unknown_call_is_404(client, world):
    client.force_login(world.candidate)

    assert client.get("/calls/nope/ranking/").status_code == 404


# Supervisors: applicants and ranking -----------------------------------------------


def test_applicants_in_call_shows_only_my_applicants_with_profile(client, world):
    factories.LanguageSkillFactory(person=world.candidate, language="ja", level="N2")
    client.force_login(world.supervisor)

    html = client.get("/supervising/calls/summer/applicants/").content.decode()

    assert '<h2 class="h3">Alex Martin' in html
    assert "Chloé Roy" not in html
    assert "<dd>PhD student</dd>" in html
    assert "Japanese (JLPT N2)" in html
    assert '<dd lang="en">EEG decoding for brain-computer interfaces.</dd>' in html


def test_project_applicants_of_someone_elses_project_is_404(client, world):
    client.force_login(world.supervisor)

    assert client.get("/projects/robotics/applicants/").status_code == 404


def test_applicants_query_count_does_not_grow_with_rows(client, world, django_assert_num_queries):
    client.force_login(world.supervisor)
    url = "/supervising/calls/summer/applicants/"
    expected = _count_queries(client, url)
    for _ in range(2):
        person = factories.candidate()
        factories.LanguageSkillFactory(person=person)
        factories.ApplicationFactory(candidate=person, project=world.project)

    with django_assert_num_queries(expected):
        html = client.get(url).content.decode()
    assert html.count('<li class="card">') == 3


def test_project_applicants_query_count_does_not_grow_with_rows(
    client, world, django_assert_num_queries
):
    client.force_login(world.supervisor)
    url = "/projects/eeg-decoding/applicants/"
    expected = _count_queries(client, url)
    for _ in range(2):
        factories.ApplicationFactory(project=world.project)

    with django_assert_num_queries(expected):
        html = client.get(url).content.decode()
    assert html.count('<li class="card">') == 3


@pytest.fixture
def three_applicants(world):
    others = [factories.candidate(user__given_name=name) for name in ("Bea", "Cy")]
    for person in others:
        factories.ApplicationFactory(candidate=person, project=world.project)
    return [world.candidate, *others]


def test_host_ranking_saves_order_and_leaves_unranked_out(client, world, three_applicants):
    a, b, c = three_applicants
    client.force_login(world.supervisor)

    response = client.post(
        "/supervising/calls/summer/ranking/", {"ids": [c.pk, a.pk]}, headers=HTMX
    )

    html = response.content.decode()
    assert "Your ranking has been saved." in html
    assert list(
        HostRank.objects.filter(supervisor=world.supervisor).values_list("candidate_id", "rank")
    ) == [(c.pk, 1), (a.pk, 2)]
    unranked = html.split('data-list="unranked"')[1]
    assert f'data-id="{b.pk}"' in unranked


def test_host_ranking_refuses_stranger_and_keeps_order(client, world, three_applicants):
    a, b, _c = three_applicants
    factories.HostRankFactory(supervisor=world.supervisor, call=world.call, candidate=a)
    client.force_login(world.supervisor)

    response = client.post(
        "/supervising/calls/summer/ranking/",
        {"ids": [b.pk, world.other_candidate.pk]},
        headers=HTMX,
    )

    html = response.content.decode()
    assert (
        f"You can only rank people who applied to your projects: {world.other_candidate.pk}."
        in html
    )
    assert f'data-id="{b.pk}"' in html.split('data-list="unranked"')[0]
    assert list(
        HostRank.objects.filter(supervisor=world.supervisor).values_list("candidate_id", flat=True)
    ) == [a.pk]


def test_host_ranking_page_query_count_does_not_grow_with_rows(
    client, world, django_assert_num_queries
):
    client.force_login(world.supervisor)
    url = "/supervising/calls/summer/ranking/"
    factories.HostRankFactory(
        supervisor=world.supervisor, call=world.call, candidate=world.candidate
    )
    expected = _count_queries(client, url)
    for rank in (2, 3):
        application = factories.ApplicationFactory(project=world.project)
        factories.HostRankFactory(
            supervisor=world.supervisor, call=world.call, candidate=application.candidate, rank=rank
        )

    with django_assert_num_queries(expected):
        html = client.get(url).content.decode()
    assert html.count('class="reorder-item"') == 3


def test_rank_page_shows_deadline_in_call_zone_and_mine(client, world):
    import datetime as dt

    from kakehashi.programs.models import CallPhase

    CallPhase.objects.filter(call=world.call, kind="applications").update(
        closes_at=dt.datetime(2027, 1, 31, 8, 59, tzinfo=dt.UTC)
    )
    world.candidate.timezone = "America/Vancouver"
    world.candidate.save()
    client.force_login(world.candidate)

    html = client.get("/calls/summer/ranking/").content.decode()

    assert (
        "Deadline (Applications and candidate ranking): <strong>Jan. 31, 2027, 5:59 p.m.</strong>"
        " (Asia/Tokyo), that is Jan. 31, 2027, 12:59 a.m. in your time zone." in html
    )


@pytest.mark.django_db
def test_application_page_shows_rank_to_the_candidate_not_the_supervisor(
    candidate_user, supervisor_user, project
):
    application = factories.ApplicationFactory(candidate=candidate_user, project=project, rank=3)
    url = reverse("applications:detail", args=[application.pk])

    as_candidate = session_client(candidate_user).get(url).content.decode()
    as_supervisor = session_client(supervisor_user).get(url)

    assert "<dt>Rank</dt><dd>3</dd>" in as_candidate
    assert as_supervisor.status_code == 200
    assert "<dt>Rank</dt>" not in as_supervisor.content.decode()


@pytest.fixture
def full_list(world, three_applications):
    """The candidate has ranked as many projects as the call allows (3) and applied to a 4th."""
    p4 = factories.ProjectFactory(call=world.call, key="p4", title="Project 4")
    factories.ApplicationFactory(candidate=world.candidate, project=p4)
    rank_list_set(
        candidate=world.candidate, call=world.call, project_ids=[p.pk for p in three_applications]
    )
    return [*three_applications, p4]


@pytest.mark.parametrize("htmx", [False, True], ids=["no-js", "htmx"])
def test_rank_adding_beyond_limit_keeps_the_saved_list(client, world, full_list, htmx):
    """Regression: adding a 4th project at a limit of 3 must leave the saved list whole."""
    p1, p2, p3, p4 = full_list
    client.force_login(world.candidate)

    response = client.post(
        "/calls/summer/ranking/",
        {"ids": [p1.pk, p2.pk, p3.pk], "action": f"add:{p4.pk}"},
        headers=HTMX if htmx else {},
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "You may rank at most 3 projects in this call." in html
    assert "Your last saved list still counts; nothing you changed here is saved." in html
    assert "4 of 3 ranked" in html
    assert '<span class="dirty" data-dirty>' in html
    assert _ranks(world.candidate) == [("eeg-decoding", 1), ("p2", 2), ("p3", 3)]
    page = client.get("/calls/summer/ranking/").content.decode()
    assert "3 of 3 ranked" in page
    assert "The list that counts is your last saved one: version 1, saved" in page
    assert "with 3 projects." in page
    ranked = page.split('data-list="unranked"')[0]
    assert [f'data-id="{p.pk}"' in ranked for p in full_list] == [True, True, True, False]


def test_rank_first_save_refused_says_no_list_counts(client, world, three_applications):
    """The trap behind "not placed: you ranked no project": a refused first save showed
    the refused order as if ranked. The page now says nothing is saved and nothing counts."""
    p4 = factories.ProjectFactory(call=world.call, key="p4", title="Project 4")
    factories.ApplicationFactory(candidate=world.candidate, project=p4)
    client.force_login(world.candidate)

    html = client.post(
        "/calls/summer/ranking/", {"ids": [p.pk for p in [*three_applications, p4]]}
    ).content.decode()

    assert "You may rank at most 3 projects in this call." in html
    assert html.count("You have no saved list yet: until you save one, you are ranked on no") == 2
    assert _ranks(world.candidate) == []
    assert "0 of 3 ranked" in client.get("/calls/summer/ranking/").content.decode()


def test_rank_page_shows_saved_time_in_the_candidates_zone(client, world, three_applications):
    world.candidate.timezone = "America/Vancouver"
    world.candidate.save(update_fields=["timezone"])
    client.force_login(world.candidate)
    client.post("/calls/summer/ranking/", {"ids": [three_applications[0].pk]})
    RankListVersion.objects.update(saved_at=dt.datetime(2027, 3, 1, 9, 30, tzinfo=dt.UTC))

    html = client.get("/calls/summer/ranking/").content.decode()

    assert "version 1, saved March 1, 2027, 1:30 a.m. (America/Vancouver), with 1 project." in html


def test_deadline_refusal_names_the_calls_zone_and_the_readers(client, world, three_applications):
    closes = dt.datetime(2026, 1, 31, 8, 0, tzinfo=dt.UTC)
    CallPhase.objects.filter(call=world.call, kind="applications").update(
        opens_at=closes - dt.timedelta(days=30), closes_at=closes, timezone="Asia/Tokyo"
    )
    world.candidate.timezone = "America/Vancouver"
    world.candidate.save(update_fields=["timezone"])
    client.force_login(world.candidate)

    html = client.post("/calls/summer/ranking/", {"ids": [world.project.pk]}).content.decode()

    assert (
        "The Applications and candidate ranking phase closed on Jan. 31, 2026, 5 p.m. "
        "(Asia/Tokyo), that is Jan. 31, 2026, midnight in your time zone (America/Vancouver)."
        in html
    )
