"""project_transition holds the rule on who may approve or close, for pages and API."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from kakehashi.projects.services import project_transition
from tests import factories


@pytest.fixture
def submitted(call, supervisor_user):
    return factories.ProjectFactory(call=call, supervisor=supervisor_user, status="submitted")


def test_transition_approve_by_supervisor_is_refused_and_changes_nothing(
    submitted, supervisor_user
):
    with pytest.raises(PermissionDenied, match="Only officers and the host's admins"):
        project_transition(project=submitted, to="approved", actor=supervisor_user)

    submitted.refresh_from_db()
    assert submitted.status == "submitted"


def test_transition_approve_by_host_admin(submitted):
    admin = factories.UserFactory(username="host-admin")
    admin.affiliations.create(organisation=submitted.host, role="admin")

    project_transition(project=submitted, to="approved", actor=admin)

    submitted.refresh_from_db()
    assert submitted.status == "approved"


def test_transition_withdraw_by_supervisor(submitted, supervisor_user):
    project_transition(project=submitted, to="draft", actor=supervisor_user)

    assert submitted.status == "draft"


def test_transition_unknown_status_is_refused(submitted, officer):
    with pytest.raises(ValidationError, match="is not a project status"):
        project_transition(project=submitted, to="archived", actor=officer)
