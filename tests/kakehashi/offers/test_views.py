"""Pages after the match: My result (with the offer and its answer) and My interns."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kakehashi.audit.models import AuditEntry
from kakehashi.offers.models import Offer
from kakehashi.offers.services import offers_create_for_run, offers_lapse
from kakehashi_match.rounds import residual_instance
from tests import factories
from tests.kakehashi.offers.conftest import c, publish_run, s

HTMX = {"hx-request": "true"}


def _count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def _extra_call(n: int, *, candidate, supervisor) -> None:
    """Another call with a published run placing `candidate` in `supervisor`'s project,
    after a first choice whose host did not rank them."""
    call = factories.CallFactory(slug=f"extra-{n}")
    factories.ProjectFactory(call=call, key=f"extra-{n}", supervisor=supervisor)
    other = factories.ProjectFactory(call=call, key=f"extra-other-{n}")
    other_sup = other.supervisions.get().person
    run = publish_run(
        call=call,
        instance={
            "students": {c(candidate): [f"extra-other-{n}", f"extra-{n}"]},
            "projects": {
                f"extra-{n}": {"capacity": 1, "supervisor": s(supervisor)},
                f"extra-other-{n}": {"capacity": 1, "supervisor": s(other_sup)},
            },
            "supervisors": {
                s(supervisor): {"ranking": [c(candidate)]},
                s(other_sup): {"ranking": []},
            },
        },
    )
    offers_create_for_run(run=run)


# My result ----------------------------------------------------------------------------


def test_results_page_shows_placement_explanation_and_offer(client, world, published):
    world.candidate.timezone = "America/Vancouver"
    world.candidate.save()
    client.force_login(world.candidate)

    html = client.get("/results/").content.decode()

    assert "You were placed in <strong>Decoding EEG for brain-computer interfaces</strong>" in html
    assert "your choice 2 of 2" in html
    assert (
        'Your choice 1, “<span lang="ja">ロボット制御の研究</span>”: all its places went to '
        "candidates its host ranked "
        "higher than you. On the host&#x27;s list you were number 2; the last candidate "
        "admitted was number 1." in html
    )
    assert (
        "Answer by <strong>March 1, 2027, 6 p.m.</strong> (Asia/Tokyo), that is "
        "March 1, 2027, 1 a.m. in your time zone (America/Vancouver)." in html
    )
    assert f'action="/results/offers/{published.offer.pk}/accept/"' in html
    assert f'href="/results/offers/{published.offer.pk}/decline/"' in html
    assert f"/results/offers/{published.other_offer.pk}/" not in html


def test_results_page_unplaced_shows_reasons_and_next_steps(client, world, published):
    client.force_login(world.fourth)

    html = client.get("/results/").content.decode()

    assert "You were not placed in this round." in html
    assert "You were not placed: none of the hosts you ranked ranked you." in html
    assert "Places freed when candidates decline their offers go to a second round." in html
    assert "/results/offers/" not in html


def test_results_page_before_any_publication_says_so(client, world):
    client.force_login(world.candidate)

    html = client.get("/results/").content.decode()

    assert "No match result has been published for you yet." in html


def test_results_page_shows_an_offer_past_its_deadline_lapsed_without_writing(
    client, world, published
):
    past = timezone.now() - dt.timedelta(seconds=1)
    Offer.objects.filter(pk=published.offer.pk).update(deadline=past)
    client.force_login(world.candidate)
    entries = AuditEntry.objects.count()

    html = client.get("/results/").content.decode()

    assert "This offer lapsed: it was not answered by" in html
    assert "/accept/" not in html
    published.offer.refresh_from_db()
    assert (published.offer.status, AuditEntry.objects.count()) == ("pending", entries)

    offers_lapse()

    published.offer.refresh_from_db()
    assert published.offer.status == "lapsed"


@pytest.mark.parametrize("language", ["fr", "ja"])
def test_results_and_interns_render_in_other_languages(client, world, published, language):
    client.force_login(world.candidate)
    assert client.get("/results/", headers={"accept-language": language}).status_code == 200
    client.force_login(world.supervisor)
    assert client.get("/interns/", headers={"accept-language": language}).status_code == 200


@pytest.mark.parametrize(
    ("who", "status"),
    [("candidate", 200), ("other_candidate", 200), ("supervisor", 404), ("officer", 404)],
)
def test_results_page_permissions(client, world, published, who, status):
    client.force_login(getattr(world, who))

    assert client.get("/results/").status_code == status


def test_results_page_anonymous_goes_to_login(client, world, published):
    response = client.get("/results/")

    assert (response.status_code, response["Location"]) == (302, "/accounts/login/?next=/results/")


def test_results_page_query_count_does_not_grow_with_rows(
    client, world, published, django_assert_num_queries
):
    client.force_login(world.candidate)
    expected = _count_queries(client, "/results/")
    for n in range(2):
        _extra_call(n, candidate=world.candidate, supervisor=world.supervisor)

    with django_assert_num_queries(expected):
        html = client.get("/results/").content.decode()
    assert html.count('class="offer card"') == 3


def test_results_page_shows_second_round_offer(
    client, world, published, django_capture_on_commit_callbacks
):
    client.force_login(world.candidate)
    client.post(f"/results/offers/{published.offer.pk}/decline/")
    base = published.run
    residual, _kept = residual_instance(
        base.snapshot, base.result["assignments"], declined=[c(world.candidate)]
    )
    run2 = publish_run(call=world.call, instance=residual, round=2, base_run=base)
    with django_capture_on_commit_callbacks(execute=True):
        [offer] = offers_create_for_run(run=run2)
    client.force_login(world.third)

    html = client.get("/results/").content.decode()

    assert "Match result" in html
    assert "Round 2 result" in html
    assert html.count("You were placed in") == 1
    # Round one no longer promises a second round: it points to it.
    assert (
        "You took part in the next round with the same rank list; its result is shown on "
        "this page." in html
    )
    assert "you take part in it with the same rank list" not in html
    assert f'action="/results/offers/{offer.pk}/accept/"' in html


# Answering ---------------------------------------------------------------------------


def test_accept_without_javascript_accepts_and_redirects(client, world, published):
    client.force_login(world.candidate)

    response = client.post(f"/results/offers/{published.offer.pk}/accept/")

    assert (response.status_code, response["Location"]) == (
        302,
        f"/results/#offer-{published.offer.pk}",
    )
    published.offer.refresh_from_db()
    assert published.offer.status == "accepted"
    html = client.get("/results/").content.decode()
    assert "You accepted the offer for “Decoding EEG for brain-computer interfaces”." in html
    assert "You accepted this offer on" in html


def test_accept_htmx_returns_the_offer_box(client, world, published):
    client.force_login(world.candidate)

    response = client.post(f"/results/offers/{published.offer.pk}/accept/", headers=HTMX)

    html = response.content.decode()
    assert html.lstrip().startswith(f'<section id="offer-{published.offer.pk}"')
    assert '<span class="tag offer-status offer-accepted">Accepted</span>' in html


def test_accept_after_deadline_is_refused_naming_it(client, world, published):
    deadline = dt.datetime(2026, 1, 15, 3, 0, tzinfo=dt.UTC)
    Offer.objects.filter(pk=published.offer.pk).update(deadline=deadline)
    client.force_login(world.candidate)

    response = client.post(f"/results/offers/{published.offer.pk}/accept/", headers=HTMX)

    assert (
        "The deadline to answer this offer has passed: it was Jan. 15, 2026, noon "
        "(Asia/Tokyo)." in response.content.decode()
    )
    published.offer.refresh_from_db()
    assert (published.offer.status, published.offer.responded_at) == ("lapsed", None)


def test_decline_asks_for_confirmation_then_declines(client, world, published):
    client.force_login(world.candidate)
    url = f"/results/offers/{published.offer.pk}/decline/"

    page = client.get(url).content.decode()
    published.offer.refresh_from_db()
    pending = published.offer.status
    response = client.post(url)

    assert "Decline the offer for “Decoding EEG for brain-computer interfaces”?" in page
    assert f'<form method="post" action="{url}"' in page
    assert pending == "pending"
    assert response.status_code == 302
    published.offer.refresh_from_db()
    assert published.offer.status == "declined"


def test_decline_confirmation_htmx_returns_fragment(client, world, published):
    client.force_login(world.candidate)

    response = client.get(f"/results/offers/{published.offer.pk}/decline/", headers=HTMX)

    html = response.content.decode()
    assert html.lstrip().startswith(f'<section id="offer-{published.offer.pk}"')
    assert "Yes, decline the offer" in html
    assert "<html" not in html
    # The swap removes the focused Decline link: focus.js moves the focus to the fragment's
    # status, which must come before the Yes button (a keyboard user Tabs on to it).
    assert html.index('<p role="status">The place will go to another candidate') < html.index(
        "Yes, decline the offer"
    )


@pytest.mark.parametrize("action", ["accept", "decline"])
@pytest.mark.parametrize("who", ["other_candidate", "supervisor", "officer"])
def test_answering_someone_elses_offer_is_404(client, world, published, action, who):
    client.force_login(getattr(world, who))

    response = client.post(f"/results/offers/{published.offer.pk}/{action}/")

    assert response.status_code == 404
    published.offer.refresh_from_db()
    assert published.offer.status == "pending"


@pytest.mark.parametrize("action", ["accept", "decline"])
def test_answering_anonymous_goes_to_login(client, world, published, action):
    url = f"/results/offers/{published.offer.pk}/{action}/"

    response = client.post(url)

    assert (response.status_code, response["Location"]) == (302, f"/accounts/login/?next={url}")


def test_accept_by_get_is_not_allowed(client, world, published):
    client.force_login(world.candidate)

    assert client.get(f"/results/offers/{published.offer.pk}/accept/").status_code == 405


# My interns ------------------------------------------------------------------------


def test_interns_page_shows_interns_cutoff_and_declines(client, world, published):
    client.force_login(world.other_supervisor)

    html = client.get("/interns/").content.decode()

    assert "ロボット制御の研究" in html
    assert "Decoding EEG" not in html
    assert '<th scope="row">Chloé Roy</th>' in html
    assert '<span class="tag offer-status offer-pending">Awaiting answer</span>' in html
    assert (
        "The lowest-ranked candidate admitted was Chloé Roy, number 1 on the ranking the "
        "match used." in html
    )
    assert "(1 of 1 place filled)" in html


def test_interns_page_lists_declined_offer(client, world, published):
    client.force_login(world.candidate)
    client.post(f"/results/offers/{published.offer.pk}/decline/")
    client.force_login(world.supervisor)

    html = client.get("/interns/").content.decode()

    assert "No intern holds a place in this project." in html
    assert "Alex Martin declined on" in html


@pytest.mark.parametrize(
    ("who", "status"),
    [("candidate", 404), ("other_candidate", 404), ("supervisor", 200), ("officer", 404)],
)
def test_interns_page_permissions(client, world, published, who, status):
    client.force_login(getattr(world, who))

    assert client.get("/interns/").status_code == status


def test_interns_page_anonymous_goes_to_login(client, world):
    response = client.get("/interns/")

    assert (response.status_code, response["Location"]) == (302, "/accounts/login/?next=/interns/")


def test_interns_page_query_count_does_not_grow_with_rows(
    client, world, published, django_assert_num_queries
):
    client.force_login(world.supervisor)
    expected = _count_queries(client, "/interns/")
    for n in range(2):
        _extra_call(n, candidate=factories.candidate(), supervisor=world.supervisor)

    with django_assert_num_queries(expected):
        html = client.get("/interns/").content.decode()
    assert html.count("The lowest-ranked candidate admitted was") == 3
