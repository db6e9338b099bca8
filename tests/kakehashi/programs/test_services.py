"""Programs, calls, match policies, eligibility and phases through their services."""

import datetime as dt
import re

import pytest
from django.core.exceptions import ValidationError

from kakehashi.applications.services import (
    application_submit,
    host_ranking_set,
    rank_list_set,
)
from kakehashi.audit.models import AuditEntry
from kakehashi.jobs.models import Job
from kakehashi.programs.models import Call, CallPhase, Program
from kakehashi.programs.policy import MatchPolicy
from kakehashi.programs.services import (
    call_create,
    call_eligibility_errors,
    call_match_policy_set,
    call_phase_close_now,
    call_phase_open_now,
    call_phase_open_undo,
    call_phase_set,
    call_require_eligible,
    call_update,
    match_policy_parse,
    program_create,
    program_update,
)
from kakehashi.programs.validators import eligibility_clean, level_meets
from tests import factories

UTC = dt.UTC
NOW = dt.datetime(2027, 1, 20, 3, 0, 0, tzinfo=UTC)

pytestmark = pytest.mark.django_db


def _errors(exc_info) -> dict:
    return {k: [str(m) for m in v] for k, v in exc_info.value.message_dict.items()}


# ---------------------------------------------------------------- programs


def test_program_create_keeps_every_field():
    program = program_create(
        slug="bridge",
        name_en="Bridge",
        name_fr="Pont",
        name_ja="架け橋",
        directions=["CA_JP"],
        eligible_levels=["phd", "postdoc"],
        unit_weeks_min=8,
        unit_weeks_max=16,
        max_units_per_person=2,
    )

    program.refresh_from_db()
    assert (program.name_fr, program.directions, program.eligible_levels) == (
        "Pont",
        ["CA_JP"],
        ["phd", "postdoc"],
    )
    assert (program.unit_weeks_min, program.unit_weeks_max, program.max_units_per_person) == (
        8,
        16,
        2,
    )


def test_program_create_invalid_saves_nothing():
    with pytest.raises(ValidationError) as exc:
        program_create(
            slug="bad",
            name_en="Bad",
            directions=["CA_US"],
            eligible_levels=[],
            unit_weeks_min=20,
            unit_weeks_max=10,
        )

    assert _errors(exc) == {
        "directions": ["Directions must be chosen from CA_JP and JP_CA."],
        "eligible_levels": ["This field cannot be blank."],
        "unit_weeks_min": ["The shortest unit is longer than the longest."],
    }
    assert Program.objects.count() == 0


def test_program_update_refused_keeps_the_row():
    program = factories.ProgramFactory(slug="bridge", name_en="Bridge")

    with pytest.raises(ValidationError, match="shortest unit is longer"):
        program_update(program=program, name_en="Renamed", unit_weeks_min=99)

    program.refresh_from_db()
    assert (program.name_en, program.unit_weeks_min) == ("Bridge", 12)
    assert program_update(program=program, name_en="Renamed").name_en == "Renamed"


# ---------------------------------------------------------------- match policy


POLICY = {
    "mode": "student",
    "seed": 7,
    "caps": [
        {
            "label": "Tokyo and Osaka",
            "kind": "region",
            "values": ["JP-13", "JP-27"],
            "capacity": 5,
            "reserves": {},
        },
        {"label": "Companies", "kind": "sector", "values": ["company"], "capacity": 3},
        {"label": "To Canada", "kind": "direction", "values": ["JP_CA"], "capacity": 10},
    ],
}


def test_match_policy_from_data_fills_defaults():
    assert MatchPolicy.from_data({}).to_data() == {"mode": "student", "seed": 0, "caps": []}
    assert MatchPolicy.from_data(POLICY).to_data()["caps"][1] == {
        "label": "Companies",
        "kind": "sector",
        "values": ["company"],
        "capacity": 3,
        "reserves": {},
    }


