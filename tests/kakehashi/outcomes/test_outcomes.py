"""Recording outcomes: DOIs and Crossref records, patents, hires; who may; the network."""

from __future__ import annotations

import csv as csv_module
import datetime as dt
import io
import json

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from kakehashi.audit.models import AuditEntry
from kakehashi.network.services import network_measure
from kakehashi.outcomes.crossref import crossref_metadata, doi_normalise
from kakehashi.outcomes.models import Outcome
from kakehashi.outcomes.services import outcome_record
from tests import factories

RECORD = {
    "status": "ok",
    "message": {
        "DOI": "10.1234/EEG.2027.42",
        "title": ["Decoding intentions from EEG across languages"],
        "author": [{"given": "Alex", "family": "Martin"}, {"given": "Hana", "family": "Sato"}],
        "container-title": ["Journal of Neural Engineering"],
        "publisher": "IOP Publishing",
        "type": "journal-article",
        "issued": {"date-parts": [[2027, 11, 2]]},
    },
}


def test_doi_normalised_from_links_and_case():
    assert doi_normalise("https://doi.org/10.1234/EEG.2027.42") == "10.1234/eeg.2027.42"
    assert doi_normalise("doi:10.1234/abc") == "10.1234/abc"
    with pytest.raises(ValidationError, match="is not a DOI"):
        doi_normalise("11.1234/abc")


def test_crossref_record_kept_fields():
    assert crossref_metadata(json.dumps(RECORD)) == {
        "doi": "10.1234/eeg.2027.42",
        "title": "Decoding intentions from EEG across languages",
        "authors": ["Alex Martin", "Hana Sato"],
        "container": "Journal of Neural Engineering",
        "publisher": "IOP Publishing",
        "type": "journal-article",
        "issued": [2027, 11, 2],
    }
    assert crossref_metadata(json.dumps(RECORD["message"]))["doi"] == "10.1234/eeg.2027.42"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("{not json", "The Crossref record is not valid JSON."),
        ('{"message": {"title": ["x"]}}', "The Crossref record has no DOI"),
        ("[1, 2]", "The Crossref record has no DOI"),
    ],
)
def test_bad_crossref_records(raw, message):
    with pytest.raises(ValidationError, match=message):
        crossref_metadata(raw)


def _after(internship, days=120):
    return internship.start_date + dt.timedelta(days=days)


def test_publication_from_its_crossref_record(world, internship):
    outcome = outcome_record(
        actor=world.candidate,
        internship=internship,
        kind="publication",
        date=_after(internship),
        crossref_record=json.dumps(RECORD),
    )
    assert (outcome.doi, outcome.title, outcome.metadata["authors"]) == (
        "10.1234/eeg.2027.42",
        "Decoding intentions from EEG across languages",
        ["Alex Martin", "Hana Sato"],
    )
    entry = AuditEntry.objects.get(verb="outcome.recorded")
    assert (entry.actor, entry.data["doi"]) == (world.candidate, "10.1234/eeg.2027.42")


def test_a_record_of_another_doi_is_refused_and_nothing_saved(world, internship):
    with pytest.raises(ValidationError, match=r"The Crossref record is of 10\.1234/eeg\.2027\.42"):
        outcome_record(
            actor=world.candidate, internship=internship, kind="publication",
            date=_after(internship), doi="10.5555/other", crossref_record=json.dumps(RECORD),
        )  # fmt: skip
    assert not Outcome.objects.exists()
    assert not AuditEntry.objects.filter(verb="outcome.recorded").exists()


def test_the_same_publication_twice_is_refused(world, internship):
    kwargs = dict(actor=world.candidate, internship=internship, kind="publication",
                  date=_after(internship), title="EEG", doi="10.1234/x")  # fmt: skip
    outcome_record(**kwargs)
    with pytest.raises(ValidationError, match=r"This publication is already recorded\."):
        outcome_record(**{**kwargs, "doi": "https://doi.org/10.1234/X"})
    assert Outcome.objects.count() == 1


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        ({"kind": "publication", "title": "x"}, "doi", "A publication needs its DOI."),
        ({"kind": "patent", "title": "x", "patent_number": "2027-1"}, "patent_office",
         "A patent needs its office."),
        ({"kind": "hire", "title": "x"}, "organisations",
         "Name the organisation that hired the intern."),
        ({"kind": "award", "title": "x", "doi": "10.1/x"}, "doi", "Only a publication has a DOI."),
    ],
)  # fmt: skip
def test_incomplete_outcomes_are_refused(world, internship, kwargs, field, message):
    with pytest.raises(ValidationError) as err:
        outcome_record(
            actor=world.candidate, internship=internship, date=_after(internship), **kwargs
        )
    assert err.value.message_dict[field] == [message]
    assert not Outcome.objects.exists()


def test_an_outcome_before_the_internship_is_refused(world, internship):
    with pytest.raises(ValidationError, match="cannot come before it started"):
        outcome_record(
            actor=world.candidate, internship=internship, kind="award", title="Best poster",
            date=internship.start_date - dt.timedelta(days=1),
        )  # fmt: skip


def test_a_patent_and_a_hire(world, internship):
    company = factories.OrganisationFactory(name="Omron Test", type="company")
    outcome_record(
        actor=world.supervisor, internship=internship, kind="patent", title="EEG cap",
        date=_after(internship), patent_office="JPO", patent_number="2027-123456",
    )  # fmt: skip
    hire = outcome_record(actor=world.candidate, internship=internship, kind="hire", title="",
                          date=_after(internship, 400), organisations=[company])  # fmt: skip
    assert list(hire.organisations.all()) == [company]
    assert Outcome.objects.count() == 2


