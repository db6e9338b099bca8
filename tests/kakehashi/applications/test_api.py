"""Applications, rank lists, host rankings and applicants through /api/v1/, for every role."""

import datetime as dt
import zoneinfo

import pytest
from django.test import Client
from django.utils import formats, timezone

from kakehashi.applications.models import Application, HostRank
from kakehashi.people.models import Affiliation
from kakehashi.programs.services import call_phase_set
from tests import factories
from tests.kakehashi.api_helpers import API, body, error, token_client

JSON = "application/json"


def application_body(a: Application) -> dict:
    profile = getattr(a.candidate, "candidate_profile", None)
    return {
        "id": a.pk,
        "call_id": a.call_id,
        "project_id": a.project_id,
        "project_key": a.project.key,
        "project_title": a.project.title,
        "candidate": {
            "id": a.candidate_id,
            "display_name": a.candidate.display_name,
            "level": profile.level if profile else None,
            "home_organisation": profile.home_organisation.name if profile else None,
        },
        "status": a.status,
        "statement": a.statement,
        "submitted_at": a.submitted_at.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "rank": a.rank,
    }


def _state():
    """Everything these endpoints could write, to show a refusal changed nothing."""
    return (
        sorted(
            Application.objects.values_list("pk", "candidate_id", "project_id", "status", "rank")
        ),
        sorted(HostRank.objects.values_list("supervisor_id", "candidate_id", "rank")),
    )


@pytest.fixture
def projects(call, supervisor_user):
    return [
        factories.ProjectFactory(call=call, supervisor=supervisor_user, key=f"p{i}")
        for i in range(4)
    ]


@pytest.fixture
def applied(projects, candidate_user):
    return [
        factories.ApplicationFactory(candidate=candidate_user, project=p, statement=f"s{i}")
        for i, p in enumerate(projects)
    ]


# ------------------------------------------------------------------ applications


@pytest.mark.django_db
def test_applications_anonymous_is_401():
    response = Client().get(f"{API}/applications")

    assert response.status_code == 401
    assert body(response) == error(
        401, "not_authenticated", "Authentication required: send a Bearer token or sign in."
    )


@pytest.mark.django_db
def test_candidate_lists_own_applications(applied, candidate_user):
    factories.ApplicationFactory()  # someone else's

    response = token_client(candidate_user).get(f"{API}/applications")

    assert body(response) == {"items": [application_body(a) for a in applied], "count": 4}


@pytest.mark.django_db
def test_submit_application(project, candidate_user):
    response = token_client(candidate_user).post(
        f"{API}/applications", {"project_id": project.pk, "statement": "Hello"}, content_type=JSON
    )

    application = Application.objects.get()
    assert response.status_code == 201
    assert body(response) == application_body(application)
    assert (application.candidate, application.statement) == (candidate_user, "Hello")


@pytest.mark.django_db
def test_submit_after_deadline_in_the_calls_time_zone_is_refused(project, candidate_user):
    # The deadline is an hour ago in Tokyo; the same wall-clock time in Vancouver is ahead.
    tokyo = zoneinfo.ZoneInfo("Asia/Tokyo")
    now_tokyo = timezone.now().astimezone(tokyo).replace(tzinfo=None)
    phase = call_phase_set(
        call=project.call,
        kind="applications",
        opens=now_tokyo - dt.timedelta(days=10),
        closes=now_tokyo - dt.timedelta(hours=1),
        timezone="Asia/Tokyo",
    )
    before = _state()

    response = token_client(candidate_user).post(
        f"{API}/applications", {"project_id": project.pk}, content_type=JSON
    )

    when = formats.date_format(phase.closes_local, "DATETIME_FORMAT")
    mine = formats.date_format(phase.closes_at, "DATETIME_FORMAT")
    assert response.status_code == 422
    # The call's zone and the reader's (this candidate has none set: the site's, UTC).
    assert body(response) == error(
        422,
        "phase_closed",
        f"The Applications and candidate ranking phase closed on {when} (Asia/Tokyo), "
        f"that is {mine} in your time zone (UTC).",
    )
    assert _state() == before


@pytest.mark.django_db
def test_submit_to_invisible_draft_is_404(call, candidate_user):
    draft = factories.ProjectFactory(call=call, status="draft")

    response = token_client(candidate_user).post(
        f"{API}/applications", {"project_id": draft.pk}, content_type=JSON
    )

    assert response.status_code == 404
    assert body(response) == error(404, "not_found", "Not found.")
    assert Application.objects.count() == 0