def test_match_policy_from_data_names_each_error_by_path():
    bad = {
        "mode": "lottery",
        "seed": -1,
        "extra": 1,
        "caps": [
            {"label": "", "kind": "country", "values": [], "capacity": -2},
            {"label": "Kyoto", "kind": "region", "values": ["JP-26", "XX-1"], "capacity": 1},
            {
                "label": "Kyoto again",
                "kind": "region",
                "values": ["JP-26"],
                "capacity": 1,
                "reserves": {"JP-26": 2, "nowhere": 1},
            },
        ],
    }

    with pytest.raises(ValidationError) as exc:
        MatchPolicy.from_data(bad)

    assert _errors(exc) == {
        "__all__": ["Unknown keys in the match policy: extra."],
        "mode": ["The mode must be one of student, host, welfare, exchange."],
        "seed": ["The seed must be a whole number from 0."],
        "caps.0.label": ["Give the cap a label."],
        "caps.0.kind": ["The kind must be one of region, sector, direction."],
        "caps.0.values": ["List at least one value."],
        "caps.0.capacity": ["The capacity must be a whole number from 0 to 32767."],
        "caps.1.values": ["Not a region: XX-1."],
        "caps.2.values": ["JP-26 is already in the cap “Kyoto”; caps must not overlap."],
        "caps.2.reserves": [
            "Places are reserved for organisations: “JP-26” is not one.",
            "Places are reserved for organisations: “nowhere” is not one.",
            "Reserves add up to more than the capacity (1).",
        ],
    }


def test_match_policy_parse_resolves_ror_ids_and_does_not_mutate():
    org = factories.OrganisationFactory()
    given = {
        "caps": [
            {
                "label": "Kyoto",
                "kind": "region",
                "values": ["JP-26"],
                "capacity": 3,
                "reserves": {f"https://ror.org/{org.ror_id}": 1},
            }
        ]
    }

    clean = match_policy_parse(given).to_data()

    assert clean["caps"][0]["reserves"] == {str(org.pk): 1}
    assert given["caps"][0]["reserves"] == {f"https://ror.org/{org.ror_id}": 1}


def test_a_ror_id_of_digits_only_is_read_as_a_ror_id_not_an_organisation_id():
    from kakehashi.organisations.validators import ror_checksum

    ror = "0123456" + ror_checksum("0123456")
    assert ror.isdigit()
    org = factories.OrganisationFactory(ror_id=ror)
    policy = {
        "caps": [
            {
                "label": "K",
                "kind": "region",
                "values": ["JP-26"],
                "capacity": 3,
                "reserves": {ror: 1},
            }
        ]
    }

    assert match_policy_parse(policy).to_data()["caps"][0]["reserves"] == {str(org.pk): 1}


def test_match_policy_parse_refuses_unknown_organisation():
    policy = {
        "caps": [
            {
                "label": "K",
                "kind": "region",
                "values": ["JP-26"],
                "capacity": 3,
                "reserves": {"999999": 1},
            }
        ]
    }

    with pytest.raises(ValidationError) as exc:
        match_policy_parse(policy)

    assert _errors(exc) == {"caps.0.reserves": ["No organisation with id 999999."]}


def test_call_match_policy_set_audits_and_refuses_caps_without_student_mode(officer):
    call = factories.CallFactory()

    call_match_policy_set(call=call, policy=POLICY, actor=officer)
    with pytest.raises(ValidationError) as exc:
        call_match_policy_set(call=call, policy={**POLICY, "mode": "host"}, actor=officer)

    call.refresh_from_db()
    assert call.match_policy == MatchPolicy.from_data(POLICY).to_data()
    assert _errors(exc) == {
        "mode": [
            "Caps are applied only by student-proposing matching; "
            "choose that mode or remove the caps."
        ]
    }
    event = AuditEntry.objects.for_scope(call).get()
    assert (event.verb, event.actor, event.data["seed"]) == ("policy.set", officer, 7)


# ---------------------------------------------------------------- calls