def test_a_publication_makes_the_tie_last_and_a_hire_adds_one(world, internship):
    company = factories.OrganisationFactory(name="Omron Test", type="company")
    outcome_record(actor=world.candidate, internship=internship, kind="publication",
                   date=_after(internship, 400), title="EEG", doi="10.1234/x")  # fmt: skip
    outcome_record(actor=world.candidate, internship=internship, kind="hire",
                   date=_after(internship, 400), organisations=[company])  # fmt: skip
    snapshot = network_measure()
    year = str(internship.start_date.year)
    assert snapshot.result["years"][year]["ties_new_lasting"] == 1
    later = snapshot.result["years"][str(_after(internship, 400).year)]
    assert later["activities"] == {"hire": 1, "publication": 1}
    assert later["ties_new"] == 1  # home university – the employer


# Pages and API -------------------------------------------------------------------


@pytest.mark.parametrize(("who", "status"), [("candidate", 200), ("supervisor", 200),
                                             ("officer", 200), ("other_candidate", 404),
                                             ("other_supervisor", 404)])  # fmt: skip
def test_who_sees_an_internships_outcomes(client, world, internship, who, status):
    client.force_login(getattr(world, who))
    assert client.get(reverse("outcomes:internship", args=[internship.pk])).status_code == status
    api = client.get(f"/api/v1/internships/{internship.pk}/outcomes")
    assert api.status_code == (200 if status == 200 else 403)


def test_anonymous_is_sent_to_sign_in(client, internship):
    response = client.get(reverse("outcomes:internship", args=[internship.pk]))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_record_in_the_browser_with_an_uploaded_record(client, world, internship):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(world.candidate)
    upload = SimpleUploadedFile("record.json", json.dumps(RECORD).encode(), "application/json")
    response = client.post(
        reverse("outcomes:internship", args=[internship.pk]),
        {"kind": "publication", "date": _after(internship).isoformat(), "crossref_file": upload},
    )
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Decoding intentions from EEG across languages" in page
    assert "doi:10.1234/eeg.2027.42" in page


def test_a_bad_form_says_why_and_saves_nothing(client, world, internship):
    client.force_login(world.candidate)
    response = client.post(
        reverse("outcomes:internship", args=[internship.pk]),
        {"kind": "patent", "date": _after(internship).isoformat(), "title": "Cap"},
    )
    assert response.status_code == 422
    assert "A patent needs its office." in response.content.decode()
    assert not Outcome.objects.exists()


def test_api_record_and_delete(client, world, internship):
    client.force_login(world.candidate)
    created = client.post(
        f"/api/v1/internships/{internship.pk}/outcomes",
        {"kind": "award", "date": _after(internship).isoformat(), "title": "Best poster"},
        content_type="application/json",
    )
    assert created.status_code == 201
    outcome_id = created.json()["id"]
    client.force_login(world.supervisor)
    assert client.delete(f"/api/v1/outcomes/{outcome_id}").status_code == 403
    client.force_login(world.candidate)
    assert client.delete(f"/api/v1/outcomes/{outcome_id}").status_code == 204
    assert AuditEntry.objects.filter(verb="outcome.deleted").count() == 1


def test_api_refuses_unknown_organisations(client, world, internship):
    client.force_login(world.candidate)
    response = client.post(
        f"/api/v1/internships/{internship.pk}/outcomes",
        {"kind": "hire", "date": _after(internship).isoformat(), "organisation_ids": [999999]},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["error"]["fields"] == {
        "organisation_ids": ["No organisation has one of these ids."]
    }


def test_officer_overview_filters_counts_and_csv(client, world, internship,
                                                 django_assert_max_num_queries):  # fmt: skip
    for k in range(4):
        outcome_record(actor=world.candidate, internship=internship, kind="award",
                       title=f"Award {k}", date=_after(internship, 30 * k))  # fmt: skip
    client.force_login(world.officer)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("outcomes:overview"), {"kind": "award"}).content.decode()
    assert "4 outcomes" in page
    assert client.get(reverse("outcomes:overview"), {"kind": "hire"}).context["outcomes"] == []
    csv = client.get(reverse("outcomes:overview"), {"format": "csv"}).content.decode()
    assert csv.splitlines()[0].startswith("id,internship,program,call,direction,kind,date")
    assert len(csv.splitlines()) == 5
    with django_assert_max_num_queries(8):
        api = client.get("/api/v1/outcomes").json()
    assert api["count"] == 4


def test_overview_csv_writes_a_formula_title_as_text(client, world, internship):
    title = '=HYPERLINK("http://evil.example","Prize")'
    outcome_record(actor=world.candidate, internship=internship, kind="award", title=title,
                   date=_after(internship, 30))  # fmt: skip
    client.force_login(world.officer)

    text = client.get(reverse("outcomes:overview"), {"format": "csv"}).content.decode()

    (row,) = csv_module.DictReader(io.StringIO(text))
    assert row["title"] == "'" + title


def test_overview_is_for_officers(client, world, internship):
    client.force_login(world.candidate)
    assert client.get(reverse("outcomes:overview")).status_code == 404
    assert client.get("/api/v1/outcomes").status_code == 403
