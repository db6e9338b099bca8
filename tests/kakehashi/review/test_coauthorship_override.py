"""Co-authorship conflicts from recorded publications, and officers' "not the same
person" override of a name found in another script."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from kakehashi.audit.models import AuditEntry
from kakehashi.internships.models import Internship
from kakehashi.matching.models import MatchRun
from kakehashi.offers.models import Offer
from kakehashi.outcomes.models import Outcome
from kakehashi.review.models import Assignment, Conflict
from kakehashi.review.selectors import proposals_to_bid
from kakehashi.review.services import (
    assignment_add,
    assignment_instance,
    assignment_remove,
    conflict_override,
    conflict_override_undo,
    conflicts_detect,
)
from tests.kakehashi.api_helpers import API, body, error, session_client, token_client
from tests.kakehashi.review.helpers import open_round

pytestmark = pytest.mark.django_db


def _publication(world, *, doi, authors, years_ago=1):
    """A publication recorded as an outcome of an internship (only the authors' names
    and the date matter to review)."""
    project = world["projects"][2]
    internship = Internship.objects.first()
    if internship is None:
        run = MatchRun.objects.create(call=world["call"])
        offer = Offer.objects.create(
            run=run,
            candidate=world["candidate"],
            project=project,
            deadline=timezone.now() + dt.timedelta(days=7),
        )
        internship = Internship.objects.create(
            offer=offer,
            intern=world["candidate"],
            project=project,
            program=world["call"].program,
            direction="CA_JP",
            level="masters",
            host=project.host,
            region="JP-27",
            start_date=dt.date(2015, 4, 1),
            end_date=dt.date(2015, 9, 30),
            working_language="en",
        )
    today = timezone.localdate()
    return Outcome.objects.create(
        internship=internship,
        kind="publication",
        title="A paper",
        date=today.replace(year=today.year - years_ago),
        doi=doi,
        metadata={"doi": doi, "authors": authors},
    )


def _found(rnd, reason):
    return sorted(
        (c.proposal.project.key, c.reviewer.username, c.detail)
        for c in Conflict.objects.filter(proposal__round=rnd, reason=reason).select_related(
            "proposal__project", "reviewer"
        )
    )


def test_co_authorship_within_the_window_across_scripts(world):
    year = timezone.localdate().year
    # Kim Smith (r_en) wrote with Olivia Grant (p2's supervisor) last year.
    _publication(world, doi="10.1234/recent", authors=["Kim Smith", "Olivia Grant"])
    # Ann Roy (r_parent) wrote with 森本 拓也, the kanji form of p1's supervisor.
    _publication(world, doi="10.1234/kanji", authors=["森本 拓也", "Roy, Ann"], years_ago=2)
    # Six years ago: outside the window.
    _publication(world, doi="10.1234/old", authors=["Jun Abe", "Hana Suzuki"], years_ago=6)
    # One author whose name equals another's is not two co-authors.
    _publication(world, doi="10.1234/solo", authors=["Takuya Morimoto"])
    rnd = open_round(world)
    assert _found(rnd, "co_authorship") == [
        ("p1", "r_parent", f"Ann Roy & Takuya Morimoto: doi:10.1234/kanji ({year - 2})"),
        ("p2", "r_en", f"Kim Smith & Olivia Grant: doi:10.1234/recent ({year - 1})"),
    ]
    # Never assigned: the engine's instance leaves the pair out.
    p2 = rnd.proposals.get(project__key="p2")
    instance, _parts = assignment_instance(round=rnd)
    assert [f"p{p2.pk}", f"r{world['r_en'].pk}"] in instance["conflicts"]
    assert f"r{world['r_en'].pk}" not in instance["affinity"][f"p{p2.pk}"]
    page = session_client(world["officer"]).get(reverse("review:call", args=["rev-call"]))
    assert "Kim Smith &amp; Olivia Grant: doi:10.1234/recent" in page.content.decode()


def test_no_publications_no_co_authorship(world):
    rnd = open_round(world)
    assert _found(rnd, "co_authorship") == []


@pytest.fixture
def opened(world):
    rnd = open_round(world)
    p1 = rnd.proposals.get(project__key="p1")
    name = Conflict.objects.get(proposal=p1, reviewer=world["r_kanji"], reason="name_variant")
    return {**world, "round": rnd, "p1": p1, "name": name}


def test_homonym_override_frees_the_pair_and_is_undoable(opened):
    officer, p1, r_kanji, name = opened["officer"], opened["p1"], opened["r_kanji"], opened["name"]
    with pytest.raises(ValidationError) as exc:
        conflict_override(actor=officer, conflict=name, reason="  ")
    assert exc.value.message_dict == {"reason": ["Say why they are not the same person."]}
    with pytest.raises(ValidationError, match=r"Only program officers manage reviews\."):
        conflict_override(actor=r_kanji, conflict=name, reason="Not me.")
    other = Conflict.objects.filter(proposal__round=opened["round"]).exclude(reason="name_variant")[
        0
    ]
    with pytest.raises(ValidationError) as exc:
        conflict_override(actor=officer, conflict=other, reason="Different.")
    assert exc.value.messages == ["Only a name in another script can be marked as another person."]
    assert p1 not in proposals_to_bid(user=r_kanji, round=opened["round"])

    conflict_override(
        actor=officer, conflict=name, reason="Different birth years; checked on ORCID."
    )
    entry = AuditEntry.objects.get(verb="review.conflict_overridden")
    assert entry.actor == officer
    assert entry.data == {
        "conflict": name.pk,
        "proposal": p1.pk,
        "reviewer": r_kanji.pk,
        "detail": "森本拓也 ~ Takuya Morimoto",
        "reason": "Different birth years; checked on ORCID.",
    }
    # The conflict stays on record, marked, and survives a new detection.
    conflicts_detect(actor=officer, round=opened["round"])
    name = Conflict.objects.get(proposal=p1, reviewer=r_kanji, reason="name_variant")
    assert name.overridden and name.overridden_by == officer
    instance, _parts = assignment_instance(round=opened["round"])
    assert [f"p{p1.pk}", f"r{r_kanji.pk}"] not in instance["conflicts"]
    assert p1 in proposals_to_bid(user=r_kanji, round=opened["round"])
    added = assignment_add(actor=officer, proposal=p1, reviewer=r_kanji)

    with pytest.raises(ValidationError) as exc:
        conflict_override_undo(actor=officer, conflict=name)
    assert exc.value.messages == [
        "This reviewer is assigned to the proposal: remove the assignment first."
    ]
    assignment_remove(actor=officer, assignment=added)
    conflict_override_undo(actor=officer, conflict=name)
    entry = AuditEntry.objects.get(verb="review.conflict_override_undone")
    assert entry.data["before"] == "Different birth years; checked on ORCID."
    name.refresh_from_db()
    assert not name.overridden and name.override_reason == ""
    with pytest.raises(ValidationError, match="Conflict of interest: Same name in another"):
        assignment_add(actor=officer, proposal=p1, reviewer=r_kanji)
    assert not Assignment.objects.filter(proposal=p1, reviewer=r_kanji).exists()


def test_override_through_the_api(opened):
    name = opened["name"]
    path = f"{API}/review/conflicts/{name.pk}/override"
    reviewer = token_client(opened["r_kanji"])
    refused = reviewer.post(path, {"reason": "Not me."}, content_type="application/json")
    assert body(refused) == error(403, "forbidden", "Only program officers manage reviews.")
    officer = token_client(opened["officer"])
    response = officer.post(path, {"reason": ""}, content_type="application/json")
    assert response.status_code == 422
    assert body(response)["error"]["fields"].keys() == {"reason"}
    response = officer.post(path, {"reason": "Homonym."}, content_type="application/json")
    assert response.status_code == 200
    out = body(response)
    assert (out["reason"], out["overridden"], out["override_reason"]) == (
        "name_variant",
        True,
        "Homonym.",
    )
    again = officer.post(path, {"reason": "Homonym."}, content_type="application/json")
    message = "This conflict is already marked as another person."
    assert body(again) == error(422, "exists", message)
    out = body(officer.delete(path))
    assert (out["overridden"], out["override_reason"], out["overridden_at"]) == (False, "", None)
    assert officer.delete(f"{API}/review/conflicts/999999/override").status_code == 404


def test_override_from_the_page(opened):
    client = session_client(opened["officer"])
    name = opened["name"]
    page = reverse("review:call", args=["rev-call"])
    response = client.post(
        reverse("review:override", args=["rev-call", name.pk]), {"reason": "Homonym."}
    )
    assert response.status_code == 302
    html = client.get(page).content.decode()
    assert "Not the same person: Homonym." in html
    name.refresh_from_db()
    assert name.overridden
    client.post(reverse("review:override_undo", args=["rev-call", name.pk]))
    name.refresh_from_db()
    assert not name.overridden
    # A reviewer cannot reach it.
    response = session_client(opened["r_kanji"]).post(
        reverse("review:override", args=["rev-call", name.pk]), {"reason": "x"}
    )
    assert response.status_code == 404


def test_due_date_through_the_api(opened):
    path = f"{API}/review/rounds/{opened['round'].pk}/due"
    officer = token_client(opened["officer"])
    message = "Give the due date with its time zone."
    response = officer.put(
        path, {"reviews_due_at": "2040-01-01T12:00:00"}, content_type="application/json"
    )
    assert body(response) == error(422, "due", message, fields={"reviews_due_at": [message]})
    response = officer.put(
        path, {"reviews_due_at": "2040-01-01T12:00:00+09:00"}, content_type="application/json"
    )
    assert body(response)["reviews_due_at"] == "2040-01-01T03:00:00Z"
    response = token_client(opened["r_en"]).put(
        path, {"reviews_due_at": None}, content_type="application/json"
    )
    assert body(response) == error(403, "forbidden", "Only program officers manage reviews.")
