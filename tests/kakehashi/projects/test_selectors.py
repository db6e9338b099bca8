"""Project reads: filters written once, references resolved at once."""

import pytest
from django.core.exceptions import ValidationError

from kakehashi.projects.filters import ProjectFilters
from kakehashi.projects.selectors import project_references, project_search
from kakehashi.projects.signals import project_query
from kakehashi.research_fields.models import ResearchField
from kakehashi.research_fields.selectors import research_fields_by_code
from tests import factories


@pytest.mark.django_db
def test_project_search_blank_filters_filter_nothing(call):
    a = factories.ProjectFactory(call=call, key="a", language="en")
    b = factories.ProjectFactory(call=call, key="b", language="fr")
    user = factories.UserFactory()

    everything = project_search(user=user, filters=ProjectFilters(language="", q=""))
    french = project_search(user=user, filters=ProjectFilters(language="fr"))

    assert sorted(p.key for p in everything) == [a.key, b.key]
    assert [p.key for p in french] == [b.key]


@pytest.mark.django_db
def test_project_search_every_word_must_match_without_the_search_engine(call, monkeypatch):
    # With no receiver of project_query (recommendations answers it with the
    # cross-language search: tests/kakehashi/recommendations), words match as text.
    monkeypatch.setattr(project_query, "receivers", [])
    monkeypatch.setattr(project_query, "sender_receivers_cache", {})
    factories.ProjectFactory(call=call, key="robot", title="Robot learning")
    factories.ProjectFactory(call=call, key="robot-arm", title="Robot arms")
    user = factories.UserFactory()

    found = project_search(user=user, filters=ProjectFilters(q="robot learning"))

    assert [p.key for p in found] == ["robot"]


@pytest.mark.django_db
def test_project_references_reports_every_unknown_reference_at_once(officer):
    with pytest.raises(ValidationError) as info:
        project_references(
            user=officer,
            call_id=999_999,
            host_id=999_999,
            supervisors=[(999_999, "academic")],
            field_codes=["NOPE"],
        )

    assert info.value.message_dict == {
        "call_id": ["No such call."],
        "host_id": ["No such organisation."],
        "supervisors": ["Unknown people: 999999."],
        "fields": ["Unknown research field codes: NOPE."],
    }


@pytest.mark.django_db
def test_project_references_resolves_ids_in_order(call, officer):
    first, second = factories.UserFactory(), factories.UserFactory()
    host = factories.OrganisationFactory()

    refs = project_references(
        user=officer,
        call_id=call.pk,
        host_id=host.pk,
        supervisors=[(second.pk, "academic"), (first.pk, "academic")],
        field_codes=["RDF10"],
    )

    assert refs.call == call
    assert refs.host == host
    assert refs.supervisors == [(second, "academic"), (first, "academic")]
    assert refs.fields == [ResearchField.objects.get(code="RDF10")]


@pytest.mark.django_db
def test_research_fields_by_code_names_the_field_of_the_error():
    with pytest.raises(ValidationError) as info:
        research_fields_by_code(codes=["RDF10", "NOPE", "ZZZ"], field="interests")

    assert info.value.message_dict == {"interests": ["Unknown research field codes: NOPE, ZZZ."]}
