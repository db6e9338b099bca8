"""Personal data: the export of everything held about a person, and account deletion."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.serializers.json import DjangoJSONEncoder
from django.test import Client
from django.utils import translation

from kakehashi.applications.models import Application, HostRank
from kakehashi.audit.models import AuditEntry
from kakehashi.audit.services import audit_record
from kakehashi.matching.models import MatchRun
from kakehashi.matching.services import run_publish
from kakehashi.offers.models import Offer
from kakehashi.people.models import ApiToken, User
from kakehashi.people.selectors import person_data_export
from kakehashi.people.services import api_token_create, person_delete, person_delete_plan
from tests import factories
from tests.kakehashi.api_helpers import API, body, session_client, token_client

PASSWORD = "a long enough password 42"


def _dump(document) -> str:
    return json.dumps(document, cls=DjangoJSONEncoder, ensure_ascii=False)


@pytest.fixture
def published(market, start):
    run = run_publish(run=start(market), user=market.officer)
    run.refresh_from_db()
    return run


def _with_password(user) -> User:
    user.set_password(PASSWORD)
    user.save()
    return user


@pytest.mark.django_db
def test_export_holds_applications_rank_list_offer_and_placement(market, published):
    c1 = market.c1
    api_token_create(user=c1, name="laptop")
    doc = person_data_export(person=c1, language="en")
    sections = doc["sections"]
    assert doc["person_id"] == c1.pk and doc["format"] == "kakehashi-personal-data/1"
    assert sections["account"]["records"][0]["username"] == "c1-user"
    apps = sections["applications"]["records"]
    assert [(a["project"], a["rank"]) for a in apps] == [("p-a", 1), ("p-b", 2)]
    assert sections["applications"]["keys"]["rank"] == "rank"
    placed = published.result["assignments"][f"c{c1.pk}"]
    assert sections["placements"]["records"] == [
        {
            "run": published.pk,
            "call": "summer",
            "round": 1,
            "published_at": published.published_at.isoformat(),
            "project": placed,
        }
    ]
    offers = sections["offers"]["records"]
    assert [(o["project"], o["status"], o["run"]) for o in offers] == [
        (placed, "pending", published.pk)
    ]
    tokens = sections["api_tokens"]["records"]
    assert [(t["name"], len(t["prefix"])) for t in tokens] == [("laptop", 8)]
    assert "key_hash" not in _dump(doc)
    assert sections["host_rankings"]["count"] == 0
    assert sections["candidate_profile"]["count"] == 1


@pytest.mark.django_db
def test_export_of_a_supervisor_lists_rankings_and_projects(market, published):
    doc = person_data_export(person=market.sup_a, language="en")
    ranks = doc["sections"]["host_rankings"]["records"]
    assert ranks == [
        {"call": "summer", "rank": 1, "candidate": market.c2.pk},
        {"call": "summer", "rank": 2, "candidate": market.c1.pk},
        {"call": "summer", "rank": 3, "candidate": market.c3.pk},
    ]
    projects = doc["sections"]["supervised_projects"]["records"]
    assert [p["key"] for p in projects] == ["p-a"]


@pytest.mark.django_db
def test_export_of_one_person_never_holds_another_persons_data(market, published):
    text = _dump(person_data_export(person=market.c1, language="en"))
    others = User.objects.exclude(pk=market.c1.pk)
    assert others.count() >= 7
    for other in others:
        for value in (other.username, other.email, other.given_name, other.family_name):
            if value and len(value) >= 4:
                assert value not in text, value


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["fr", "ja"])
def test_export_explains_itself_in_the_interface_language(market, language):
    doc = person_data_export(person=market.c1, language=language)
    with translation.override(language):
        title = translation.gettext("Applications and rank lists")
        label = translation.gettext("motivation statement")
    with translation.override("en"):
        english = person_data_export(person=market.c1, language="en")
    assert doc["language"] == language
    assert doc["sections"]["applications"]["title"] == title != "Applications and rank lists"
    assert doc["sections"]["applications"]["keys"]["statement"] == label
    assert doc["about"] != english["about"]


@pytest.mark.django_db
def test_export_queries_do_not_grow(django_assert_num_queries, call):
    people = []
    for n in (1, 3):
        person = factories.candidate(user__username=f"grow-{n}")
        for rank in range(1, n + 1):
            project = factories.ProjectFactory(call=call)
            factories.ApplicationFactory(candidate=person, project=project, rank=rank)
            factories.HostRankFactory(supervisor=person, call=call, rank=rank)
        api_token_create(user=person, name="t")
        people.append(person)
    counts = []
    for person in people:
        with django_assert_num_queries(EXPORT_QUERIES) as ctx:
            person_data_export(person=person, language="en")
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]


#: Account, languages, affiliations, affiliation requests, profile (+ fields), tokens,
#: audit; applications, host rankings, projects, offers, published runs, homes' orders,
#: notifications; documents, referees; funding's payments; reviewer profile (+ fields),
#: bids, reviews, discussion comments; mobility plans (their coverages and contacts
#: prefetched only when there is a plan); internships, agreement approvals, research
#: attestations.
EXPORT_QUERIES = 26


@pytest.mark.django_db
def test_deletion_keeps_a_published_run_intact_but_anonymised(market, published):
    c1 = _with_password(market.c1)
    before = MatchRun.objects.values("result", "snapshot", "summary", "published_at").get(
        pk=published.pk
    )
    placements = sum(1 for v in before["result"]["assignments"].values() if v)
    offers = Offer.objects.count()
    names = ["c1-user", "Alex", "Cand1", c1.email]

    items = person_delete(person=c1, password=PASSWORD)

    after = MatchRun.objects.values("result", "snapshot", "summary", "published_at").get(
        pk=published.pk
    )
    assert after == before
    assert sum(1 for v in after["result"]["assignments"].values() if v) == placements
    assert Offer.objects.count() == offers
    # The pending offer was declined, so the place goes to round two.
    assert Offer.objects.get(candidate=c1).status == "declined"
    c1.refresh_from_db()
    assert (c1.username, c1.email, c1.family_name, c1.given_name) == (
        f"deleted-{c1.pk}",
        "",
        f"Deleted person #{c1.pk}",
        "",
    )
    assert not c1.is_active and not c1.has_usable_password()
    assert not ApiToken.objects.filter(user=c1).exists()
    # Applications of a matched call stay (the published rankings), statements replaced.
    statements = set(Application.objects.filter(candidate=c1).values_list("statement", flat=True))
    assert Application.objects.filter(candidate=c1).count() == 2
    assert statements <= {"", f"Deleted person #{c1.pk}"}
    assert HostRank.objects.filter(candidate=c1).count() == 2
    assert c1.candidate_profile.research_interests == ""
    for entry in AuditEntry.objects.all():
        text = entry.target + json.dumps(entry.data, ensure_ascii=False)
        assert not any(name in text for name in names if name), entry
    assert AuditEntry.objects.filter(actor=c1, verb="offer.declined").count() == 1
    assert {item["action"] for item in items} == {"deleted", "anonymised", "kept"}


@pytest.mark.django_db
def test_deletion_before_any_match_deletes_applications_and_rankings(market):
    c1 = _with_password(market.c1)
    factories.LanguageSkillFactory(person=c1)
    with translation.override("en"):
        plan = person_delete_plan(person=c1)
    dropped = next(
        i for i in plan if i["what"].startswith("Applications and rank lists of calls not")
    )
    assert dropped["count"] == 2 and dropped["action"] == "deleted"
    assert Application.objects.filter(candidate=c1).count() == 2  # the plan changes nothing

    person_delete(person=c1, password=PASSWORD)

    assert not Application.objects.filter(candidate=c1).exists()
    assert not HostRank.objects.filter(candidate=c1).exists()
    assert not c1.languages.exists()
    assert HostRank.objects.filter(supervisor=market.sup_a).count() == 2


@pytest.mark.django_db
def test_deletion_with_a_wrong_password_changes_nothing(market):
    c1 = _with_password(market.c1)
    with pytest.raises(ValidationError) as exc:
        person_delete(person=c1, password="not it")
    assert exc.value.code == "wrong_password"
    c1.refresh_from_db()
    assert c1.is_active and c1.username == "c1-user"
    assert Application.objects.filter(candidate=c1).count() == 2


@pytest.mark.django_db
def test_a_superuser_is_not_deleted_by_themself():
    admin = factories.UserFactory(username="root", is_superuser=True)
    _with_password(admin)
    with pytest.raises(ValidationError) as exc:
        person_delete(person=admin, password=PASSWORD)
    assert exc.value.code == "superuser"


# ---------------------------------------------------------------- pages and API, per role


def _role(name: str, market) -> User:
    return {"candidate": market.c1, "supervisor": market.sup_a, "officer": market.officer}[name]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["candidate", "supervisor", "officer"])
def test_everyone_downloads_their_own_data_only(role, market):
    person = _role(role, market)
    page = session_client(person).get("/profile/data/")
    assert page.status_code == 200
    assert page["Content-Disposition"].startswith("attachment;")
    assert json.loads(page.content)["person_id"] == person.pk
    api = token_client(person).get(f"{API}/me/data")
    assert api.status_code == 200 and body(api)["person_id"] == person.pk


@pytest.mark.django_db
def test_anonymous_gets_no_data():
    assert Client().get(f"{API}/me/data").status_code == 401
    assert Client().post(f"{API}/me/delete", {}, content_type="application/json").status_code == 401
    page = Client().get("/profile/data/")
    assert page.status_code == 302 and "/accounts/login/" in page["Location"]
    assert Client().get("/profile/delete/").status_code == 302


@pytest.mark.django_db
def test_api_export_language_follows_lang_then_the_preference(market):
    c1 = market.c1
    c1.preferred_language = "ja"
    c1.save()
    client = token_client(c1)
    assert body(client.get(f"{API}/me/data"))["language"] == "ja"
    assert body(client.get(f"{API}/me/data?lang=fr"))["language"] == "fr"


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["candidate", "supervisor", "officer"])
def test_everyone_deletes_their_own_account_through_the_api(role, market):
    person = _with_password(_role(role, market))
    client = token_client(person)
    plan = client.get(f"{API}/me/delete")
    assert plan.status_code == 200 and body(plan)[0]["what"] == "Account"
    wrong = client.post(f"{API}/me/delete", {"password": "no"}, content_type="application/json")
    assert wrong.status_code == 422 and body(wrong)["error"]["code"] == "wrong_password"
    done = client.post(f"{API}/me/delete", {"password": PASSWORD}, content_type="application/json")
    assert done.status_code == 200 and body(done)["deleted"] is True
    person.refresh_from_db()
    assert not person.is_active
    # Every token was revoked, the one used included.
    assert client.get(f"{API}/me").status_code == 401


@pytest.mark.django_db
def test_profile_page_offers_download_and_deletion(market):
    page = session_client(market.c1).get("/profile/")
    assert b'href="/profile/data/"' in page.content
    assert b'href="/profile/delete/"' in page.content


@pytest.mark.django_db
def test_delete_page_says_what_happens_then_deletes_and_signs_out(market):
    c1 = _with_password(market.c1)
    client = session_client(c1)
    page = client.get("/profile/delete/")
    assert page.status_code == 200
    assert b"What is deleted and what is kept" in page.content
    refused = client.post("/profile/delete/", {"password": "wrong"})
    assert refused.status_code == 200 and b"The password is not right" in refused.content
    done = client.post("/profile/delete/", {"password": PASSWORD})
    assert done.status_code == 200 and b"Your account has been deleted" in done.content
    c1.refresh_from_db()
    assert not c1.is_active
    assert client.get("/profile/").status_code == 302


@pytest.mark.django_db
def test_audit_entries_naming_the_person_are_exported_then_scrubbed(market):
    c1 = _with_password(market.c1)
    c1.family_name_kanji, c1.given_name_kanji = "山田", "花子"
    c1.email = "alex@example.org"
    c1.save()
    about = audit_record(
        scope=market.call,
        verb="person.updated",
        actor=market.officer,
        target=c1.username,
        data={"email": "alex@example.org", "name": "山田花子", "note": "kept as is"},
    )
    other = audit_record(
        scope=market.call, verb="person.updated", actor=market.officer, target="sup-a"
    )
    exported = person_data_export(person=c1, language="en")["sections"]["audit"]["records"]
    assert [(e["verb"], e["target"], e["by_you"]) for e in exported] == [
        ("person.updated", "c1-user", False)
    ]
    assert market.officer.username not in _dump(exported)

    person_delete(person=c1, password=PASSWORD)

    about.refresh_from_db()
    placeholder = f"Deleted person #{c1.pk}"
    assert (about.verb, about.actor_id, about.target) == (
        "person.updated",
        market.officer.pk,
        placeholder,
    )
    assert about.data == {"email": placeholder, "name": placeholder, "note": "kept as is"}
    other.refresh_from_db()
    assert other.target == "sup-a"


@pytest.mark.django_db
def test_entries_scoped_to_a_person_are_exported_and_the_deletion_is_audited(market):
    c1 = _with_password(market.c1)
    audit_record(scope=c1, verb="auth.sign_in_failed", target="c1-user", data={"ip": "10.0.0.9"})

    verbs = [
        e["verb"]
        for e in person_data_export(person=c1, language="en")["sections"]["audit"]["records"]
    ]
    assert "auth.sign_in_failed" in verbs

    person_delete(person=c1, password=PASSWORD)

    entry = AuditEntry.objects.for_scope(c1).get(verb="person.deleted")
    assert entry.actor_id is None
    assert entry.target == f"Deleted person #{c1.pk}"
    assert ["Account", 1, "anonymised"] in entry.data["done"]


@pytest.mark.django_db
def test_every_exported_key_has_a_label_and_every_value_is_plain_json():
    """Over the demo's people, each record's keys are labelled in its section, and every
    value is already plain JSON: dates and times in ISO 8601, never left to the encoder.
    (Sections the demo leaves empty are checked in their apps' tests.)"""
    call_command("load_demo", stdout=StringIO())
    unlabelled, not_plain, filled = [], [], set()
    for person in User.objects.order_by("username"):
        for key, section in person_data_export(person=person, language="en")["sections"].items():
            for record in section["records"]:
                filled.add(key)
                missing = set(record) - set(section["keys"])
                if missing:
                    unlabelled.append(f"{person.username}/{key}: {sorted(missing)}")
                try:
                    json.dumps(record)
                except TypeError as error:
                    not_plain.append(f"{person.username}/{key}: {error}")

    assert {"applications", "mobility", "internships", "offers"} <= filled
    assert unlabelled == []
    assert not_plain == []
