"""The history the network engine reads, built from internships, projects and records."""

from __future__ import annotations

import pytest

from kakehashi.network.models import RecordedActivity
from kakehashi.network.selectors import network_history
from kakehashi.network.services import network_measure, recorded_activity_create
from kakehashi.people.models import Affiliation
from tests import factories


def test_an_internship_ties_home_and_host(world, internship):
    history = network_history()
    home, host = internship.home_organisation, internship.host
    activity = next(a for a in history["activities"] if a["kind"] == "internship")
    assert activity == {
        "id": f"internship:{internship.pk}",
        "year": internship.start_date.year,
        "kind": "internship",
        "organisations": [f"org:{home.pk}", f"org:{host.pk}"],
        "route": [f"org:{home.pk}", f"org:{host.pk}"],
        "people": [f"person:{world.candidate.pk}", f"person:{world.supervisor.pk}"],
    }
    assert history["organisations"][f"org:{home.pk}"] == {
        "type": "university",
        "country": "CA",
        "region": "CA-BC",
        "name": "UBC Test",
    }


def test_the_new_tie_names_the_intern_and_supervisor_as_conduits(world, internship):
    snapshot = network_measure()
    result = {**snapshot.result, "conduits": snapshot.conduits}
    year = str(internship.start_date.year)
    assert result["years"][year]["ties_new_cross_border"] == 1
    pair = sorted([f"org:{internship.home_organisation_id}", f"org:{internship.host_id}"])
    assert [(c["person"], c["ties"]) for c in result["conduits"]] == [
        (f"person:{world.candidate.pk}", [pair]),
        (f"person:{world.supervisor.pk}", [pair]),
    ]
    assert snapshot.names[f"org:{internship.host_id}"]["name_ja"] == "京都テスト大学"
    assert snapshot.conduits_recent[0]["tie_names"] == [
        sorted(["UBC Test", "Kyoto Test University"], key=lambda n: n != "UBC Test")
        if pair[0] == f"org:{internship.home_organisation_id}"
        else sorted(["UBC Test", "Kyoto Test University"], key=lambda n: n == "UBC Test")
    ]
    assert snapshot.summary["ties"] == 1 and snapshot.graph["edges"][0]["cross_border"]


def test_co_supervision_across_organisations(world):
    company = factories.OrganisationFactory(name="Omron Test", type="company")
    other = factories.UserFactory(username="indus")
    Affiliation.objects.create(person=other, organisation=company, role="supervisor")
    world.project.supervisions.create(person=other, role="industry", order=1)
    world.project.status = "approved"
    world.project.save()

    activity = next(a for a in network_history()["activities"] if a["kind"] == "co_supervision")

    assert activity["organisations"] == sorted([f"org:{world.host.pk}", f"org:{company.pk}"])
    assert activity["people"] == [f"person:{world.supervisor.pk}", f"person:{other.pk}"]


def test_recorded_activity_is_validated_and_audited(world):
    a, b = factories.OrganisationFactory(), factories.CanadianOrganisationFactory()
    activity = recorded_activity_create(
        actor=world.officer,
        organisations=[a, b],
        year=2021,
        kind="publication",
        source="Annual report 2021",
    )
    assert [x["id"] for x in network_history()["activities"]] == [f"recorded:{activity.pk}"]
    with pytest.raises(Exception, match="Give both ends of the route, or neither"):
        recorded_activity_create(
            actor=world.officer, organisations=[a], year=2021, kind="internship",
            source="x", route_from=a,
        )  # fmt: skip
    assert RecordedActivity.objects.count() == 1


def test_history_takes_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    for k in range(12):
        orgs = [factories.OrganisationFactory(), factories.CanadianOrganisationFactory()]
        recorded_activity_create(
            actor=world.officer, organisations=orgs, year=2010 + k, kind="contract", source="s"
        )
    with django_assert_max_num_queries(9):
        history = network_history()
    assert len(history["activities"]) == 12
