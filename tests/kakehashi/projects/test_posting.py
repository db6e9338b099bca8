"""Posting and vetting projects in the browser: the project form (create, edit,
preview), its translations on the project page, returning with a comment, the vetting
queue, the research field search, and the mail of each step."""

import pytest
from django.db import connection, models
from django.test.utils import CaptureQueriesContext

from kakehashi.audit.models import AuditEntry
from kakehashi.people.models import Affiliation
from kakehashi.projects.models import Project, SupervisionInvitation
from kakehashi.projects.services import project_transition
from kakehashi.research_fields.models import ResearchField
from tests import factories
from tests.kakehashi.api_helpers import API, body, session_client


@pytest.fixture
def host(db):
    return factories.CanadianOrganisationFactory(name="Université Laval", name_en="Laval")


def _affiliated(host, role: str, **kwargs):
    person = factories.UserFactory(**kwargs)
    Affiliation.objects.create(person=person, organisation=host, role=role)
    return person


@pytest.fixture
def author(host):
    return _affiliated(host, "supervisor", username="author")


@pytest.fixture
def admin(host):
    return _affiliated(host, "admin", username="org-admin", preferred_language="fr")


@pytest.fixture
def industry(db):
    return factories.UserFactory(username="industry", preferred_language="fr")


@pytest.fixture
def draft(call, host, author):
    return factories.ProjectFactory(
        call=call,
        host=host,
        supervisor=author,
        status="draft",
        key="draft-one",
        language="en",
        title="Soft robots",
    )


def _post_data(call, host, **extra) -> dict:
    data = {
        "call": call.slug,
        "host": str(host.pk),
        "key": "",
        "language": "en",
        "title": "Soft robots for surgery",
        "summary": "Grippers that do not hurt.",
        "description": "We build soft grippers.",
        "title_fr": "Robots souples pour la chirurgie",
        "summary_fr": "",
        "description_fr": "Nous construisons des pinces souples.",
        "skills": "python, ROS ,",
        "working_language": "en",
        "city": "Québec",
        "region": "CA-QC",
        "start_date": "2027-05-01",
        "end_date": "2027-08-31",
        "capacity": "2",
        "academic": "author@example.org",
        "industry": "",
    }
    data.update(extra)
    return data


# ------------------------------------------------------------------ who may see the pages


def _role_user(role, host, draft):
    if role == "anonymous":
        return None
    if role == "candidate":
        return factories.candidate()
    if role == "unaffiliated supervisor":
        person = factories.UserFactory()
        factories.ProjectFactory(supervisor=person)  # supervises elsewhere
        return person
    if role == "affiliated supervisor":
        return draft.supervisions.get().person
    if role == "host admin":
        return _affiliated(host, "admin")
    return factories.OfficerFactory()


ROLES = [
    "anonymous",
    "candidate",
    "unaffiliated supervisor",
    "affiliated supervisor",
    "host admin",
    "officer",
]


@pytest.mark.parametrize(
    "role,new,edit,vetting",
    [
        ("anonymous", 302, 302, 302),
        ("candidate", 404, 404, 404),
        ("unaffiliated supervisor", 404, 404, 404),
        ("affiliated supervisor", 200, 200, 404),
        ("host admin", 200, 200, 200),
        ("officer", 200, 200, 200),
    ],
)
def test_who_may_open_the_new_pages(client, host, draft, role, new, edit, vetting):
    user = _role_user(role, host, draft)
    if user is not None:
        client.force_login(user)

    answers = [
        client.get("/supervising/projects/new/").status_code,
        client.get(f"/projects/{draft.key}/edit/").status_code,
        client.get("/vetting/projects/").status_code,
    ]

    assert answers == [new, edit, vetting]


@pytest.mark.parametrize("role", ROLES)
def test_only_vetters_approve(client, host, draft, role, django_capture_on_commit_callbacks):
    draft.status, draft.submitted_at = "submitted", None
    draft.save()
    user = _role_user(role, host, draft)
    if user is not None:
        client.force_login(user)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/projects/{draft.key}/status/", {"to": "approved"})

    draft.refresh_from_db()
    assert draft.status == ("approved" if role in ("host admin", "officer") else "submitted")


def test_my_projects_offers_posting_to_an_affiliated_person_without_projects(client, host):
    client.force_login(_affiliated(host, "researcher"))

    html = client.get("/supervising/projects/").content.decode()

    assert '<a class="button primary" href="/supervising/projects/new/">Post a project</a>' in html


# ------------------------------------------------------------------ creating and editing