@pytest.mark.django_db
def test_another_candidate_cannot_see_or_withdraw_an_application(applied):
    other = factories.candidate(user__username="cand-other")
    before = _state()
    client = token_client(other)

    seen = client.get(f"{API}/applications/{applied[0].pk}")
    withdrawn = client.post(f"{API}/applications/{applied[0].pk}/withdraw")

    assert seen.status_code == 404 and withdrawn.status_code == 404
    assert body(seen) == body(withdrawn) == error(404, "not_found", "Not found.")
    assert body(client.get(f"{API}/applications")) == {"items": [], "count": 0}
    assert _state() == before


@pytest.mark.django_db
def test_supervisor_sees_application_to_own_project_but_cannot_withdraw(applied, supervisor_user):
    before = _state()
    client = token_client(supervisor_user)

    seen = client.get(f"{API}/applications/{applied[0].pk}")
    withdrawn = client.post(f"{API}/applications/{applied[0].pk}/withdraw")

    assert body(seen) == application_body(applied[0])
    assert withdrawn.status_code == 403
    assert body(withdrawn) == error(
        403, "forbidden", "Only the candidate can withdraw their application."
    )
    assert _state() == before


@pytest.mark.django_db
def test_supervisor_no_longer_sees_a_withdrawn_application(applied, supervisor_user, officer):
    candidate = token_client(applied[0].candidate)
    candidate.post(f"{API}/applications/{applied[0].pk}/withdraw")
    applied[0].refresh_from_db()
    url = f"{API}/applications/{applied[0].pk}"

    hidden = token_client(supervisor_user).get(url)

    assert hidden.status_code == 404
    assert body(hidden) == error(404, "not_found", "Not found.")
    assert body(token_client(officer).get(url)) == application_body(applied[0])
    assert body(candidate.get(url)) == application_body(applied[0])
    assert body(token_client(supervisor_user).get(f"{API}/calls/{applied[0].call_id}/applicants"))[
        "items"
    ] == [application_body(a) for a in applied[1:]]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["org_admin", "reviewer"])
def test_org_admin_and_reviewer_do_not_see_applications(applied, role):
    user = factories.UserFactory(is_reviewer=role == "reviewer")
    if role == "org_admin":
        Affiliation.objects.create(person=user, organisation=applied[0].project.host, role="admin")

    response = token_client(user).get(f"{API}/applications/{applied[0].pk}")

    assert response.status_code == 404
    assert body(response) == error(404, "not_found", "Not found.")


@pytest.mark.django_db
def test_officer_sees_any_application(applied, officer):
    response = token_client(officer).get(f"{API}/applications/{applied[1].pk}")

    assert body(response) == application_body(applied[1])


@pytest.mark.django_db
def test_candidate_withdraws_and_leaves_rank_list(applied, candidate_user, call):
    client = token_client(candidate_user)
    client.put(
        f"{API}/calls/{call.pk}/rank-list",
        {"project_ids": [applied[0].project_id, applied[1].project_id]},
        content_type=JSON,
    )

    response = client.post(f"{API}/applications/{applied[0].pk}/withdraw")

    applied[0].refresh_from_db()
    assert body(response) == application_body(applied[0])
    assert (applied[0].status, applied[0].rank) == ("withdrawn", None)
    assert body(client.get(f"{API}/calls/{call.pk}/rank-list"))["project_ids"] == [
        applied[1].project_id
    ]


@pytest.mark.django_db
def test_candidate_withdrawing_twice_is_refused_the_second_time(applied, candidate_user):
    client = token_client(candidate_user)
    client.post(f"{API}/applications/{applied[0].pk}/withdraw")
    before = _state()

    response = client.post(f"{API}/applications/{applied[0].pk}/withdraw")

    assert response.status_code == 422
    assert body(response) == error(422, "withdrawn", "This application is already withdrawn.")
    assert _state() == before


# ------------------------------------------------------------------ rank lists


