"""Who sees what, at the selector level that pages and API share."""

import pytest

from kakehashi.applications.selectors import application_list_visible
from kakehashi.applications.services import application_submit
from kakehashi.people.selectors import person_list_visible
from kakehashi.projects.selectors import project_list_visible
from tests import factories


@pytest.fixture
def market(call):
    sup_a = factories.UserFactory(username="sup-a")
    sup_b = factories.UserFactory(username="sup-b")
    p_a = factories.ProjectFactory(call=call, supervisor=sup_a, key="p-a")
    p_b = factories.ProjectFactory(call=call, supervisor=sup_b, key="p-b")
    draft = factories.ProjectFactory(call=call, supervisor=sup_a, key="p-draft", status="draft")
    c1 = factories.candidate(user__username="c1")
    c2 = factories.candidate(user__username="c2")
    app1 = application_submit(candidate=c1, project=p_a)
    app2 = application_submit(candidate=c2, project=p_b)
    return locals()


def _keys(qs):
    return sorted(p.key for p in qs)


def test_projects_anonymous_sees_only_published(market):
    from django.contrib.auth.models import AnonymousUser

    assert _keys(project_list_visible(user=AnonymousUser())) == ["p-a", "p-b"]


def test_projects_supervisor_also_sees_own_draft(market):
    assert _keys(project_list_visible(user=market["sup_a"])) == ["p-a", "p-b", "p-draft"]
    assert _keys(project_list_visible(user=market["sup_b"])) == ["p-a", "p-b"]


def test_projects_officer_sees_all(market, officer):
    assert _keys(project_list_visible(user=officer)) == ["p-a", "p-b", "p-draft"]


def test_applications_candidate_sees_only_own(market):
    assert list(application_list_visible(user=market["c1"])) == [market["app1"]]


def test_applications_supervisor_sees_only_applicants_to_own_projects(market):
    assert list(application_list_visible(user=market["sup_b"])) == [market["app2"]]


def test_applications_officer_sees_all(market, officer):
    assert set(application_list_visible(user=officer)) == {market["app1"], market["app2"]}


def test_people_candidate_sees_self_and_published_supervisors(market):
    names = sorted(u.username for u in person_list_visible(user=market["c1"]))
    assert names == ["c1", "sup-a", "sup-b"]


def test_people_supervisor_sees_own_applicants_not_others(market):
    names = sorted(u.username for u in person_list_visible(user=market["sup_a"]))
    assert names == ["c1", "sup-a", "sup-b"]


def test_people_officer_sees_everyone(market, officer):
    names = sorted(u.username for u in person_list_visible(user=officer))
    assert names == ["c1", "c2", "officer-t", "sup-a", "sup-b"]
