"""The public project list (search, filters, HTMX, pagination), the project page and
the supervisor's project list."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kakehashi.projects.models import ProjectVersion
from kakehashi.research_fields.models import ResearchField
from tests import factories


@pytest.fixture
def world(db):
    return factories.page_world()


def _count_queries(client, url, **kwargs) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, **kwargs).status_code == 200
    return len(ctx.captured_queries)


def test_project_list_shows_every_published_project(client, world):
    html = client.get("/projects/").content.decode()

    assert "2 projects found" in html
    assert (
        '<a href="/projects/eeg-decoding/" lang="en">'
        "Decoding EEG for brain-computer interfaces</a>" in html
    )
    assert '<a href="/projects/robotics/" lang="ja">ロボット制御の研究</a>' in html
    assert "<title>Projects · Kakehashi</title>" in html


def test_project_list_filters_by_language_of_posting(client, world):
    html = client.get("/projects/", {"language": "en"}).content.decode()

    assert "1 project found" in html
    assert "Decoding EEG" in html
    assert "ロボット制御の研究" not in html


def test_project_list_search_matches_skills(client, world):
    html = client.get("/projects/", {"q": "signal"}).content.decode()

    assert "1 project found" in html
    assert "Decoding EEG" in html


def test_project_list_filters_by_field_and_descendants(client, world):
    group = ResearchField.objects.get(code="RDF101")
    leaf = ResearchField.objects.filter(code__startswith="RDF101", level=4).first()
    world.project.fields.set([leaf])

    html = client.get("/projects/", {"field": group.code}).content.decode()

    assert "1 project found" in html
    assert f'<span class="tag field">{leaf.title_en}</span>' in html


def test_project_list_filters_by_host_country_none_found(client, world):
    html = client.get("/projects/", {"country": "CA"}).content.decode()

    assert "0 projects found" in html
    assert "No project matches these filters." in html


def test_project_list_htmx_returns_results_fragment_only(client, world):
    response = client.get("/projects/", {"q": "EEG"}, headers={"hx-request": "true"})

    html = response.content.decode()
    assert html.lstrip().startswith('<section id="results"')
    assert "<html" not in html
    assert "1 project found" in html


def test_project_list_htmx_history_restore_gets_full_page(client, world):
    response = client.get(
        "/projects/",
        {"q": "EEG"},
        headers={"hx-request": "true", "hx-history-restore-request": "true"},
    )

    assert response.content.decode().startswith("<!doctype html>")
    assert "HX-Request" in response.headers["Vary"].split(", ")


def test_project_list_form_is_htmx_live_filter(client, world):
    html = client.get("/projects/").content.decode()

    assert 'hx-get="/projects/" hx-target="#results"' in html
    assert (
        'hx-trigger="input changed delay:300ms from:#id_q, change from:.live-filter, submit"'
        in html
    )
    assert '<label for="id_working_language">Working language</label>' in html


def test_project_list_paginates_and_keeps_filters(client, world):
    for n in range(12):
        factories.ProjectFactory(call=world.call, key=f"extra-{n}", language="fr")

    first = client.get("/projects/", {"language": "fr"}).content.decode()
    second = client.get("/projects/", {"language": "fr", "page": 2}).content.decode()

    assert "12 projects found" in first
    assert "Page 1 of 1" not in first
    assert "Page 1 of 2" not in first  # 12 fit on one page
    factories.ProjectFactory(call=world.call, key="extra-12", language="fr")
    first = client.get("/projects/", {"language": "fr"}).content.decode()
    assert "Page 1 of 2" in first
    assert 'href="?language=fr&amp;page=2"' in first
    assert "Page 2 of 2" in client.get("/projects/?language=fr&page=2").content.decode()
    assert second.count('class="card project-card"') == 12


def test_project_list_query_count_does_not_grow_with_rows(client, world, django_assert_num_queries):
    world.other_application.delete()
    world.other_project.delete()
    expected = _count_queries(client, "/projects/")
    for n in range(2):
        project = factories.ProjectFactory(call=world.call, key=f"more-{n}")
        project.fields.set(ResearchField.objects.filter(level=4)[:2])

    with django_assert_num_queries(expected):
        html = client.get("/projects/").content.decode()
    assert "3 projects found" in html


def test_project_page_shows_original_language_and_facts(client, world):
    field = ResearchField.objects.get(code="RDF101")
    world.project.fields.set([field])

    html = client.get("/projects/eeg-decoding/").content.decode()

    assert '<h1 lang="en">Decoding EEG for brain-computer interfaces</h1>' in html
    assert '<div lang="en"><p>A project on EEG decoding.</p></div>' in html
    assert f'<a href="https://ror.org/{world.host.ror_id}" rel="external">' in html
    assert 'Hana Sato <span class="muted">(Academic supervisor)</span>' in html
    assert "Mathematics and statistics" in html
    assert '<span class="tag">signal processing</span>' in html
    assert "Kyoto, Kyoto, Japan" in html
    assert "17 weeks" in html
    assert "<dt>Working language</dt>\n        <dd>English</dd>" in html


def test_project_page_in_japanese_shows_field_and_host_in_japanese(client, world):
    world.project.fields.set([ResearchField.objects.get(code="RDF101")])

    html = client.get("/projects/eeg-decoding/", headers={"accept-language": "ja"}).content.decode()

    assert "数学・統計学" in html
    assert "京都テスト大学" in html
    assert "京都府" in html
    # The content stays in its own language, tagged.
    assert '<h1 lang="en">Decoding EEG for brain-computer interfaces</h1>' in html


def test_project_page_offers_apply_to_eligible_candidate(client, world):
    client.force_login(world.other_candidate)

    html = client.get("/projects/eeg-decoding/").content.decode()

    assert 'hx-post="/projects/eeg-decoding/apply/" hx-target="#apply"' in html
    assert '<textarea id="id_statement" name="statement"' in html


def test_project_page_tells_applicant_they_applied(client, world):
    client.force_login(world.candidate)

    html = client.get("/projects/eeg-decoding/").content.decode()

    assert "You applied to this project on" in html
    assert 'href="/calls/summer/ranking/"' in html
    assert "id_statement" not in html


def test_project_page_explains_ineligibility(client, world):
    canadian = factories.ProjectFactory(
        call=world.call,
        key="in-canada",
        host=factories.CanadianOrganisationFactory(),
        region="CA-BC",
    )
    client.force_login(world.candidate)

    html = client.get(f"/projects/{canadian.key}/").content.decode()

    assert (
        "This project is hosted in your home country; internships are in the other country." in html
    )
    assert "id_statement" not in html


def test_project_page_has_no_apply_section_for_anonymous(client, world):
    html = client.get("/projects/eeg-decoding/").content.decode()

    assert 'id="apply"' not in html


def test_my_projects_lists_only_mine_with_applicant_counts(client, world):
    client.force_login(world.supervisor)

    html = client.get("/supervising/projects/").content.decode()

    assert "Decoding EEG" in html
    assert "ロボット制御の研究" not in html
    assert '<a href="/projects/eeg-decoding/applicants/">1</a>' in html
    assert 'href="/supervising/calls/summer/ranking/"' in html


def test_my_projects_query_count_does_not_grow_with_rows(client, world, django_assert_num_queries):
    client.force_login(world.supervisor)
    expected = _count_queries(client, "/supervising/projects/")
    # Session, user, the permission (supervises), the navigation's roles (2: they also say
    # whether there are invitations and whether the person may post), the projects, their
    # fields, their supervisors.
    assert expected == 8
    for n in range(2):
        factories.ProjectFactory(call=world.call, key=f"mine-{n}", supervisor=world.supervisor)

    with django_assert_num_queries(expected):
        html = client.get("/supervising/projects/").content.decode()
    assert '<a href="/projects/mine-0/applicants/">0</a>' in html
    assert '<a href="/projects/mine-1/applicants/">0</a>' in html


@pytest.mark.parametrize("edits", [1, 3])
def test_project_page_of_an_applicant_reads_each_thing_once(
    client, world, edits, django_assert_num_queries
):
    """The versions are read once (the apply box gets the page's), the host-admin check
    once, and invitations only for someone who has one; edits do not add queries."""
    for n in range(edits):
        ProjectVersion.objects.create(
            project=world.project,
            number=n + 1,
            edited_at=timezone.now(),
            actor=world.supervisor,
            after_opening=True,
            before={"title": "Old"},
            after={"title": world.project.title},
        )
    client.force_login(world.candidate)
    # Session, user, the drafts they see (kept per person and data version when the
    # cache is on; it is off in tests), the project with its fields and supervisions
    # (3), versions, host admin (can change; can vet asks again), roles (1), the
    # candidate's profile and application (the apply box): no invitation query.
    with django_assert_num_queries(12):
        html = client.get(f"/projects/{world.project.key}/").content.decode()
    assert world.project.title in html
