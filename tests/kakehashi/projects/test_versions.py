"""Defect 12's remainder: every edit of a project is a numbered, audited version; once
candidates may have applied its call, host and key are frozen, and its page says it
was edited (the history for its host and officers, what changed for applicants)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from kakehashi.audit.models import AuditEntry
from kakehashi.programs.models import CallPhase
from kakehashi.projects.models import Project, ProjectVersion
from kakehashi.projects.services import project_transition, project_update
from tests import factories
from tests.kakehashi.api_helpers import API, body, token_client


@pytest.fixture
def world(db):
    return factories.page_world()


def _versions(project) -> list[tuple]:
    return list(
        ProjectVersion.objects.filter(project=project)
        .order_by("number")
        .values_list("number", "actor__username", "after_opening", "before", "after")
    )


def _audit(project, prefix="project.") -> list[tuple]:
    return list(
        AuditEntry.objects.for_scope(project)
        .filter(verb__startswith=prefix)
        .values_list("verb", "actor__username", "data")
    )


def test_api_edit_is_a_numbered_audited_version(world):
    client = token_client(world.supervisor)

    client.patch(
        f"{API}/projects/{world.project.pk}",
        {"title": "EEG decoding, revised", "capacity": 2, "summary": "Read intentions from EEG."},
        content_type="application/json",
    )
    client.patch(
        f"{API}/projects/{world.project.pk}",
        {"supervisors": [{"person_id": world.other_supervisor.pk, "role": "academic"}]},
        content_type="application/json",
    )

    before = {"title": "Decoding EEG for brain-computer interfaces", "capacity": 1}
    after = {"title": "EEG decoding, revised", "capacity": 2}
    supervisors = {
        "before": {"supervisors": [[world.supervisor.pk, "academic"]]},
        # Named by someone else, they are invited until they accept (projects.services).
        "after": {"supervisors": [[world.other_supervisor.pk, "academic", "invited"]]},
    }
    assert _versions(world.project) == [
        (1, "sup", True, before, after),
        (2, "sup", True, supervisors["before"], supervisors["after"]),
    ]
    assert _audit(world.project, "project.edited") == [
        (
            "project.edited",
            "sup",
            {"version": 1, "after_opening": True, "before": before, "after": after},
        ),
        ("project.edited", "sup", {"version": 2, "after_opening": True, **supervisors}),
    ]


def test_an_edit_that_changes_nothing_keeps_no_version(world):
    project_update(project=world.project, title=world.project.title, actor=world.officer)
    assert _versions(world.project) == []


def test_after_applications_open_the_host_and_call_cannot_change(world):
    other_host = factories.OrganisationFactory()
    other_call = factories.CallFactory()

    with pytest.raises(ValidationError) as refused:
        project_update(
            project=world.project, host=other_host, call=other_call, title="X", actor=world.officer
        )

    message = (
        "Candidates may already have applied to this project: its call, host and key can "
        "no longer change."
    )
    assert refused.value.message_dict == {"call": [message], "host": [message]}
    stored = Project.objects.get(pk=world.project.pk)
    assert (stored.host_id, stored.call_id, stored.title) == (
        world.host.pk,
        world.call.pk,
        "Decoding EEG for brain-computer interfaces",
    )
    assert _versions(world.project) == []


def test_before_applications_open_the_host_may_change_and_the_version_says_so(db, officer):
    project = factories.ProjectFactory(status="draft")
    CallPhase.objects.filter(call=project.call, kind="applications").update(
        opens_at=timezone.now() + dt.timedelta(days=1)
    )
    project = Project.objects.get(pk=project.pk)
    new_host = factories.OrganisationFactory()

    project_update(project=project, host=new_host, actor=officer)

    [(number, actor, after_opening, _before, after)] = _versions(project)
    assert (number, actor, after_opening) == (1, "officer-t", False)
    assert after == {"host": new_host.pk}


def test_transitions_and_creation_are_audited(db, officer):
    project = factories.ProjectFactory(status="draft")

    project_transition(project=project, to="submitted", actor=officer)
    project_transition(project=project, to="approved", actor=officer)
    project_transition(project=project, to="closed", actor=officer)

    entries = _audit(project)
    assert entries[0][0] == "project.created"
    assert entries[0][2]["after"]["status"] == "draft"
    assert entries[1:] == [
        (
            f"project.{to}",
            "officer-t",
            {"call": project.call_id, "before": {"status": fr}, "after": {"status": to}},
        )
        for fr, to in [("draft", "submitted"), ("submitted", "approved"), ("approved", "closed")]
    ]


def test_refused_transition_leaves_no_entry(db, supervisor_user):
    project = factories.ProjectFactory(status="submitted", supervisor=supervisor_user)
    with pytest.raises(Exception, match="Only officers"):
        project_transition(project=project, to="approved", actor=supervisor_user)
    assert [verb for verb, _a, _d in _audit(project)] == ["project.created"]


# The project page --------------------------------------------------------------


def _edit(world):
    project_update(project=world.project, capacity=3, actor=world.supervisor)


@pytest.mark.parametrize(
    ("role", "history"),
    [("supervisor", True), ("officer", True), ("other_supervisor", False), ("anonymous", False)],
)
def test_page_says_edited_and_shows_history_to_host_and_officers(client, world, role, history):
    _edit(world)
    if role != "anonymous":
        client.force_login(getattr(world, role))

    html = client.get("/projects/eeg-decoding/").content.decode()

    assert '<span class="tag warning">Edited after applications opened</span>' in html
    assert ('<h2 id="versions-all">Version history</h2>' in html) is history
    if history:
        assert '<tr><th scope="row">Places</th><td>1</td><td>3</td></tr>' in html


def test_page_shows_an_applicant_what_changed_since_they_applied(client, world):
    world.application.submitted_at = timezone.now() - dt.timedelta(hours=1)
    world.application.save()
    _edit(world)
    client.force_login(world.candidate)

    html = client.get("/projects/eeg-decoding/").content.decode()

    assert '<h2 id="versions-since">Changed since you applied</h2>' in html
    assert '<tr><th scope="row">Places</th><td>1</td><td>3</td></tr>' in html
    assert "Version history" not in html


def test_an_edit_before_one_applied_is_not_shown_as_a_change_to_them(client, world):
    _edit(world)
    world.application.submitted_at = timezone.now() + dt.timedelta(seconds=1)
    world.application.save()
    client.force_login(world.candidate)

    html = client.get("/projects/eeg-decoding/").content.decode()

    assert "Changed since you applied" not in html


def test_a_project_never_edited_says_nothing(client, world):
    html = client.get("/projects/eeg-decoding/").content.decode()
    assert "Edited after applications opened" not in html


def test_api_refuses_a_frozen_change_with_the_message(world):
    # The patch body has no host or call; the import may name them: it is refused there.
    response = token_client(world.officer).patch(
        f"{API}/projects/{world.project.pk}", {"capacity": 0}, content_type="application/json"
    )
    assert body(response)["error"]["status"] == 422
    assert _versions(world.project) == []
