"""The officers' pages to create and edit programs and calls and to drive phases."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kakehashi.audit.models import AuditEntry
from kakehashi.programs.models import Call, CallPhase, Program
from tests import factories

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


@pytest.fixture
def world(db):
    return factories.page_world()


@pytest.fixture
def officer_client(client, world):
    client.force_login(world.officer)
    return client


def _call_post(**overrides) -> dict:
    data = {
        "slug": "winter-2028",
        "name_en": "Winter 2028",
        "name_fr": "Hiver 2028",
        "name_ja": "2028年冬",
        "status": "draft",
        "timezone": "America/Vancouver",
        "ranking_limit": "4",
        "languages": "en B2, ja N3",
        "languages_rule": "any",
        "mode": "student",
        "seed": "42",
        "caps-TOTAL_FORMS": "2",
        "caps-INITIAL_FORMS": "0",
        "caps-MIN_NUM_FORMS": "0",
        "caps-MAX_NUM_FORMS": "50",
        "caps-0-label": "Kansai",
        "caps-0-kind": "region",
        "caps-0-values": "JP-26, JP-27",
        "caps-0-capacity": "3",
        "caps-0-reserves": "",
        "caps-1-label": "",
        "caps-1-kind": "",
        "caps-1-values": "",
        "caps-1-capacity": "",
        "caps-1-reserves": "",
    }
    data.update(overrides)
    return data


# ---------------------------------------------------------------- who may


PAGES = [
    ("get", lambda w: "/calls/new/", 200),
    ("get", lambda w: f"/calls/{w.call.slug}/edit/", 200),
    ("get", lambda w: "/programs/new/", 200),
    ("get", lambda w: f"/programs/{w.call.program.slug}/edit/", 200),
    ("post", lambda w: f"/calls/{w.call.slug}/phases/offers/", 200),  # empty form: errors
    ("post", lambda w: f"/calls/{w.call.slug}/phases/host_ranking/open/", 302),
    ("post", lambda w: f"/calls/{w.call.slug}/phases/applications/close/", 302),
]


@pytest.mark.parametrize(("method", "url", "officer_status"), PAGES)
@pytest.mark.parametrize("role", ["anonymous", "candidate", "supervisor", "officer"])
def test_only_officers_reach_the_call_pages(client, world, method, url, officer_status, role):
    person = {
        "anonymous": None,
        "candidate": world.candidate,
        "supervisor": world.supervisor,
        "officer": world.officer,
    }[role]
    if person:
        client.force_login(person)
    phases_before = list(CallPhase.objects.values_list("kind", "opens_at", "closes_at"))

    response = getattr(client, method)(url(world))

    if role == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/?next=")
    elif role in ("candidate", "supervisor"):
        assert response.status_code == 404
    else:
        assert response.status_code == officer_status
    if role != "officer":
        assert list(CallPhase.objects.values_list("kind", "opens_at", "closes_at")) == (
            phases_before
        )
        assert not AuditEntry.objects.for_scope(world.call).exists()


def test_unknown_call_program_and_phase_are_404(officer_client, world):
    assert officer_client.get("/calls/nope/edit/").status_code == 404
    assert officer_client.get("/programs/nope/edit/").status_code == 404
    assert officer_client.post(f"/calls/{world.call.slug}/phases/lottery/open/").status_code == 404


# ---------------------------------------------------------------- programs


def test_program_new_creates_it(officer_client):
    response = officer_client.post(
        "/programs/new/",
        {
            "slug": "bridge",
            "name_en": "Bridge",
            "name_fr": "Pont",
            "name_ja": "架け橋",
            "directions": ["JP_CA"],
            "eligible_levels": ["phd", "postdoc"],
            "unit_weeks_min": "8",
            "unit_weeks_max": "16",
            "max_units_per_person": "2",
        },
        follow=True,
    )

    program = Program.objects.get(slug="bridge")
    assert (program.directions, program.eligible_levels, program.max_units_per_person) == (
        ["JP_CA"],
        ["phd", "postdoc"],
        2,
    )
    assert "The program has been created." in response.content.decode()


def test_program_new_invalid_shows_errors_by_the_fields_and_saves_nothing(officer_client):
    before = Program.objects.count()

    html = officer_client.post(
        "/programs/new/",
        {
            "slug": "bridge",
            "name_en": "Bridge",
            "directions": ["CA_JP"],
            "eligible_levels": [],
            "unit_weeks_min": "30",
            "unit_weeks_max": "10",
            "max_units_per_person": "1",
        },
    ).content.decode()

    assert Program.objects.count() == before
    assert "The program was not saved: see the fields marked below." in html
    assert 'id="id_unit_weeks_min"' in html
    assert '<span class="error">The shortest unit is longer than the longest.</span>' in html
    assert '<span class="error">This field cannot be blank.</span>' in html


def test_program_edit_keeps_the_values(officer_client, world):
    program = world.call.program
    html = officer_client.get(f"/programs/{program.slug}/edit/").content.decode()
    assert f'value="{program.name_en}"' in html

    officer_client.post(
        f"/programs/{program.slug}/edit/",
        {
            "slug": program.slug,
            "name_en": "Renamed",
            "directions": ["CA_JP", "JP_CA"],
            "eligible_levels": ["masters"],
            "unit_weeks_min": "12",
            "unit_weeks_max": "24",
            "max_units_per_person": "1",
        },
    )

    program.refresh_from_db()
    assert (program.name_en, program.eligible_levels) == ("Renamed", ["masters"])


# ---------------------------------------------------------------- calls


def test_call_new_creates_call_with_policy_and_eligibility(officer_client, world):
    response = officer_client.post("/calls/new/", _call_post(program=str(world.call.program.pk)))

    call = Call.objects.get(slug="winter-2028")
    assert response["Location"] == "/calls/winter-2028/"
    assert (call.name_ja, call.timezone, call.ranking_limit, call.status) == (
        "2028年冬",
        "America/Vancouver",
        4,
        "draft",
    )
    assert call.match_policy == {
        "mode": "student",
        "seed": 42,
        "caps": [
            {
                "label": "Kansai",
                "kind": "region",
                "values": ["JP-26", "JP-27"],
                "capacity": 3,
                "reserves": {},
            }
        ],
    }
    assert call.eligibility == {
        "languages": [{"language": "en", "level": "B2"}, {"language": "ja", "level": "N3"}],
        "languages_rule": "any",
    }
    assert AuditEntry.objects.for_scope(call).get().verb == "call.created"


def test_call_new_invalid_shows_errors_by_the_fields_and_saves_nothing(officer_client, world):
    before = Call.objects.count()

    html = officer_client.post(
        "/calls/new/",
        _call_post(
            program=str(world.call.program.pk),
            timezone="Mars/Base",
            ranking_limit="40",
            languages="english",
            **{"caps-0-values": "JP-26, XX-9", "caps-0-reserves": "JP-26=9"},
        ),
    ).content.decode()

    assert Call.objects.count() == before
    assert "The call was not saved: see the fields marked below." in html
    assert (
        '<span class="error">Write each as a language code and a level, e.g. “en B2”: english.'
        "</span>" in html
    )


def test_call_new_service_errors_go_next_to_their_field_and_cap_row(officer_client, world):
    html = officer_client.post(
        "/calls/new/",
        _call_post(
            program=str(world.call.program.pk),
            timezone="Mars/Base",
            ranking_limit="40",
            mode="host",
            **{"caps-0-values": "JP-26, XX-9", "caps-0-reserves": "JP-26=9"},
        ),
    ).content.decode()

    assert not Call.objects.filter(slug="winter-2028").exists()
    assert '<span class="error">The ranking limit must be from 1 to 20.</span>' in html
    assert '<span class="error">“Mars/Base” is not a time zone (e.g. Asia/Tokyo).</span>' in html
    assert '<span class="error">Not a region: XX-9.</span>' in html
    assert '<span class="error">Reserves add up to more than the capacity (3).</span>' in html
    # What was typed stays in the form.
    assert 'value="JP-26, XX-9"' in html


def test_call_edit_shows_and_saves_the_policy(officer_client, world):
    world.call.match_policy = {
        "mode": "student",
        "seed": 3,
        "caps": [
            {
                "label": "Companies",
                "kind": "sector",
                "values": ["company"],
                "capacity": 2,
                "reserves": {},
            }
        ],
    }
    world.call.save()

    html = officer_client.get(f"/calls/{world.call.slug}/edit/").content.decode()
    assert 'value="Companies"' in html and 'name="program"' not in html

    data = _call_post(slug=world.call.slug, **{"caps-1-DELETE": "", "caps-0-label": "Kansai"})
    data["caps-INITIAL_FORMS"] = "1"
    officer_client.post(f"/calls/{world.call.slug}/edit/", data)

    world.call.refresh_from_db()
    assert world.call.match_policy["caps"][0]["label"] == "Kansai"
    assert world.call.name_en == "Winter 2028"
    assert AuditEntry.objects.for_scope(world.call).get().verb == "call.updated"


def test_call_edit_removes_a_cap(officer_client, world):
    world.call.match_policy = {
        "caps": [{"label": "C", "kind": "sector", "values": ["company"], "capacity": 2}]
    }
    world.call.save()
    data = _call_post(slug=world.call.slug, **{"caps-0-DELETE": "on"})

    officer_client.post(f"/calls/{world.call.slug}/edit/", data)

    world.call.refresh_from_db()
    assert world.call.match_policy["caps"] == []


def test_call_page_shows_rules_policy_and_both_zones(officer_client, world):
    world.call.eligibility = {
        "languages": [{"language": "ja", "level": "N2"}],
        "languages_rule": "all",
    }
    world.call.match_policy = {
        "mode": "student",
        "seed": 9,
        "caps": [
            {
                "label": "Kyoto",
                "kind": "region",
                "values": ["JP-26"],
                "capacity": 2,
                "reserves": {"JP-26": 1},
            }
        ],
    }
    world.call.save()

    html = officer_client.get(f"/calls/{world.call.slug}/").content.decode()

    assert "<dd>Japanese N2</dd>" in html
    assert '<dd class="mono">9</dd>' in html
    assert (
        '<tr><th scope="row">Kyoto</th><td>Region or prefecture (ISO 3166-2)</td>'
        "<td>JP-26</td><td>2</td>" in html
    )
    assert "JP-26=1" in html
    assert 'href="/static/programs/programs.css"' in html or "programs/programs." in html
    assert '<datalist id="timezones">' in html


def test_call_form_in_japanese(officer_client):
    html = officer_client.get("/calls/new/", headers={"accept-language": "ja"}).content.decode()

    assert '<html lang="ja">' in html
    assert 'name="caps-0-label"' in html


# ---------------------------------------------------------------- phases


def test_phase_set_htmx_returns_the_fragment_with_the_saved_window(officer_client, world):
    response = officer_client.post(
        f"/calls/{world.call.slug}/phases/offers/",
        {
            "offers-opens": "2027-04-01T09:00",
            "offers-closes": "2027-04-15T17:00:30",
            "offers-timezone": "America/Toronto",
        },
        headers=HTMX,
    )

    html = response.content.decode()
    phase = CallPhase.objects.get(call=world.call, kind="offers")
    assert phase.closes_at == dt.datetime(2027, 4, 15, 21, 0, 30, tzinfo=dt.UTC)
    assert '<section id="phases"' in html[:200]
    assert "<html" not in html
    assert '<p class="success" role="status">The Offers phase has been saved.</p>' in html
    assert '<td>April 15, 2027, 5 p.m. <span class="muted">(America/Toronto)</span></td>' in html
    assert 'name="offers-closes" value="2027-04-15T17:00:30"' in html
    assert AuditEntry.objects.for_scope(world.call).get().verb == "phase.set"


def test_phase_set_invalid_shows_errors_and_saves_nothing(officer_client, world):
    before = list(CallPhase.objects.values_list("kind", "opens_at", "closes_at"))

    html = officer_client.post(
        f"/calls/{world.call.slug}/phases/applications/",
        {
            "applications-opens": "2027-04-15T09:00",
            "applications-closes": "2027-04-01T09:00",
            "applications-timezone": "Asia/Tokyo",
        },
        headers=HTMX,
    ).content.decode()
    bad_zone = officer_client.post(
        f"/calls/{world.call.slug}/phases/applications/",
        {
            "applications-opens": "2027-04-01T09:00",
            "applications-closes": "2027-04-15T09:00",
            "applications-timezone": "Mars/Base",
        },
    ).content.decode()

    assert list(CallPhase.objects.values_list("kind", "opens_at", "closes_at")) == before
    assert '<span class="error">A phase must close after it opens.</span>' in html
    assert '<details class="phase-edit" open>' in html
    assert '<span class="error">“Mars/Base” is not a time zone.</span>' in bad_zone
    assert "<html" in bad_zone


def test_open_now_and_close_now_through_htmx(officer_client, world):
    call = world.call
    url = f"/calls/{call.slug}/phases/host_ranking/"
    # Host ranking follows applications: they must have closed.
    CallPhase.objects.filter(call=call, kind="applications").update(
        closes_at=timezone.now() - dt.timedelta(hours=2)
    )

    opened = officer_client.post(url + "open/", headers=HTMX).content.decode()
    phase = CallPhase.objects.get(call=call, kind="host_ranking")
    assert phase.opens_at <= timezone.now() and phase.opens_at.microsecond == 0
    assert '<p class="success" role="status">The Host ranking phase is now open.</p>' in opened

    CallPhase.objects.filter(pk=phase.pk).update(opens_at=phase.opens_at - dt.timedelta(hours=1))
    closed = officer_client.post(url + "close/", headers=HTMX).content.decode()
    assert '<p class="success" role="status">The Host ranking phase is now closed.</p>' in closed
    assert list(AuditEntry.objects.for_scope(call).values_list("verb", flat=True)) == [
        "phase.opened",
        "phase.closed",
    ]


def test_close_now_full_page_redirects_with_a_message(officer_client, world):
    response = officer_client.post(
        f"/calls/{world.call.slug}/phases/applications/close/", follow=True
    )

    html = response.content.decode()
    assert response.redirect_chain == [(f"/calls/{world.call.slug}/", 302)]
    assert "The Applications and candidate ranking phase is now closed." in html
    assert not CallPhase.objects.get(call=world.call, kind="applications").is_open()


def test_open_now_refused_shows_why(officer_client, world):
    html = officer_client.post(
        f"/calls/{world.call.slug}/phases/applications/open/", headers=HTMX
    ).content.decode()

    assert (
        '<div class="error" role="alert"><p>The Applications and candidate ranking phase is '
        "already open.</p></div>" in html
    )
    assert not AuditEntry.objects.for_scope(world.call).exists()


def test_calls_page_lists_programs_without_n_plus_one(
    officer_client, world, django_assert_num_queries
):
    with CaptureQueriesContext(connection) as ctx:
        officer_client.get("/calls/")
    expected = len(ctx.captured_queries)
    factories.ProgramFactory()
    factories.CallFactory()

    with django_assert_num_queries(expected):
        html = officer_client.get("/calls/").content.decode()
    assert html.count('class="edit-program"') == 3


def test_close_now_asks_first_with_what_will_happen(officer_client, world):
    call_page = officer_client.get(f"/calls/{world.call.slug}/").content.decode()
    page = officer_client.get(f"/calls/{world.call.slug}/phases/applications/close/")

    html = page.content.decode()
    assert (
        '<a class="button danger" href="/calls/summer/phases/applications/close/">Close now…</a>'
        in call_page
    )
    assert page.status_code == 200
    assert "<h1>Close the Applications and candidate ranking phase?</h1>" in html
    assert "2 candidates can no longer apply, withdraw or change their rank list." in html
    assert "2 applications are final." in html
    assert (
        "0 of 2 candidates have saved a rank list; the others will be matched to no project."
        in (html)
    )
    assert "No mail is sent." in html
    assert '<form method="post" action="/calls/summer/phases/applications/close/">' in html
    assert CallPhase.objects.get(call=world.call, kind="applications").is_open()
    assert officer_client.get("/calls/summer/phases/lottery/close/").status_code == 404


def test_close_confirmation_is_for_officers_only(client, world):
    client.force_login(world.candidate)
    assert client.get("/calls/summer/phases/applications/close/").status_code == 404
    client.logout()
    assert client.get("/calls/summer/phases/applications/close/")["Location"].startswith(
        "/accounts/login/"
    )


def test_undo_opening_from_the_call_page(officer_client, world):
    call = world.call
    planned = timezone.now().replace(microsecond=0) + dt.timedelta(days=3)
    CallPhase.objects.filter(call=call, kind="applications").update(
        closes_at=timezone.now() - dt.timedelta(hours=2)
    )
    CallPhase.objects.filter(call=call, kind="host_ranking").update(opens_at=planned)
    officer_client.post("/calls/summer/phases/host_ranking/open/")
    CallPhase.objects.filter(call=call, kind="host_ranking").update(
        opens_at=timezone.now().replace(microsecond=0) - dt.timedelta(seconds=5)
    )
    AuditEntry.objects.filter(verb="phase.opened").update(
        data={
            "opens_at": CallPhase.objects.get(call=call, kind="host_ranking").opens_at.isoformat(),
            "was": planned.isoformat(),
        }
    )

    html = officer_client.post(
        "/calls/summer/phases/host_ranking/undo/", headers=HTMX
    ).content.decode()

    assert (
        "The opening of the Host ranking phase is undone: it opens again at its planned time."
        in html
    )
    assert CallPhase.objects.get(call=call, kind="host_ranking").opens_at == planned
    assert list(AuditEntry.objects.for_scope(call).values_list("verb", flat=True)) == [
        "phase.opened",
        "phase.opening_undone",
    ]


def test_undo_refused_says_why(officer_client, world):
    html = officer_client.post(
        "/calls/summer/phases/applications/undo/", headers=HTMX
    ).content.decode()

    assert (
        "The Applications and candidate ranking phase was not opened with “open now”: "
        "there is nothing to undo." in html
    )
