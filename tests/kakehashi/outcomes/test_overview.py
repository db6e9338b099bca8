"""The officers' outcomes overview and list: charts per kind, the research-field
filter (page and API alike), who may see them, and a fixed number of queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kakehashi.internships.models import Internship
from kakehashi.offers.services import offer_accept
from kakehashi.outcomes.services import outcome_record
from kakehashi.research_fields.models import ResearchField
from tests import factories


@pytest.fixture
def two(world, published, internship, before_deadline):
    """Two internships: eeg-decoding (a field of mathematics, within natural sciences)
    and robotics (a field of engineering, within RDF20-21 whose groups are RDF201…)."""
    profile = world.other_candidate.candidate_profile
    profile.home_organisation = factories.CanadianOrganisationFactory(name="McGill Test")
    profile.direction = "CA_JP"
    profile.save()
    offer_accept(offer=published.other_offer, candidate=world.other_candidate,
                 now=before_deadline)  # fmt: skip
    world.project.fields.set([ResearchField.objects.get(code="RDF1010101")])
    world.other_project.fields.set(
        [ResearchField.objects.filter(code__startswith="RDF201", level=4).first()]
    )
    robotics = Internship.objects.get(intern=world.other_candidate)
    return internship, robotics


def _award(world, internship, days: int, title: str = "Award"):
    date = internship.start_date + dt.timedelta(days=days)
    return outcome_record(
        actor=world.officer, internship=internship, kind="award", title=title, date=date
    )


def _titles(response) -> list[str]:
    return sorted(o.title for o in response.context["outcomes"])


@pytest.mark.parametrize(
    ("field", "expected"),
    [("", ["EEG prize", "Robot prize"]), ("RDF10", ["EEG prize"]), ("RDF101", ["EEG prize"]),
     ("RDF1010101", ["EEG prize"]), ("RDF20-21", ["Robot prize"]), ("RDF201", ["Robot prize"]),
     ("RDF30", [])],
)  # fmt: skip
def test_the_field_filter_keeps_the_field_and_every_field_within(client, world, two, field,
                                                                 expected):  # fmt: skip
    eeg, robotics = two
    _award(world, eeg, 30, "EEG prize")
    _award(world, robotics, 30, "Robot prize")
    client.force_login(world.officer)
    assert _titles(client.get(reverse("outcomes:overview"), {"field": field})) == expected
    api = client.get("/api/v1/outcomes", {"field": field}).json()
    assert sorted(o["title"] for o in api["items"]) == expected
    csv = client.get(reverse("outcomes:overview"), {"field": field, "format": "csv"})
    assert len(csv.content.decode().splitlines()) == 1 + len(expected)


def test_filters_combine(client, world, two):
    eeg, _robotics = two
    _award(world, eeg, 30, "EEG prize")
    company = factories.OrganisationFactory(name="Omron Test", type="company")
    later = eeg.start_date + dt.timedelta(days=60)
    outcome_record(actor=world.officer, internship=eeg, kind="hire", title="",
                   organisations=[company], date=later)  # fmt: skip
    client.force_login(world.officer)
    page = client.get(reverse("outcomes:overview"), {"field": "RDF10", "kind": "award"})
    assert _titles(page) == ["EEG prize"]
    api = client.get("/api/v1/outcomes", {"field": "RDF10", "kind": "hire", "direction": "CA_JP"})
    assert [o["kind"] for o in api.json()["items"]] == ["hire"]
    assert client.get("/api/v1/outcomes", {"direction": "JP_CA"}).json()["count"] == 0


def test_the_api_refuses_an_unknown_kind_or_direction(client, world, two):
    client.force_login(world.officer)
    response = client.get("/api/v1/outcomes", {"kind": "prize", "direction": "CA_FR"})
    assert response.status_code == 422
    assert set(response.json()["error"]["fields"]) == {"kind", "direction"}


def test_the_page_ignores_an_unknown_value_and_keeps_the_others(client, world, two):
    eeg, robotics = two
    _award(world, eeg, 30, "EEG prize")
    _award(world, robotics, 30, "Robot prize")
    client.force_login(world.officer)
    page = client.get(reverse("outcomes:overview"), {"kind": "prize", "field": "RDF201"})
    assert page.status_code == 200
    assert _titles(page) == ["Robot prize"]


def test_a_chart_per_kind_with_every_year(client, world, two):
    eeg, _robotics = two
    start = eeg.start_date
    dates = [start + dt.timedelta(days=d) for d in (10, 20, 2 * 366 + 10)]
    for date in dates:
        _award(world, eeg, (date - start).days)
    outcome_record(actor=world.officer, internship=eeg, kind="publication", title="EEG",
                   doi="10.1234/eeg", date=dates[0])  # fmt: skip
    client.force_login(world.officer)
    response = client.get(reverse("outcomes:overview"))
    charts = {c.id: c for c in response.context["charts"]}
    assert list(charts) == ["outcomes-publication", "outcomes-award"]
    # Every year from the first outcome to the last; the year between has none.
    years = list(range(dates[0].year, dates[-1].year + 1))
    assert len(years) == 3
    per_year = {y: sum(d.year == y for d in dates) for y in years}
    award = [(r.label, r.bars[0].value) for r in charts["outcomes-award"].rows]
    assert award == [(str(y), per_year[y]) for y in years]
    assert per_year[years[1]] == 0
    publication = [(r.label, r.bars[0].value) for r in charts["outcomes-publication"].rows]
    assert publication == [(str(y), int(y == dates[0].year)) for y in years]
    html = response.content.decode()
    assert 'id="outcomes-award-title"' in html and "matching/matching.css" in html
    assert [row["year"] for row in response.context["table"]] == years


def test_no_chart_without_outcomes(client, world, two):
    client.force_login(world.officer)
    response = client.get(reverse("outcomes:overview"))
    assert response.context["charts"] == []
    assert "No outcome recorded yet." in response.content.decode()


def _queries(client, path, params=None) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path, params or {}).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("params", [{}, {"field": "RDF10", "kind": "award"}])
def test_the_page_and_the_list_make_as_many_queries_for_two_outcomes_as_for_twelve(
    client, world, two, params
):
    eeg, robotics = two
    _award(world, eeg, 10)
    _award(world, robotics, 10)
    client.force_login(world.officer)
    page = reverse("outcomes:overview")
    few = (_queries(client, page, params), _queries(client, "/api/v1/outcomes", params))
    company = factories.OrganisationFactory(name="Omron Test", type="company")
    for k in range(5):
        for internship in two:
            outcome = _award(world, internship, 40 + 200 * k, f"Award {k}")
            outcome.organisations.add(company)
    assert (_queries(client, page, params), _queries(client, "/api/v1/outcomes", params)) == few


@pytest.mark.parametrize(
    ("who", "page", "api"),
    [("officer", 200, 200), ("candidate", 404, 403), ("other_candidate", 404, 403),
     ("supervisor", 404, 403), ("other_supervisor", 404, 403), (None, 302, 401)],
)  # fmt: skip
def test_only_officers_see_every_outcome(client, world, two, who, page, api):
    _award(world, two[0], 10, "EEG prize")
    if who:
        client.force_login(getattr(world, who))
    response = client.get(reverse("outcomes:overview"), {"field": "RDF10"})
    assert response.status_code == page
    if page == 302:
        assert "/login/" in response["Location"]
    assert client.get(reverse("outcomes:overview"), {"format": "csv"}).status_code == page
    assert client.get("/api/v1/outcomes", {"field": "RDF10"}).status_code == api