def test_call_create_stores_policy_eligibility_and_phases(officer):
    program = factories.ProgramFactory()

    call = call_create(
        program=program,
        slug="summer-2027",
        name_en="Summer 2027",
        timezone="Asia/Tokyo",
        ranking_limit=4,
        match_policy=POLICY,
        eligibility={"languages": [{"language": "en", "level": "B2"}]},
        phases=[
            {
                "kind": "applications",
                "opens": dt.datetime(2027, 1, 10, 9),
                "closes": dt.datetime(2027, 2, 28, 17),
                "timezone": "Asia/Tokyo",
            }
        ],
        actor=officer,
    )

    call.refresh_from_db()
    assert call.match_policy["caps"][0]["reserves"] == {}
    assert call.eligibility == {
        "languages": [{"language": "en", "level": "B2"}],
        "languages_rule": "all",
    }
    assert call.phases.get().closes_at == dt.datetime(2027, 2, 28, 8, tzinfo=UTC)
    assert list(AuditEntry.objects.for_scope(call).values_list("verb", flat=True)) == [
        "call.created"
    ]


def test_call_create_invalid_saves_nothing():
    program = factories.ProgramFactory()

    with pytest.raises(ValidationError) as exc:
        call_create(
            program=program,
            slug="new",
            name_en="X",
            timezone="Mars/Base",
            ranking_limit=0,
            match_policy={"mode": "host", "caps": [{"label": "x"}]},
            eligibility={"languages": [{"language": "de", "level": "B2"}]},
        )

    errors = _errors(exc)
    assert errors["slug"] == ["“new” cannot be a call's slug: choose one with letters."]
    assert errors["ranking_limit"] == ["The ranking limit must be from 1 to 20."]
    assert errors["timezone"] == ["“Mars/Base” is not a time zone (e.g. Asia/Tokyo)."]
    assert errors["match_policy.caps.0.kind"] == [
        "The kind must be one of region, sector, direction."
    ]
    assert errors["eligibility.languages"] == [
        "“de B2” is not a language (en, fr, ja) with a level (A1–C2, N5–N1, native)."
    ]
    assert Call.objects.count() == 0


def test_call_create_refuses_an_all_digit_slug():
    with pytest.raises(ValidationError, match="“2027” cannot be a call's slug"):
        call_create(program=factories.ProgramFactory(), slug="2027", name_en="X")


def test_call_update_refused_changes_nothing_and_success_is_audited(officer):
    call = factories.CallFactory(name_en="Before", ranking_limit=3)

    with pytest.raises(ValidationError):
        call_update(call=call, name_en="After", ranking_limit=50, actor=officer)
    call.refresh_from_db()
    assert (call.name_en, call.ranking_limit) == ("Before", 3)

    call_update(call=call, name_en="After", ranking_limit=5, actor=officer)
    call.refresh_from_db()
    assert (call.name_en, call.ranking_limit) == ("After", 5)
    assert AuditEntry.objects.for_scope(call).get(verb="call.updated").data == {
        "fields": ["name_en", "ranking_limit"]
    }


# ---------------------------------------------------------------- eligibility


def test_eligibility_clean_refuses_jlpt_outside_japanese_and_twice_the_same_language():
    with pytest.raises(ValidationError) as exc:
        eligibility_clean(
            {
                "languages": [
                    {"language": "en", "level": "N2"},
                    {"language": "fr", "level": "B1"},
                    {"language": "fr", "level": "B2"},
                ],
                "languages_rule": "most",
            }
        )

    assert _errors(exc) == {
        "languages": [
            "JLPT levels apply to Japanese only.",
            "Give each language only once: fr.",
        ],
        "languages_rule": ["The language rule must be “all” or “any”."],
    }


def test_levels_compare_on_one_scale():
    assert level_meets("N2", "B2") and level_meets("C1", "N2") and level_meets("native", "C2")
    assert not level_meets("N3", "B2") and not level_meets("", "A1")


def test_call_eligibility_errors_levels_directions_and_languages():
    program = factories.ProgramFactory(eligible_levels=["masters"], directions=["JP_CA"])
    call = factories.CallFactory(
        program=program,
        eligibility={
            "languages": [{"language": "en", "level": "B2"}, {"language": "fr", "level": "B1"}],
            "languages_rule": "all",
        },
    )
    person = factories.candidate(level="phd", direction="CA_JP")
    factories.LanguageSkillFactory(person=person, language="en", level="C1")

    assert call_eligibility_errors(call, person) == [
        "Your academic level (PhD student) is not eligible for this program.",
        "This program does not fund your direction of mobility.",
        "This call asks for these language levels: en B2, fr B1.",
    ]
    call.eligibility["languages_rule"] = "any"
    assert call_eligibility_errors(call, person)[2:] == []
    assert call_eligibility_errors(call, factories.UserFactory()) == [
        "Only candidates with a candidate profile can apply."
    ]


