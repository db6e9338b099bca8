"""Who sees what: officers everything, anyone the aggregates (never a person)."""

from __future__ import annotations

import io

import networkx as nx
import pytest
from django.urls import reverse

from kakehashi.audit.models import AuditEntry
from kakehashi.network.models import NetworkSnapshot
from kakehashi.network.services import network_measure
from tests import factories


@pytest.fixture
def measured(internship):
    return network_measure()


@pytest.mark.parametrize("who", ["candidate", "supervisor", "other_candidate"])
def test_officer_pages_are_hidden_from_others(client, world, measured, who):
    client.force_login(getattr(world, who))
    for name in ("network:officer", "network:graph"):
        assert client.get(reverse(name)).status_code == 404
    assert client.get(reverse("network:export", args=["gexf"])).status_code == 404
    assert client.post(reverse("network:measure")).status_code == 404


def test_anonymous_is_sent_to_sign_in_for_the_officer_page(client, measured):
    response = client.get(reverse("network:officer"))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_officer_page_shows_conduits_by_name(client, world, measured):
    client.force_login(world.officer)
    html = client.get(reverse("network:officer")).content.decode()
    assert "Alex Martin" in html
    assert "UBC Test – Kyoto Test University" in html or "Kyoto Test University – UBC Test" in html


def test_public_page_shows_aggregates_and_no_person(client, world, measured):
    html = client.get(reverse("network:public")).content.decode()
    assert "Ties per year" in html
    assert "Alex Martin" not in html and "Hana Sato" not in html
    assert "CA-BC" in html and "JP-26" in html


def test_public_page_before_any_measure(client, db):
    html = client.get(reverse("network:public")).content.decode()
    assert "The network has not been measured yet." in html


def test_graph_filters(client, world, measured, internship):
    client.force_login(world.officer)
    data = client.get(reverse("network:graph")).json()
    assert {n["name"] for n in data["nodes"]} == {"UBC Test", "Kyoto Test University"}
    assert data["edges"] == [
        {
            "source": data["edges"][0]["source"],
            "target": data["edges"][0]["target"],
            "activities": 1,
            "first_year": internship.start_date.year,
            "lasting": False,
            "cross_border": True,
        }
    ]
    later = internship.start_date.year + 1
    assert client.get(reverse("network:graph"), {"year_from": later}).json()["nodes"] == []
    assert client.get(reverse("network:graph"), {"sector": "industry"}).json()["nodes"] == []


def test_exports_read_back(client, world, internship):
    client.force_login(world.officer)
    response = client.get(reverse("network:export", args=["gexf"]))
    g = nx.read_gexf(io.BytesIO(response.content))
    assert g.number_of_edges() == 1
    assert response["Content-Disposition"] == 'attachment; filename="kakehashi-network.gexf"'
    assert client.get(reverse("network:export", args=["pdf"])).status_code == 404


def test_measure_runs_as_a_job_and_is_audited(
    client, world, internship, django_capture_on_commit_callbacks
):
    client.force_login(world.officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("network:measure"))
    assert response.status_code == 302
    assert NetworkSnapshot.objects.count() == 1
    assert AuditEntry.objects.filter(verb="network.measure_started", actor=world.officer).exists()
    page = client.get(response["Location"]).content.decode()
    assert "Measured: 1 ties." in page


def test_api_summary_is_public_and_measures_are_for_officers(client, world, measured):
    summary = client.get("/api/v1/network/summary").json()
    assert (summary["organisations"], summary["ties"], summary["conduits"]) == (2, 1, 2)
    assert summary["flows"] == [{"from_region": "CA-BC", "to_region": "JP-26", "internships": 1}]
    client.force_login(world.candidate)
    denied = client.get("/api/v1/network/measures")
    assert denied.status_code == 403 and denied.json()["error"]["code"] == "forbidden"
    client.force_login(world.officer)
    assert client.get("/api/v1/network/measures").json()["result"]["ties_count"] == 1
    csv = client.get("/api/v1/network/export", {"format": "csv"}).content.decode()
    assert csv.splitlines()[0].startswith("source,target,weight")


def test_api_summary_before_any_measure_is_404(client, db):
    response = client.get("/api/v1/network/summary")
    assert response.status_code == 404
    assert response.json()["error"]["message"] == "The network has not been measured yet."


def test_api_measure_returns_the_job(client, world, internship, django_capture_on_commit_callbacks):
    client.force_login(world.officer)
    with django_capture_on_commit_callbacks(execute=True):
        job = client.post("/api/v1/network/measure").json()
    assert (job["kind"], job["status"]) == ("network.measure", "queued")
    assert NetworkSnapshot.objects.get().ties_count == 1


def test_org_admin_cannot_measure(client, world, measured):
    admin = factories.UserFactory(username="orgadmin")
    client.force_login(admin)
    assert client.post("/api/v1/network/measure").status_code == 403