@pytest.mark.django_db
def test_rank_list_set_and_read(applied, candidate_user, call):
    order = [applied[2].project_id, applied[0].project_id]

    response = token_client(candidate_user).put(
        f"{API}/calls/{call.pk}/rank-list", {"project_ids": order}, content_type=JSON
    )

    assert response.status_code == 200
    assert body(response) == {
        "call_id": call.pk,
        "ranking_limit": 3,
        "project_ids": order,
        "entries": [
            {
                "rank": 1,
                "project_id": applied[2].project_id,
                "project_key": "p2",
                "project_title": applied[2].project.title,
                "application_id": applied[2].pk,
            },
            {
                "rank": 2,
                "project_id": applied[0].project_id,
                "project_key": "p0",
                "project_title": applied[0].project.title,
                "application_id": applied[0].pk,
            },
        ],
    }
    assert body(token_client(candidate_user).get(f"{API}/calls/{call.pk}/rank-list")) == body(
        response
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("make_ids", "message"),
    [
        (
            lambda apps, other: [a.project_id for a in apps],
            "You may rank at most 3 projects in this call.",
        ),
        (
            lambda apps, other: [apps[0].project_id, apps[1].project_id, apps[0].project_id],
            "A project appears more than once in your ranking: {p0}.",
        ),
        (
            lambda apps, other: [apps[0].project_id, other.pk],
            "You can only rank projects you have applied to: {other}.",
        ),
    ],
    ids=["too-long", "duplicate", "not-applied"],
)
def test_rank_list_bad_input_is_refused_and_changes_nothing(
    applied, candidate_user, call, make_ids, message
):
    other = factories.ProjectFactory(call=call)
    client = token_client(candidate_user)
    client.put(
        f"{API}/calls/{call.pk}/rank-list",
        {"project_ids": [applied[3].project_id]},
        content_type=JSON,
    )
    before = _state()

    response = client.put(
        f"{API}/calls/{call.pk}/rank-list",
        {"project_ids": make_ids(applied, other)},
        content_type=JSON,
    )

    text = message.format(p0=applied[0].project_id, other=other.pk)
    assert response.status_code == 422
    assert body(response) == error(422, "invalid", text, fields={"project_ids": [text]})
    assert _state() == before


@pytest.mark.django_db
def test_rank_list_is_always_the_callers_own(applied, candidate_user, call):
    token_client(candidate_user).put(
        f"{API}/calls/{call.pk}/rank-list",
        {"project_ids": [applied[0].project_id]},
        content_type=JSON,
    )
    other = factories.candidate(user__username="cand-other")

    response = token_client(other).get(f"{API}/calls/{call.pk}/rank-list")

    assert body(response) == {
        "call_id": call.pk,
        "ranking_limit": 3,
        "project_ids": [],
        "entries": [],
    }


@pytest.mark.django_db
def test_rank_list_for_non_candidate_is_403_and_draft_call_is_404(supervisor_user, officer):
    open_call = factories.CallFactory()
    draft_call = factories.CallFactory(status="draft")
    client = token_client(supervisor_user)

    forbidden = client.get(f"{API}/calls/{open_call.pk}/rank-list")
    hidden = client.get(f"{API}/calls/{draft_call.pk}/rank-list")

    assert body(forbidden) == error(403, "forbidden", "Only candidates have a rank list.")
    assert hidden.status_code == 404
    assert body(hidden) == error(404, "not_found", "Not found.")


# ------------------------------------------------------------------ host rankings, applicants


@pytest.mark.django_db
def test_host_ranking_set_and_read(applied, candidate_user, supervisor_user, call):
    second = factories.candidate(user__username="cand-two")
    factories.ApplicationFactory(candidate=second, project=applied[0].project)
    order = [second.pk, candidate_user.pk]

    response = token_client(supervisor_user).put(
        f"{API}/calls/{call.pk}/host-ranking", {"candidate_ids": order}, content_type=JSON
    )

    assert body(response) == {
        "call_id": call.pk,
        "candidate_ids": order,
        "entries": [
            {"rank": 1, "candidate_id": second.pk, "candidate_name": second.display_name},
            {
                "rank": 2,
                "candidate_id": candidate_user.pk,
                "candidate_name": candidate_user.display_name,
            },
        ],
    }
    assert body(token_client(supervisor_user).get(f"{API}/calls/{call.pk}/host-ranking")) == body(
        response
    )


@pytest.mark.django_db
def test_host_ranking_too_long_is_refused_and_changes_nothing(applied, supervisor_user, call):
    before = _state()

    response = token_client(supervisor_user).put(
        f"{API}/calls/{call.pk}/host-ranking",
        {"candidate_ids": list(range(1, 40_001))},
        content_type=JSON,
    )

    message = "A ranking may list at most 2000 applicants."
    assert body(response) == error(422, "invalid", message, fields={"candidate_ids": [message]})
    assert _state() == before


@pytest.mark.django_db
def test_host_ranking_duplicates_in_a_long_list_are_named(applied, supervisor_user, call):
    ids = [*range(1, 1999), 7, 1998]

    response = token_client(supervisor_user).put(
        f"{API}/calls/{call.pk}/host-ranking", {"candidate_ids": ids}, content_type=JSON
    )

    message = "An applicant appears more than once in your ranking: 7, 1998."
    assert body(response) == error(422, "invalid", message, fields={"candidate_ids": [message]})


