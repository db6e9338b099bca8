"""Home, login, language switch, and the permission matrix of every page."""

import pytest
from django.urls import reverse

from tests import factories


@pytest.fixture
def world(db):
    return factories.page_world()


def test_home_anonymous_shows_purpose_and_login(client, db):
    response = client.get("/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Research internships between Canada and Japan</h1>" in html
    assert f'href="{reverse("login")}?next=/"' in html
    assert 'href="/projects/">Projects</a>' in html
    assert "My applications" not in html


def test_home_candidate_has_candidate_links(client, world):
    client.force_login(world.candidate)

    html = client.get("/").content.decode()

    assert 'href="/applications/">My applications</a>' in html
    assert 'href="/supervising/projects/"' not in html
    assert 'href="/calls/"' not in html


def test_home_sends_strict_csp_and_no_inline_script(client, db):
    response = client.get("/")

    html = response.content.decode()
    assert response.headers["Content-Security-Policy"].startswith("default-src 'self'")
    assert "<script>" not in html and "<style" not in html and " style=" not in html
    assert '<script src="/static/vendor/htmx/htmx.min.js" defer></script>' in html
    assert '<script src="/static/kakehashi/js/reorder.js" defer></script>' in html


def test_home_follows_accept_language_japanese(client, db):
    html = client.get("/", headers={"accept-language": "ja"}).content.decode()

    assert '<html lang="ja">' in html
    assert "<h1>カナダと日本をつなぐ研究インターンシップ</h1>" in html


def test_home_follows_accept_language_french(client, db):
    html = client.get("/", headers={"accept-language": "fr-CA,fr;q=0.9"}).content.decode()

    assert '<html lang="fr">' in html
    assert "<h1>Stages de recherche entre le Canada et le Japon</h1>" in html


def test_set_language_switches_interface_to_japanese(client, db):
    response = client.post(reverse("set_language"), {"language": "ja", "next": "/projects/"})

    assert response.status_code == 302
    assert response["Location"] == "/projects/"
    html = client.get("/projects/").content.decode()
    assert '<html lang="ja">' in html
    assert "<h1>インターンシップ・プロジェクト</h1>" in html


def test_login_logs_in_and_redirects_to_next(client, world):
    response = client.post(
        reverse("login"), {"username": "cand", "password": "kakehashi", "next": "/applications/"}
    )

    assert response.status_code == 302
    assert response["Location"] == "/applications/"


def test_login_wrong_password_shows_error(client, world):
    response = client.post(reverse("login"), {"username": "cand", "password": "nope"})

    assert response.status_code == 200
    assert "Your username and password didn't match." in response.content.decode()


def test_logout_by_post_returns_home(client, world):
    client.force_login(world.candidate)

    response = client.post(reverse("logout"))

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert "_auth_user_id" not in client.session


def test_footer_shows_viewer_time_zone(client, world):
    world.candidate.timezone = "America/Vancouver"
    world.candidate.save()
    client.force_login(world.candidate)

    html = client.get("/").content.decode()

    assert "Times are shown in your time zone: America/Vancouver." in html


# The permission matrix: every page, every role. "login" = redirect to the login page.
ROLES = ["anonymous", "candidate", "other_candidate", "supervisor", "other_supervisor", "officer"]
ALL = dict.fromkeys(ROLES, 200)
SIGNED_IN = {**dict.fromkeys(ROLES, 200), "anonymous": "login"}
CANDIDATES = {**dict.fromkeys(ROLES, 404), "anonymous": "login", "candidate": 200}
CANDIDATES["other_candidate"] = 200
SUPERVISORS = {**dict.fromkeys(ROLES, 404), "anonymous": "login"}
SUPERVISORS.update(supervisor=200, other_supervisor=200)
OFFICERS = {**dict.fromkeys(ROLES, 404), "anonymous": "login", "officer": 200}

PAGES = {
    "home": (lambda w: "/", ALL),
    "project list": (lambda w: "/projects/", ALL),
    "project": (lambda w: f"/projects/{w.project.key}/", ALL),
    "application": (
        lambda w: f"/applications/{w.application.pk}/",
        {**SIGNED_IN, "other_candidate": 404, "other_supervisor": 404},
    ),
    "my applications": (lambda w: "/applications/", CANDIDATES),
    "rank": (lambda w: f"/calls/{w.call.slug}/ranking/", CANDIDATES),
    "profile": (lambda w: "/profile/", SIGNED_IN),
    "profile edit": (lambda w: "/profile/edit/", SIGNED_IN),
    # Officers may post projects at any host: "My projects" has the form's link.
    "my projects": (lambda w: "/supervising/projects/", {**SUPERVISORS, "officer": 200}),
    "applicants in call": (lambda w: f"/supervising/calls/{w.call.slug}/applicants/", SUPERVISORS),
    "host ranking": (lambda w: f"/supervising/calls/{w.call.slug}/ranking/", SUPERVISORS),
    "project applicants": (
        lambda w: f"/projects/{w.project.key}/applicants/",
        {**SIGNED_IN, "candidate": 404, "other_candidate": 404, "other_supervisor": 404},
    ),
    "calls": (lambda w: "/calls/", OFFICERS),
    "call overview": (lambda w: f"/calls/{w.call.slug}/", OFFICERS),
    "call edit": (lambda w: f"/calls/{w.call.slug}/edit/", OFFICERS),
    "call new": (lambda w: "/calls/new/", OFFICERS),
    "program new": (lambda w: "/programs/new/", OFFICERS),
    "runs": (lambda w: f"/calls/{w.call.slug}/runs/", OFFICERS),
    "embeddings": (lambda w: "/officer/embeddings/", OFFICERS),
    "search": (lambda w: "/search/?q=brain", ALL),
    "my results": (lambda w: "/results/", CANDIDATES),
    "my interns": (lambda w: "/interns/", SUPERVISORS),
    "recommended candidates": (
        lambda w: f"/supervising/projects/{w.project.key}/recommended-candidates/",
        {**SIGNED_IN, "candidate": 404, "other_candidate": 404, "other_supervisor": 404},
    ),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", list(PAGES))
def test_page_permissions(client, world, page, role):
    url_of, expected = PAGES[page]
    url = url_of(world)
    if role != "anonymous":
        client.force_login(getattr(world, role))

    response = client.get(url)

    want = expected[role]
    if want == "login":
        assert (response.status_code, response["Location"]) == (
            302,
            f"{reverse('login')}?next={url}",
        )
    else:
        assert response.status_code == want


def test_other_candidates_application_is_404_not_403(client, world):
    client.force_login(world.other_candidate)

    response = client.get(f"/applications/{world.application.pk}/")

    assert response.status_code == 404
    assert world.project.title not in response.content.decode()


def test_unpublished_project_is_404_for_public(client, world):
    world.project.status = "draft"
    world.project.save()

    assert client.get(f"/projects/{world.project.key}/").status_code == 404
    client.force_login(world.supervisor)
    assert client.get(f"/projects/{world.project.key}/").status_code == 200
