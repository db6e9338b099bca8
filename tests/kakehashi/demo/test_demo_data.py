"""The demo data's own checks (demo/data/validate.py): people live in a time zone of the
country they work in (the Québec-born student at Tohoku is in Asia/Tokyo, a student at a
Québec university in America/Toronto)."""

from __future__ import annotations

import json

from kakehashi.demo.data import validate


def test_demo_data_is_consistent():
    assert validate.validate() == []


def test_a_zone_outside_the_organisations_country_is_reported(monkeypatch):
    real = validate._load

    def load(name):
        data = real(name)
        if name == "people.json":
            data = json.loads(json.dumps(data))
            for person in data["candidates"]:
                if person["username"] == "cand-lea":  # Laval University, Québec City
                    person["timezone"] = "Asia/Tokyo"
        return data

    monkeypatch.setattr(validate, "_load", load)

    assert validate.validate() == ["candidate cand-lea: time zone 'Asia/Tokyo' is not one of CA"]


def test_demo_people_of_quebec_universities_live_in_toronto_time():
    people = validate._load("people.json")
    orgs = {o["ror_id"]: o for o in validate._load("organisations.json")}
    quebec = [
        p for p in people["candidates"] if orgs[p["home_organisation_ror"]]["region"] == "CA-QC"
    ]
    assert quebec and {p["timezone"] for p in quebec} == {"America/Toronto"}