def test_call_require_eligible_passes_an_eligible_candidate():
    call = factories.CallFactory()
    person = factories.candidate()

    assert call_eligibility_errors(call, person) == []
    call_require_eligible(call=call, candidate=person)
    with pytest.raises(ValidationError, match="Only candidates"):
        call_require_eligible(call=call, candidate=factories.UserFactory())


# ---------------------------------------------------------------- phases


def _phase(call, kind="applications", *, opens, closes):
    CallPhase.objects.filter(call=call, kind=kind).update(opens_at=opens, closes_at=closes)
    return CallPhase.objects.get(call=call, kind=kind)


def test_call_phase_set_reads_naive_times_in_its_zone_and_audits(officer):
    call = factories.CallFactory()

    phase = call_phase_set(
        call=call,
        kind="offers",
        opens=dt.datetime(2027, 4, 1, 9, 0),
        closes=dt.datetime(2027, 4, 15, 17, 0, 30),
        timezone="America/Toronto",
        actor=officer,
    )

    assert (phase.opens_at, phase.closes_at) == (
        dt.datetime(2027, 4, 1, 13, 0, tzinfo=UTC),
        dt.datetime(2027, 4, 15, 21, 0, 30, tzinfo=UTC),
    )
    event = AuditEntry.objects.for_scope(call).get()
    assert (event.verb, event.target, event.data["timezone"]) == (
        "phase.set",
        "offers",
        "America/Toronto",
    )


def test_call_phase_set_refuses_unknown_kind_and_reversed_window():
    call = factories.CallFactory()

    with pytest.raises(ValidationError, match=re.escape("“lottery” is not a phase of a call.")):
        call_phase_set(call=call, kind="lottery", opens=NOW, closes=NOW, timezone="UTC")
    with pytest.raises(ValidationError, match=re.escape("A phase must close after it opens.")):
        call_phase_set(
            call=call, kind="offers", opens=NOW, closes=NOW - dt.timedelta(1), timezone="UTC"
        )
    assert not CallPhase.objects.filter(call=call, kind="offers").exists()


def test_open_now_sets_opens_to_the_second_audits_and_queues_mail(officer):
    call = factories.CallFactory()
    phase = _phase(
        call, "host_ranking", opens=NOW + dt.timedelta(days=3), closes=NOW + dt.timedelta(days=9)
    )
    now = NOW.replace(microsecond=654321)

    opened = call_phase_open_now(call=call, kind="host_ranking", actor=officer, now=now)

    assert opened.opens_at == NOW
    assert opened.is_open(NOW) and not opened.is_open(NOW - dt.timedelta(seconds=1))
    event = AuditEntry.objects.for_scope(call).get()
    assert (event.verb, event.actor, event.target) == ("phase.opened", officer, "host_ranking")
    assert event.data["was"] == phase.opens_at.isoformat()
    job = Job.objects.get()
    assert (job.kind, job.params) == ("notifications.phases", {"call": call.slug})


def test_open_now_refusals_change_nothing(officer):
    call = factories.CallFactory()
    _phase(call, opens=NOW - dt.timedelta(days=1), closes=NOW + dt.timedelta(days=1))
    _phase(
        call,
        "host_ranking",
        opens=NOW - dt.timedelta(days=5),
        closes=dt.datetime(2027, 1, 19, 8, 0, tzinfo=UTC),
    )

    with pytest.raises(ValidationError, match="The Applications and candidate ranking phase is"):
        call_phase_open_now(call=call, kind="applications", actor=officer, now=NOW)
    with pytest.raises(ValidationError) as closed:
        call_phase_open_now(call=call, kind="host_ranking", actor=officer, now=NOW)
    with pytest.raises(ValidationError, match="This call has no Offers phase yet"):
        call_phase_open_now(call=call, kind="offers", actor=officer, now=NOW)

    assert closed.value.messages == [
        "The Host ranking phase closed on Jan. 19, 2027, 5 p.m. (Asia/Tokyo); "
        "set a later closing time before opening it."
    ]
    assert not AuditEntry.objects.for_scope(call).exists() and not Job.objects.exists()


