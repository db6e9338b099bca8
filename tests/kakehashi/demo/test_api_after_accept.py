"""Issue 12's journey through the API, on the demo's previous round (invented), with the
browser journey's exact figures (tests/kakehashi/browser/test_after_accept.py): accept the
ATR offer, the internship, the agreement (plan, parties, research security, screening,
five approvals), the partner's invoice in yen and the stipends in dollars, the mobility
checklist, Kentaro's 12 weeks in Vancouver, an early end with its pro-rata refund, and the
budget. The translated parts (error messages, route names, agreement sections) come back
in English, French and Japanese by Accept-Language."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.test import Client

from kakehashi.demo.services import demo_load
from kakehashi.funding.models import ExchangeRate
from kakehashi.offers.models import Offer
from kakehashi.people.models import User

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 12, 5)
PARTIES = (
    ("cand-arjun", "intern"),
    ("sup-atr-wave", "host_supervisor"),
    ("supervisor-ca", "home_supervisor"),
    ("sup-kddi", "partner_signatory"),
    ("officer", "officer"),
)
JSON = "application/json"


@pytest.fixture
def demo():
    demo_load(today=TODAY)
    return {u.username: u for u in User.objects.all()}


def _as(user, language="en") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


def _ok(response, status=200):
    assert response.status_code == status, response.content.decode()
    return response.json()


def _items(data):
    return data["items"] if isinstance(data, dict) and "items" in data else data


def _accept(people, username) -> int:
    offer = Offer.objects.get(candidate=people[username], status="pending")
    answer = _ok(_as(people[username]).post(f"/api/v1/offers/{offer.pk}/accept"))
    assert answer["status"] == "accepted"
    (internship,) = _items(_ok(_as(people[username]).get("/api/v1/internships")))
    return internship["id"]


def test_accept_agree_fund_move_end_early_and_budget_through_the_api(demo):
    people = demo
    arjun = _as(people["cand-arjun"])
    officer = _as(people["officer"])

    # Accepting starts the internship and its draft agreement.
    iid = _accept(people, "cand-arjun")
    internship = _ok(arjun.get(f"/api/v1/internships/{iid}"))
    assert {k: internship[k] for k in ("status", "host", "partner", "region", "city")} == {
        "status": "planned",
        "host": "Advanced Telecommunications Research Institute International",
        "partner": "KDDI Research (Japan)",
        "region": "JP-26",
        "city": "Kyoto",
    }
    assert (internship["start_date"], internship["end_date"]) == ("2027-04-04", "2027-09-18")
    agreement = _ok(arjun.get(f"/api/v1/internships/{iid}/agreement"))
    assert [(line["amount"], line["currency"]) for line in agreement["budget"]] == [
        ("7500.00", "CAD"),
        ("7500.00", "CAD"),
    ]
    assert len(agreement["blockers"]) == 6

    # The sections come in the caller's language.
    for language, title in (("en", "Parties and purpose"), ("fr", "Parties et objet")):
        sections = _ok(
            _as(people["cand-arjun"], language).get(f"/api/v1/internships/{iid}/agreement")
        )["sections"]
        assert sections[0]["title"] == {"text": title, "language": language}
    sections = _ok(_as(people["cand-arjun"], "ja").get(f"/api/v1/internships/{iid}/agreement"))
    assert sections["sections"][0]["title"] == {"text": "当事者及び目的", "language": "ja"}

    # Naming someone from the wrong organisation is refused, in the caller's language.
    wrong = {"home_supervisor": people["sup-kddi"].pk}
    for language, message in (
        ("en", "Ishikawa Mai is not affiliated with that organisation."),
        ("fr", "Ishikawa Mai n'est pas affilié·e à cette organisation."),
        ("ja", "石川舞 さんはその機関に所属していません。"),
    ):
        response = _as(people["cand-arjun"], language).put(
            f"/api/v1/internships/{iid}/agreement/parties", wrong, content_type=JSON
        )
        error = _ok(response, 422)["error"]
        assert (error["code"], error["message"]) == ("not_affiliated", message)

    # The draft: plan in both languages, IP option, parties, research security.
    _ok(
        arjun.patch(
            f"/api/v1/internships/{iid}/agreement",
            {
                "plan_intern": "Spectrum sharing.",
                "plan_host": "周波数共用。",
                "ip_option": "host-owns",
            },
            content_type=JSON,
        )
    )
    _ok(
        arjun.put(
            f"/api/v1/internships/{iid}/agreement/parties",
            {"home_supervisor": people["supervisor-ca"].pk},
            content_type=JSON,
        )
    )
    named = _ok(
        officer.put(
            f"/api/v1/internships/{iid}/agreement/parties",
            {"partner_signatory": people["sup-kddi"].pk},
            content_type=JSON,
        )
    )
    assert named["partner_signatory"]["id"] == people["sup-kddi"].pk
    refused = _as(people["cand-arjun"]).put(
        f"/api/v1/internships/{iid}/sensitivity",
        {"sensitivity": "not_sensitive"},
        content_type=JSON,
    )
    assert refused.status_code == 403
    security = _ok(
        officer.put(
            f"/api/v1/internships/{iid}/sensitivity",
            {"sensitivity": "not_sensitive"},
            content_type=JSON,
        )
    )
    assert security["sensitivity"] == "not_sensitive"
    _ok(
        _as(people["sup-atr-wave"]).post(
            f"/api/v1/internships/{iid}/screenings",
            {"outcome": "cleared", "screened_on": "2026-12-04", "reference": "ATR-EC-2027-007"},
            content_type=JSON,
        ),
        201,
    )
    assert _ok(arjun.get(f"/api/v1/internships/{iid}/agreement"))["blockers"] == []

    # Five approvals put it in force.
    for username, party in PARTIES:
        agreement = _ok(
            _as(people[username]).post(
                f"/api/v1/internships/{iid}/agreement/approve", {"party": party}, content_type=JSON
            )
        )
    assert agreement["status"] == "in_force"
    again = _as(people["officer"], "fr").post(
        f"/api/v1/internships/{iid}/agreement/approve", {"party": "officer"}, content_type=JSON
    )
    assert _ok(again, 422)["error"]["message"] == "L'entente est déjà en vigueur."

    # Funding: KDDI invoiced its CAD 7,500.00 share in yen, in Japanese; stipends in CAD.
    (invoice,) = [
        i for i in _items(_ok(officer.get("/api/v1/funding/invoices"))) if i["internship"] == iid
    ]
    rate = ExchangeRate.objects.filter(series="FXJPYCAD", date__lte=invoice["issued_on"]).latest(
        "date"
    )
    yen = (Decimal("7500.00") / rate.value).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    assert {k: invoice[k] for k in ("partner", "language", "amount", "currency")} == {
        "partner": "KDDI Research (Japan)",
        "language": "ja",
        "amount": str(yen),
        "currency": "JPY",
    }
    assert (invoice["original_amount"], invoice["original_currency"]) == ("7500.00", "CAD")
    assert invoice["rate"]["series"] == "FXJPYCAD"
    payments = _items(_ok(officer.get(f"/api/v1/funding/payments?internship={iid}")))
    assert [(p["due_on"], p["amount"], p["currency"]) for p in payments] == [
        ("2027-04-04", "2727.27", "CAD"),
        ("2027-05-04", "2727.27", "CAD"),
        ("2027-06-04", "2727.27", "CAD"),
        ("2027-07-04", "2727.27", "CAD"),
        ("2027-08-04", "2727.27", "CAD"),
        ("2027-09-04", "1363.65", "CAD"),
    ]

    # Mobility: Designated Activities, the CoE worked back over Kyoto's holidays.
    for language, title in (
        ("en", "Designated Activities (internship)"),
        ("fr", "Activités désignées (stage)"),
        ("ja", "特定活動（インターンシップ）"),
    ):
        plan = _ok(_as(people["cand-arjun"], language).get(f"/api/v1/mobility/plans/{iid}"))
        assert (plan["route_key"], plan["route"]["title"]) == (
            "designated_activities_internship",
            title,
        )
    assert (plan["nationality"], plan["days"], plan["paid"]) == ("CA", 168, True)
    coe = next(s for s in plan["steps"] if s["key"] == "coe_apply")
    assert (coe["owner"], coe["calendar"], coe["due_date"], coe["due_rule"]) == (
        "host",
        "JP-26",
        "2027-01-05",
        {"business_days_before_start": 60},
    )

    # Kentaro (Japanese) to Vancouver for 12 weeks: a short-term researcher.
    vancouver = _accept(people, "cand-kentaro")
    for language, title in (
        ("en", "Short-term researcher (no work permit)"),
        ("fr", "Chercheur de courte durée (sans permis de travail)"),
        ("ja", "短期研究者（就労許可不要）"),
    ):
        plan = _ok(_as(people["cand-kentaro"], language).get(f"/api/v1/mobility/plans/{vancouver}"))
        assert (plan["route_key"], plan["route"]["title"]) == ("short_term_researcher", title)
    assert (plan["nationality"], plan["region"], plan["days"]) == ("JP", "CA-BC", 84)

    # An early end on 3 June 2027, approved by every party: 107 of 168 days refunded.
    amendment = _ok(
        arjun.post(
            f"/api/v1/internships/{iid}/amendments",
            {"kind": "early_end", "reason": "Family reasons.", "ended_on": "2027-06-03"},
            content_type=JSON,
        ),
        201,
    )
    for username, party in PARTIES:
        _ok(
            _as(people[username]).post(
                f"/api/v1/internships/{iid}/amendments/{amendment['number']}/approve",
                {"party": party},
                content_type=JSON,
            )
        )
    internship = _ok(arjun.get(f"/api/v1/internships/{iid}"))
    assert (internship["status"], internship["ended_on"]) == ("ended_early", "2027-06-03")
    ledger = _items(_ok(officer.get(f"/api/v1/funding/internships/{iid}/ledger")))
    (refund,) = [e for e in ledger if e["kind"] == "refund"]
    assert refund["memo"] == "Pro-rata refund: ended on 2027-06-03"
    assert [(line["amount"], line["currency"]) for line in refund["lines"]] == [
        ("-4776.79", "CAD"),
        ("-4776.79", "CAD"),
        ("9553.58", "CAD"),
    ]
    (credit,) = [
        i for i in _items(_ok(officer.get("/api/v1/funding/invoices"))) if i["credit_note_of"]
    ]
    assert (credit["credit_note_of"], credit["currency"], credit["original_amount"]) == (
        invoice["number"],
        "JPY",
        "-4776.79",
    )
    payments = _items(_ok(officer.get(f"/api/v1/funding/payments?internship={iid}")))
    assert [(p["due_on"], p["amount"]) for p in payments if p["status"] == "scheduled"] == [
        ("2027-04-04", "2723.21"),
        ("2027-05-04", "2723.21"),
    ]

    # The budget of FY2027 (Arjun's start): committed, invoiced, paid, remaining.
    (row,) = _ok(officer.get("/api/v1/funding/budgets?fiscal_year=2027&funder=MITACS"))
    assert {k: row[k] for k in ("budget", "committed", "invoiced", "paid", "remaining")} == {
        "budget": "150000.00",
        "committed": "2723.21",
        "invoiced": "2723.21",
        "paid": "0.00",
        "remaining": "147276.79",
    }