def test_create_saves_a_draft_with_translation_and_invites_the_co_supervisor(
    client, call, host, author, industry, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(author)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/supervising/projects/new/",
            _post_data(call, host, industry="industry@example.org"),
        )

    project = Project.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/projects/{project.key}/edit/"
    assert project.key == "soft-robots-for-surgery"
    assert project.status == "draft"
    assert project.translations == {
        "fr": {
            "title": "Robots souples pour la chirurgie",
            "description": "Nous construisons des pinces souples.",
        }
    }
    assert project.skills == ["python", "ROS"]
    assert project.capacity == 2
    assert [s.person for s in project.supervisions.all()] == [author]
    invitation = SupervisionInvitation.objects.get()
    assert (invitation.person, invitation.role, invitation.invited_by) == (
        industry,
        "industry",
        author,
    )
    assert [m.to for m in mailoutbox] == [["industry@example.org"]]
    assert mailoutbox[0].subject == (
        "Kakehashi : vous êtes invité·e à superviser « Robots souples pour la chirurgie »"
    )
    assert f"/projects/{project.key}/" in mailoutbox[0].body


def test_preview_shows_the_page_and_saves_nothing(client, call, host, author, industry):
    client.force_login(author)

    html = client.post(
        "/supervising/projects/new/",
        {**_post_data(call, host, industry="industry@example.org"), "preview": "1"},
    ).content.decode()

    assert "Preview: the page as candidates will see it (not saved yet)" in html
    assert '<h2 lang="en">Soft robots for surgery</h2>' in html
    assert '<div lang="fr">' in html
    # Only the co-supervisor is marked: the author is listed at once.
    assert html.count("(invited: listed once they accept)") == 1
    assert Project.objects.count() == 0


def test_errors_show_on_the_fields_and_save_nothing(client, call, host, author):
    client.force_login(author)

    html = client.post(
        "/supervising/projects/new/",
        _post_data(call, host, end_date="2027-04-01", academic="nobody@example.org"),
    ).content.decode()

    assert "The project must end after it starts." not in html  # the form stops first
    assert '<span class="error">No one at Kakehashi has this e-mail address.</span>' in html
    assert Project.objects.count() == 0

    html = client.post(
        "/supervising/projects/new/", _post_data(call, host, end_date="2027-04-01")
    ).content.decode()

    assert '<span class="error">The project must end after it starts.</span>' in html
    assert Project.objects.count() == 0


def test_a_host_outside_ones_affiliations_is_refused(client, call, author):
    elsewhere = factories.OrganisationFactory()
    client.force_login(author)

    html = client.post("/supervising/projects/new/", _post_data(call, elsewhere)).content.decode()

    assert "Select a valid choice." in html
    assert Project.objects.count() == 0


def test_edit_is_a_new_version_and_keeps_the_supervisors(client, draft, author):
    client.force_login(author)
    data = _post_data(draft.call, draft.host, title="Softer robots")

    response = client.post(f"/projects/{draft.key}/edit/", data)

    draft.refresh_from_db()
    assert response.status_code == 302
    assert draft.title == "Softer robots"
    assert draft.versions.get().after["title"] == "Softer robots"
    assert [s.person for s in draft.supervisions.all()] == [author]
    assert draft.invitations.count() == 0


# ------------------------------------------------------------------ vetting


def test_return_with_comment_is_stored_shown_audited_and_mailed(
    client, draft, author, admin, mailoutbox, django_capture_on_commit_callbacks
):
    project_transition(project=draft, to="submitted", actor=author)
    client.force_login(admin)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/projects/{draft.key}/status/", {"to": "draft", "comment": "Add the dates."})

    draft.refresh_from_db()
    assert (draft.status, draft.return_comment, draft.submitted_at) == (
        "draft",
        "Add the dates.",
        None,
    )
    entry = AuditEntry.objects.filter(verb="project.draft").get()
    assert entry.data["comment"] == "Add the dates."
    assert [m.to for m in mailoutbox] == [["author@example.org"]]
    assert "Add the dates." in mailoutbox[0].body
    client.force_login(author)
    html = client.get(f"/projects/{draft.key}/edit/").content.decode()
    assert '<h2 id="returned">Returned with a comment</h2>' in html
    assert "<p>Add the dates.</p>" in html
    # Submitting again clears it (the audit keeps it).
    project_transition(project=draft, to="submitted", actor=author)
    draft.refresh_from_db()
    assert draft.return_comment == ""


def test_a_supervisor_cannot_return_with_a_comment(client, draft, author):
    project_transition(project=draft, to="submitted", actor=author)
    client.force_login(author)

    client.post(f"/projects/{draft.key}/status/", {"to": "draft", "comment": "self"})

    draft.refresh_from_db()
    assert (draft.status, draft.return_comment) == ("submitted", "")