def test_close_now_closes_to_the_second_and_audits(officer):
    call = factories.CallFactory()
    _phase(call, opens=NOW - dt.timedelta(days=1), closes=NOW + dt.timedelta(days=1))
    _phase(call, "host_ranking", opens=NOW + dt.timedelta(days=1), closes=NOW + dt.timedelta(2))

    phase = call_phase_close_now(
        call=call, kind="applications", actor=officer, now=NOW.replace(microsecond=5)
    )

    assert phase.closes_at == NOW
    assert not phase.is_open(NOW) and phase.is_open(NOW - dt.timedelta(seconds=1))
    assert AuditEntry.objects.for_scope(call).get().verb == "phase.closed"
    with pytest.raises(
        ValidationError, match=re.escape("is already closed: it closed on Jan. 20, 2027")
    ):
        call_phase_close_now(call=call, kind="applications", actor=officer, now=NOW)
    with pytest.raises(ValidationError, match="has not opened yet"):
        call_phase_close_now(call=call, kind="host_ranking", actor=officer, now=NOW)
    assert AuditEntry.objects.for_scope(call).count() == 1


# ---------------------------------------------------------------- the second of a deadline


@pytest.fixture
def deadline_world():
    """A call whose applications and host-ranking phases both close at CLOSES."""
    world = factories.page_world()
    closes = dt.datetime(2027, 1, 31, 8, 0, 0, tzinfo=UTC)
    for kind in ("applications", "host_ranking"):
        _phase(world.call, kind, opens=closes - dt.timedelta(days=30), closes=closes)
    world.closes = closes
    return world


@pytest.mark.parametrize(
    ("offset", "accepted"), [(dt.timedelta(seconds=-1), True), (dt.timedelta(0), False)]
)
def test_application_submit_at_the_deadline(deadline_world, offset, accepted):
    w = deadline_world
    action = lambda: application_submit(  # noqa: E731
        candidate=w.candidate, project=w.other_project, now=w.closes + offset
    )
    if accepted:
        assert action().project == w.other_project
    else:
        with pytest.raises(
            ValidationError, match=re.escape("phase closed on Jan. 31, 2027, 5 p.m.")
        ):
            action()


@pytest.mark.parametrize(
    ("offset", "accepted"), [(dt.timedelta(seconds=-1), True), (dt.timedelta(0), False)]
)
def test_rank_list_set_at_the_deadline(deadline_world, offset, accepted):
    w = deadline_world
    action = lambda: rank_list_set(  # noqa: E731
        candidate=w.candidate, call=w.call, project_ids=[w.project.pk], now=w.closes + offset
    )
    if accepted:
        assert [a.rank for a in action()] == [1]
    else:
        with pytest.raises(
            ValidationError, match=re.escape("phase closed on Jan. 31, 2027, 5 p.m.")
        ):
            action()
        assert w.application.__class__.objects.get(pk=w.application.pk).rank is None


@pytest.mark.parametrize(
    ("offset", "accepted"), [(dt.timedelta(seconds=-1), True), (dt.timedelta(0), False)]
)
def test_host_ranking_set_at_the_deadline(deadline_world, offset, accepted):
    w = deadline_world
    action = lambda: host_ranking_set(  # noqa: E731
        supervisor=w.supervisor,
        call=w.call,
        candidate_ids=[w.candidate.pk],
        now=w.closes + offset,
    )
    if accepted:
        assert [h.candidate_id for h in action()] == [w.candidate.pk]
    else:
        with pytest.raises(
            ValidationError, match=re.escape("phase closed on Jan. 31, 2027, 5 p.m.")
        ):
            action()


def test_close_now_then_submit_in_the_same_second_is_refused(deadline_world, officer):
    w = deadline_world
    now = w.closes - dt.timedelta(days=1)
    call_phase_close_now(call=w.call, kind="applications", actor=officer, now=now)
    w.call = Call.objects.get(pk=w.call.pk)
    w.other_project.refresh_from_db()

    with pytest.raises(ValidationError, match="phase closed on"):
        application_submit(
            candidate=w.candidate, project=w.other_project, now=now + dt.timedelta(microseconds=1)
        )
    assert application_submit(
        candidate=w.candidate, project=w.other_project, now=now - dt.timedelta(seconds=1)
    )