@pytest.mark.django_db
def test_supervisor_ranking_someone_who_did_not_apply_is_refused(
    applied, candidate_user, supervisor_user, call
):
    stranger = factories.candidate(user__username="cand-stranger")
    factories.ApplicationFactory(candidate=stranger)  # applied elsewhere only
    client = token_client(supervisor_user)
    client.put(
        f"{API}/calls/{call.pk}/host-ranking",
        {"candidate_ids": [candidate_user.pk]},
        content_type=JSON,
    )
    before = _state()

    response = client.put(
        f"{API}/calls/{call.pk}/host-ranking",
        {"candidate_ids": [stranger.pk, candidate_user.pk]},
        content_type=JSON,
    )

    text = f"You can only rank people who applied to your projects: {stranger.pk}."
    assert response.status_code == 422
    assert body(response) == error(422, "invalid", text, fields={"candidate_ids": [text]})
    assert _state() == before


@pytest.mark.django_db
def test_host_ranking_by_candidate_is_403(candidate_user, call):
    response = token_client(candidate_user).put(
        f"{API}/calls/{call.pk}/host-ranking", {"candidate_ids": []}, content_type=JSON
    )

    assert body(response) == error(403, "forbidden", "Only host supervisors rank applicants.")


@pytest.mark.django_db
def test_applicants_only_to_the_supervisors_own_projects(applied, supervisor_user, call):
    elsewhere = factories.ProjectFactory(call=call)  # another supervisor's project
    factories.ApplicationFactory(project=elsewhere)

    response = token_client(supervisor_user).get(f"{API}/calls/{call.pk}/applicants")

    assert body(response) == {"items": [application_body(a) for a in applied], "count": 4}


@pytest.mark.django_db
def test_applicants_refused_to_candidate_and_anonymous(candidate_user, call):
    as_candidate = token_client(candidate_user).get(f"{API}/calls/{call.pk}/applicants")
    anonymous = Client().get(f"{API}/calls/{call.pk}/applicants")

    assert body(as_candidate) == error(403, "forbidden", "Only host supervisors see applicants.")
    assert anonymous.status_code == 401


# ------------------------------------------------------------------ query counts


def _grow(kind, n, call, candidate_user, supervisor_user):
    """Add `n` rows of `kind` for the endpoint under test."""
    for _ in range(n):
        if kind in ("applications", "rank-list"):
            app = factories.ApplicationFactory(
                candidate=candidate_user,
                project=factories.ProjectFactory(call=call, supervisor=supervisor_user),
            )
            if kind == "rank-list":
                app.rank = Application.objects.filter(candidate=candidate_user).count()
                app.save()
        else:
            other = factories.candidate()
            factories.ApplicationFactory(
                candidate=other,
                project=factories.ProjectFactory(call=call, supervisor=supervisor_user),
            )
            HostRank.objects.create(
                supervisor=supervisor_user,
                call=call,
                candidate=other,
                rank=HostRank.objects.filter(supervisor=supervisor_user).count() + 1,
            )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kind", "url", "who", "queries"),
    [
        # A page shorter than the limit is the whole list: no COUNT.
        ("applications", "/applications", "candidate", 2),
        ("rank-list", "/calls/{call}/rank-list", "candidate", 5),
        ("applicants", "/calls/{call}/applicants", "supervisor", 5),
        ("host-ranking", "/calls/{call}/host-ranking", "supervisor", 5),
    ],
)
def test_list_endpoints_queries_do_not_grow(
    django_assert_num_queries, call, candidate_user, supervisor_user, kind, url, who, queries
):
    user = candidate_user if who == "candidate" else supervisor_user
    client = token_client(user)
    path = API + url.format(call=call.pk)
    _grow(kind, 1, call, candidate_user, supervisor_user)
    with django_assert_num_queries(queries):
        first = client.get(path)
    _grow(kind, 2, call, candidate_user, supervisor_user)
    with django_assert_num_queries(queries):
        second = client.get(path)
    sizes = [len(body(r).get("items", body(r).get("entries", []))) for r in (first, second)]
    assert sizes == [1, 3]


@pytest.mark.django_db
def test_application_rank_is_private_to_the_candidate_and_officers(
    applied, candidate_user, supervisor_user, officer
):
    Application.objects.filter(pk=applied[0].pk).update(rank=2)
    url = f"{API}/applications/{applied[0].pk}"

    ranks = {
        who: body(token_client(user).get(url))["rank"]
        for who, user in [
            ("candidate", candidate_user),
            ("supervisor", supervisor_user),
            ("officer", officer),
        ]
    }

    assert ranks == {"candidate": 2, "supervisor": None, "officer": 2}