def test_submission_mails_the_host_admins_in_their_language(
    client, draft, author, admin, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(author)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/projects/{draft.key}/status/", {"to": "submitted", "back": "edit"})

    assert [m.to for m in mailoutbox] == [["org-admin@example.org"]]
    assert mailoutbox[0].subject == "Kakehashi : « Soft robots » attend votre vérification"


def test_vetting_queue_lists_submitted_projects_per_call_with_their_age(client, draft, author):
    project_transition(project=draft, to="submitted", actor=author)
    client.force_login(factories.OfficerFactory())

    html = client.get("/vetting/projects/").content.decode()

    assert "1 project waits for vetting." in html
    assert f'<a href="/projects/{draft.key}/" lang="en">Soft robots</a>' in html
    assert "0\xa0minutes" in html


def test_vetting_queue_of_an_admin_holds_only_their_hosts(client, draft, author, admin):
    project_transition(project=draft, to="submitted", actor=author)
    other = factories.ProjectFactory(status="submitted", title="Elsewhere")
    client.force_login(admin)

    html = client.get("/vetting/projects/").content.decode()

    assert "Soft robots" in html
    assert other.title not in html


@pytest.mark.parametrize("rows", [1, 3])
def test_vetting_queue_query_count_does_not_grow(client, db, rows):
    calls = [factories.CallFactory(), factories.CallFactory()]
    for n in range(rows):
        factories.ProjectFactory(call=calls[n % 2], status="submitted")
    client.force_login(factories.OfficerFactory())

    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/vetting/projects/").status_code == 200

    assert len(ctx.captured_queries) == 6


# ------------------------------------------------------------------ the project page


def test_page_shows_the_hosts_translation_first_with_the_original_one_click_away(client, draft):
    draft.status = "approved"
    draft.translations = {"fr": {"title": "Robots souples", "description": "Des pinces."}}
    draft.save()

    html = client.get(f"/projects/{draft.key}/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()

    assert '<h1 lang="fr">Robots souples</h1>' in html
    assert '<span class="tag">Traduction par l’hôte</span>' in html
    assert "<summary>Voir l’original (anglais)</summary>" in html
    assert '<div lang="fr"><p>Des pinces.</p></div>' in html
    english = client.get(f"/projects/{draft.key}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<h1 lang="en">Soft robots</h1>' in english
    assert "Translation by the host" not in english


@pytest.mark.parametrize("language", ["en", "fr", "ja"])
def test_field_search_matches_titles_in_each_language(client, author, language):
    field = ResearchField.objects.filter(level=4).order_by("code").first()
    field.title_ja = "ソフトロボティクス研究"
    field.save()
    client.force_login(author)

    title = getattr(field, f"title_{language}")
    html = client.get("/supervising/research-fields/", {"q": title}).content.decode()

    assert f'<input type="checkbox" name="fields" value="{field.code}">' in html


def test_api_returns_with_a_comment_for_vetters_only(draft, author, admin):
    project_transition(project=draft, to="submitted", actor=author)
    url = f"{API}/projects/{draft.pk}/transition"
    payload = {"to": "draft", "comment": "Too vague."}

    refused = session_client(author).post(url, payload, content_type="application/json")
    answered = session_client(admin).post(url, payload, content_type="application/json")

    assert refused.status_code == 403
    assert answered.status_code == 200
    assert body(answered)["status"] == "draft"
    draft.refresh_from_db()
    assert draft.return_comment == "Too vague."


def test_approval_is_mailed_to_the_supervisors_in_their_language(
    draft, author, admin, mailoutbox, django_capture_on_commit_callbacks
):
    author.preferred_language = "ja"
    author.save()
    project_transition(project=draft, to="submitted", actor=author)

    with django_capture_on_commit_callbacks(execute=True):
        project_transition(project=draft, to="approved", actor=admin)

    assert [m.to for m in mailoutbox] == [["author@example.org"]]
    assert mailoutbox[0].subject == "Kakehashi：「Soft robots」が承認されました"


@pytest.mark.parametrize("rows", [1, 3])
def test_field_search_query_count_does_not_grow(client, author, rows):
    group = (
        ResearchField.objects.filter(level=3)
        .annotate(n=models.Count("children"))
        .filter(n__gte=3)
        .order_by("code")
        .first()
    )
    leaves = list(group.children.order_by("code")[:rows])
    client.force_login(author)
    q = leaves[0].code if rows == 1 else group.code

    with CaptureQueriesContext(connection) as ctx:
        html = client.get("/supervising/research-fields/", {"q": q}).content.decode()

    assert html.count('type="checkbox"') >= rows
    assert len(ctx.captured_queries) == 3