# ---------------------------------------------------------------- phase order and undo


def test_open_now_refuses_a_phase_before_the_earlier_one_closes(officer):
    call = factories.CallFactory()
    _phase(call, opens=NOW - dt.timedelta(days=1), closes=dt.datetime(2027, 1, 25, 8, tzinfo=UTC))
    _phase(call, "host_ranking", opens=NOW + dt.timedelta(days=6), closes=NOW + dt.timedelta(9))

    with pytest.raises(ValidationError) as refused:
        call_phase_open_now(call=call, kind="host_ranking", actor=officer, now=NOW)

    assert refused.value.messages == [
        "The Host ranking phase cannot open before the Applications and candidate ranking "
        "phase closes (it closes on Jan. 25, 2027, 5 p.m. (Asia/Tokyo))."
    ]
    assert refused.value.code == "phase_order"
    assert not AuditEntry.objects.for_scope(call).exists() and not Job.objects.exists()


def test_open_now_refuses_offers_before_a_run_is_published(officer):
    call = factories.CallFactory()
    _phase(call, opens=NOW - dt.timedelta(days=9), closes=NOW - dt.timedelta(days=5))
    _phase(call, "host_ranking", opens=NOW - dt.timedelta(days=5), closes=NOW - dt.timedelta(1))
    call_phase_set(
        call=call,
        kind="offers",
        opens=NOW + dt.timedelta(days=2),
        closes=NOW + dt.timedelta(days=9),
        timezone="UTC",
    )

    with pytest.raises(ValidationError) as refused:
        call_phase_open_now(call=call, kind="offers", actor=officer, now=NOW)

    assert refused.value.messages == [
        "The Offers phase cannot open before a match run of this call is published."
    ]


def test_undo_an_opening_puts_the_planned_time_back_and_audits(officer):
    call = factories.CallFactory()
    _phase(call, opens=NOW - dt.timedelta(days=9), closes=NOW - dt.timedelta(days=1))
    planned = NOW + dt.timedelta(days=3)
    _phase(call, "host_ranking", opens=planned, closes=NOW + dt.timedelta(days=9))
    call_phase_open_now(call=call, kind="host_ranking", actor=officer, now=NOW)

    phase = call_phase_open_undo(
        call=call, kind="host_ranking", actor=officer, now=NOW + dt.timedelta(minutes=5)
    )

    assert phase.opens_at == planned and not phase.is_open(NOW + dt.timedelta(minutes=5))
    undone = AuditEntry.objects.for_scope(call).order_by("pk").last()
    assert (undone.verb, undone.actor, undone.target) == (
        "phase.opening_undone",
        officer,
        "host_ranking",
    )
    assert (undone.data["was"], undone.data["opens_at"]) == (NOW.isoformat(), planned.isoformat())
    with pytest.raises(ValidationError, match="was not opened with “open now”"):
        call_phase_open_undo(call=call, kind="host_ranking", actor=officer, now=NOW)


def test_undo_is_refused_once_someone_acted_in_the_phase(officer, call, project, candidate_user):
    _phase(call, opens=NOW + dt.timedelta(days=3), closes=NOW + dt.timedelta(days=9))
    _phase(call, "host_ranking", opens=NOW + dt.timedelta(days=9), closes=NOW + dt.timedelta(12))
    call_phase_open_now(call=call, kind="applications", actor=officer, now=NOW)
    application_submit(candidate=candidate_user, project=project, now=NOW + dt.timedelta(minutes=1))

    with pytest.raises(ValidationError) as refused:
        call_phase_open_undo(
            call=call, kind="applications", actor=officer, now=NOW + dt.timedelta(minutes=2)
        )

    assert refused.value.messages == [
        "The Applications and candidate ranking phase cannot be undone: participants have "
        "acted in it since it opened (1 actions). Close it instead."
    ]
    assert CallPhase.objects.get(call=call, kind="applications").opens_at == NOW
