"""The derivation read from the shipped packs: exact cases of the issue, and properties
that hold for any stay (hypothesis)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from kakehashi.mobility import calendars, engine

PACKS = Path(engine.__file__).resolve().parent / "rulepacks"
JP = yaml.safe_load((PACKS / "jp.yaml").read_text(encoding="utf-8"))
CA = yaml.safe_load((PACKS / "ca.yaml").read_text(encoding="utf-8"))


def facts(**kwargs) -> engine.Facts:
    base = {
        "nationality": "CA",
        "region": "JP-26",
        "days": 30,
        "paid": False,
        "level": "phd",
        "host_type": "university",
    }
    return engine.Facts(**{**base, **kwargs})


def keys(derivation) -> list[str]:
    return [s.key for s in derivation.steps]


def test_shipped_packs_hold_together():
    engine.validate(JP)
    engine.validate(CA)


def test_canadian_phd_kyoto_six_months_paid_is_designated_activities_with_coe():
    stay = facts(nationality="CA", region="JP-26", days=184, paid=True, home_country="CA")

    derivation = engine.derive(JP, stay)

    assert derivation.route_key == "designated_activities_internship"
    assert keys(derivation) == [
        "officer_route_check",
        "university_agreement",
        "half_study_period",
        "coe_documents",
        "coe_apply",
        "coe_sent",
        "visa_with_coe",
        "insurance_travel",
        "residence_card",
        "resident_registration",
        "nhi_enrolment",
    ]
    coe = next(s for s in derivation.steps if s.key == "coe_apply")
    assert (coe.owner, coe.place, coe.due, coe.risk_days_before_start) == (
        "host",
        "host",
        {"business_days_before_start": 60},
        75,
    )


def test_coe_deadline_is_worked_back_over_japanese_holidays():
    """Start Thursday 2027-05-06, after Golden Week. Sixty Japanese business days
    before it skip seven weekday holidays: Foundation Day (11 February), the Emperor's
    Birthday (23 February), the Vernal Equinox observed (22 March), Showa Day (29 April)
    and Constitution, Greenery and Children's Days (3-5 May)."""
    stay = facts(nationality="CA", region="JP-26", days=184, paid=True, home_country="CA")
    steps = {s.key: s for s in engine.derive(JP, stay).steps}
    start = dt.date(2027, 5, 6)

    due = engine.due_date(steps["coe_apply"], stay, start)

    assert due == dt.date(2027, 2, 2)
    assert calendars.business_days_between(due, start, "JP-26") == 60
    weekdays = sum(1 for n in range((start - due).days) if (due + dt.timedelta(n)).weekday() < 5)
    assert weekdays == 60 + 7
    # Counting weekends only would have said 11 February, itself a holiday.
    assert calendars.holiday_name(dt.date(2027, 2, 11), "JP-26") == "Foundation Day"
    assert engine.risk_date(steps["coe_apply"], start) == dt.date(2027, 2, 20)
    registration = steps["resident_registration"]
    assert engine.due_date(registration, stay, start) == dt.date(2027, 5, 20)


def test_japanese_student_vancouver_twelve_weeks_is_short_term_researcher_with_eta():
    stay = facts(
        nationality="JP", region="CA-BC", days=84, paid=False, level="masters", home_country="JP"
    )

    derivation = engine.derive(CA, stay)

    assert derivation.route_key == "short_term_researcher"
    assert keys(derivation) == [
        "officer_route_check",
        "researcher_letter",
        "count_120_days",
        "eta",
        "private_insurance_whole_stay",
    ]


@pytest.mark.parametrize(
    ("stay", "route"),
    [
        (facts(nationality="FR", days=90, paid=False), "temporary_visitor"),
        (facts(nationality="CN", days=60, paid=False), "temporary_visitor_visa"),
        (facts(nationality="CA", days=91, paid=False), "cultural_activities"),
        (facts(nationality="CA", days=200, paid=True, level="postdoc"), "researcher"),
        (
            facts(nationality="CA", days=365, paid=True, level="masters"),
            "designated_activities_internship",
        ),
        (facts(nationality="CA", days=366, paid=True, level="phd"), ""),
        (facts(nationality="", days=30), ""),
    ],
)
def test_japan_routes(stay, route):
    assert engine.derive(JP, stay).route_key == route


def test_no_route_says_why():
    assert engine.derive(JP, facts(nationality="CA", days=366, paid=True)).reason == "no_route"
    assert engine.derive(JP, facts(nationality="")).reason == "nationality_missing"


@pytest.mark.parametrize(
    ("nationality", "region", "days", "expected"),
    [
        ("IN", "CA-ON", 100, ["visitor_visa"]),
        ("US", "CA-ON", 100, []),
        ("JP", "CA-QC", 200, ["eta", "caq", "ramq_qc"]),
        ("IN", "CA-BC", 200, ["visitor_visa", "msp_bc"]),
        ("FR", "CA-ON", 200, ["eta", "provincial_other"]),
    ],
)
def test_canada_entry_documents_and_provincial_steps(nationality, region, days, expected):
    stay = facts(nationality=nationality, region=region, days=days, paid=True)
    derived = set(keys(engine.derive(CA, stay)))
    watched = {"eta", "visitor_visa", "caq", "ramq_qc", "msp_bc", "provincial_other"}
    assert sorted(derived & watched) == sorted(expected)


