"""An intern's data export holds their internships, approvals and attestations; an
account deletion keeps them (the internship PROTECTs its intern), anonymised."""

from __future__ import annotations

import pytest
from django.db.models import ProtectedError

from kakehashi.people.selectors import person_data_export
from kakehashi.people.services import person_delete_plan

from .conftest import approve_all, clear_security, complete_draft


def test_export_holds_internship_plan_approvals_and_attestations(iw):
    complete_draft(iw)
    clear_security(iw, sensitive=True)
    approve_all(iw)
    sections = person_data_export(person=iw.candidate, language="en")["sections"]
    internship = sections["internships"]["records"][0]
    assert (internship["id"], internship["project"], internship["plan_intern"]) == (
        iw.internship.pk,
        "eeg-decoding",
        "Decode EEG with transformers.",
    )
    assert [a["party"] for a in sections["agreement_approvals"]["records"]] == ["intern"]
    assert [a["list"] for a in sections["research_attestations"]["records"]] == [1]


def test_deletion_keeps_internships_and_says_why(iw):
    plan = person_delete_plan(person=iw.candidate)
    item = next(i for i in plan if i["what"] == "Internships and agreements")
    assert (item["count"], item["action"]) == (1, "kept")
    assert "contract between several parties" in item["why"]


def test_the_intern_row_is_protected(iw):
    with pytest.raises(ProtectedError):
        iw.candidate.delete()
