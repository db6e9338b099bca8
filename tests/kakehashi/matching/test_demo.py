"""The demo call can be matched once its matching phase opens."""

from io import StringIO

import pytest
from django.core.management import call_command

from kakehashi.people.models import User
from kakehashi.programs.models import Call
from tests.kakehashi.api_helpers import session_client
from tests.kakehashi.matching.conftest import open_phase


@pytest.mark.django_db
def test_officer_runs_the_match_on_the_demo_call(django_capture_on_commit_callbacks):
    call_command("load_demo", stdout=StringIO())
    call = Call.objects.get(slug="2027-summer")  # the open call (the demo also has a past one)
    open_phase(call, "matching")
    client = session_client(User.objects.get(username="officer"))

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/calls/{call.slug}/runs/", {"mode": "student", "seed": "2027", "cap_by": ""}
        )

    run = call.match_runs.get()
    assert (response.status_code, run.status, run.error) == (302, "done", "")
    assert run.summary["placements"] > 0
    assert run.summary["certificate"]["check_ok"] is True
    assert run.summary["blocking_pairs"] == 0
    html = client.get(f"/runs/{run.pk}/").content.decode()
    assert "Every capacity is respected (project, supervisor, organisation)." in html