def test_long_stay_in_canada_is_the_lmia_exempt_work_permit_the_host_starts():
    stay = facts(nationality="JP", region="CA-BC", days=180, paid=True)

    derivation = engine.derive(CA, stay)

    assert derivation.route_key == "lmia_exempt_work_permit"
    owners = {s.key: s.owner for s in derivation.steps}
    assert (owners["offer_of_employment"], owners["compliance_fee"]) == ("host", "host")


def test_a_pack_for_another_country_is_refused():
    with pytest.raises(engine.PackError, match="the pack is for JP, the stay in CA"):
        engine.derive(JP, facts(region="CA-BC"))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda p: p["steps"]["coe_apply"].update(owner="nobody"), "owner must be one of"),
        (lambda p: p["routes"][0]["steps"].append("ghost"), "unknown step 'ghost'"),
        (lambda p: p["lists"]["visa_exempt"].append(False), "is not an ISO 3166-1"),
        (lambda p: p["sources"][0].update(url="http://example.org"), "must start with https"),
        (lambda p: p["disclaimer"].pop("ja"), "the disclaimer lacks 'ja'"),
        (lambda p: p["routes"][0]["when"].update(colour="red"), "unknown condition 'colour'"),
    ],
)
def test_validate_names_what_is_wrong(change, message):
    pack = yaml.safe_load((PACKS / "jp.yaml").read_text(encoding="utf-8"))
    change(pack)
    with pytest.raises(engine.PackError, match=message):
        engine.validate(pack)


NATIONALITIES = st.sampled_from(["CA", "JP", "US", "FR", "IN", "CN", "BR", "KR", "NO"])
LEVELS = st.sampled_from(["masters", "phd", "postdoc"])
STARTS = st.dates(min_value=dt.date(2026, 1, 1), max_value=dt.date(2030, 12, 31))


@settings(max_examples=150, deadline=None)
@given(
    pack=st.sampled_from([JP, CA]),
    nationality=NATIONALITIES,
    days=st.integers(min_value=1, max_value=800),
    paid=st.booleans(),
    level=LEVELS,
    province=st.sampled_from(["BC", "QC", "ON", "AB"]),
    start=STARTS,
    host_type=st.sampled_from(["university", "research_institute", "company", "incubator", ""]),
)
def test_derivation_properties(pack, nationality, days, paid, level, province, start, host_type):
    region = "JP-13" if pack["country"] == "JP" else f"CA-{province}"
    home = "CA" if pack["country"] == "JP" else "JP"
    stay = engine.Facts(nationality, region, days, paid, level, home, host_type)

    derivation = engine.derive(pack, stay)

    if derivation.route is not None:
        # The route is the first whose conditions hold; no earlier one holds.
        index = pack["routes"].index(derivation.route)
        assert engine.meets(pack, derivation.route.get("when"), stay)
        assert not any(engine.meets(pack, r.get("when"), stay) for r in pack["routes"][:index])
        # Every step is the route's and meets its own conditions, in the route's order.
        order = derivation.route["steps"]
        assert [s.key for s in derivation.steps] == sorted(
            (s.key for s in derivation.steps), key=order.index
        )
    else:
        assert not any(engine.meets(pack, r.get("when"), stay) for r in pack["routes"])
    for step in derivation.steps:
        due = engine.due_date(step, stay, start)
        place = engine.step_place(step, stay)
        if "business_days_before_start" in step.due:
            # A business day of its place, exactly that many business days before.
            assert due < start
            assert calendars.is_business_day(due, place)
            count = step.due["business_days_before_start"]
            assert calendars.business_days_between(due, start, place) == count
        else:
            assert due == start + dt.timedelta(days=step.due["days_after_start"])
    # Canada: a Japanese citizen always flies with an eTA; a US citizen never needs one.
    if pack["country"] == "CA":
        names = {s.key for s in derivation.steps}
        if nationality == "JP":
            assert "eta" in names and "visitor_visa" not in names
        if nationality == "US":
            assert not names & {"eta", "visitor_visa"}
        # The researcher exemption: at most 120 days at a university or an affiliated
        # research institution; a company or an unknown host needs the work permit.
        short = days <= 120 and host_type in ("university", "research_institute")
        assert derivation.route_key == (
            "short_term_researcher" if short else "lmia_exempt_work_permit"
        )
    # Japan: a paid student's stay of at most a year is always Designated Activities.
    if pack["country"] == "JP" and paid and level != "postdoc" and days <= 365:
        assert derivation.route_key == "designated_activities_internship"


def test_business_days_of_quebec_skip_saint_jean_baptiste():
    # 2027-06-24 (Thursday) is a holiday in Québec, not in British Columbia.
    assert not calendars.is_business_day(dt.date(2027, 6, 24), "CA-QC")
    assert calendars.is_business_day(dt.date(2027, 6, 24), "CA-BC")
    assert calendars.business_days_before(dt.date(2027, 6, 25), 1, "CA-QC") == dt.date(2027, 6, 23)
    assert calendars.place_parts("JP-26") == ("JP", None)


def test_a_company_host_in_canada_needs_the_work_permit_even_for_twelve_weeks():
    stay = facts(nationality="JP", region="CA-BC", days=84, paid=True, level="masters")
    assert engine.derive(CA, stay).route_key == "short_term_researcher"
    company = facts(
        nationality="JP", region="CA-BC", days=84, paid=True, level="masters", host_type="company"
    )
    assert engine.derive(CA, company).route_key == "lmia_exempt_work_permit"


def test_host_types_must_be_a_list_of_kinds():
    pack = {**CA, "routes": [{**CA["routes"][0], "when": {"host_types": "university"}}]}
    with pytest.raises(engine.PackError, match="host_types must be a list of organisation kinds"):
        engine.validate(pack)
