"""The e-mail of offers: exact English subjects; French and Japanese render without error.

(The French and Japanese texts come with the lead's translations; until then the
tests check that each kind renders under those languages and says so in its headers.)
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import translation

from kakehashi.notifications.services import notify
from kakehashi.offers.explanations import Choice
from tests.kakehashi.offers.conftest import DEADLINE

KINDS = [
    "offer_made",
    "match_unplaced",
    "results_supervisor",
    "offer_accepted",
    "offer_declined",
    "offer_lapsed",
    "offer_accepted_supervisor",
    "offer_declined_supervisor",
    "offer_lapsed_supervisor",
]

SUBJECTS = {
    "offer_made": "Kakehashi: you have an offer for “A & B <robots>”",
    "match_unplaced": "Kakehashi: your match result in 2027 Summer",
    "results_supervisor": "Kakehashi: match results for your projects in 2027 Summer",
    "offer_accepted": "Kakehashi: you accepted the offer for “A & B <robots>”",
    "offer_declined": "Kakehashi: you declined the offer for “A & B <robots>”",
    "offer_lapsed": "Kakehashi: your offer for “A & B <robots>” has lapsed",
    "offer_accepted_supervisor": "Kakehashi: Alex Martin accepted the offer for “A & B <robots>”",
    "offer_declined_supervisor": "Kakehashi: Alex Martin declined the offer for “A & B <robots>”",
    "offer_lapsed_supervisor": "Kakehashi: the offer to Alex Martin for “A & B <robots>” has "
    "lapsed",
}


@pytest.fixture
def context(world, published):
    offer = published.offer
    offer.responded_at = DEADLINE - dt.timedelta(hours=1)
    offer.project.title = "A & B <robots>"
    return {
        "offer": offer,
        "project": offer.project,
        "call": world.call,
        "candidate": world.candidate,
        "round": 1,
        "deadline": DEADLINE,
        "call_zone": "Asia/Tokyo",
        "choices": [
            Choice(key="robotics", rank=1, reason="not_ranked_by_host", project=world.other_project)
        ],
        "list_length": 1,
        "lines": [{"project": offer.project, "interns": [world.candidate]}],
        "results_url": "https://kakehashi.test/results/",
        "interns_url": "https://kakehashi.test/interns/",
        "projects_url": "https://kakehashi.test/projects/",
    }


@pytest.mark.parametrize("kind", KINDS)
def test_subject_in_english_is_exact_and_unescaped(world, context, kind):
    mail.outbox.clear()

    assert notify(user=world.supervisor, kind=kind, context=context) is True

    [message] = mail.outbox
    assert message.subject == SUBJECTS[kind]
    assert "&amp;" not in message.body
    assert message.body.startswith("Hello Hana Sato,\n\n")


@pytest.mark.parametrize("language", ["fr", "ja"])
@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_renders_in_french_and_japanese(world, context, kind, language):
    world.supervisor.preferred_language = language
    world.supervisor.timezone = "America/Montreal" if language == "fr" else "Asia/Tokyo"
    mail.outbox.clear()

    with translation.override(language):
        assert notify(user=world.supervisor, kind=kind, context=context) is True

    [message] = mail.outbox
    assert message.extra_headers["Content-Language"] == language
    # Translated, not the English subject, and under the program's name in that language.
    assert message.subject != SUBJECTS[kind]
    assert message.subject.startswith({"fr": "Kakehashi", "ja": "【架け橋】"}[language])
    assert "\n" not in message.subject


def test_offer_mail_names_deadline_in_recipients_zone_and_calls(world, context):
    world.candidate.timezone = "America/Vancouver"
    mail.outbox.clear()

    notify(user=world.candidate, kind="offer_made", context=context)

    assert (
        "Please accept or decline by March 1, 2027, 1 a.m. (America/Vancouver), that is "
        "March 1, 2027, 6 p.m. in the call's time zone (Asia/Tokyo)." in mail.outbox[0].body
    )


def test_unplaced_mail_lists_the_reasons(world, context):
    mail.outbox.clear()

    notify(user=world.fourth, kind="match_unplaced", context=context)

    body = mail.outbox[0].body
    assert (
        "- Your choice 1, “ロボット制御の研究”: the host did not rank you, so it could not "
        "offer you a place." in body
    )
    assert "go to a second round" in body


def test_names_follow_the_readers_language(world, context):
    """`person_name`: a Japanese reader reads family name first, in kanji when known."""
    world.candidate.family_name_kanji, world.candidate.given_name_kanji = "松田", "葵"
    world.supervisor.family_name_kanji, world.supervisor.given_name_kanji = "佐藤", "花"
    mail.outbox.clear()

    notify(user=world.supervisor, kind="offer_accepted_supervisor", context=context)
    notify(user=world.supervisor, kind="results_supervisor", context=context)
    world.supervisor.preferred_language = "ja"
    notify(user=world.supervisor, kind="offer_accepted_supervisor", context=context)
    notify(user=world.supervisor, kind="results_supervisor", context=context)

    accepted_en, results_en, accepted_ja, results_ja = mail.outbox
    # A Japanese name (it has a kanji form) is family name first in English too.
    assert accepted_en.subject.startswith("Kakehashi: Martin Alex accepted")
    assert accepted_en.body.startswith("Hello Sato Hana,")
    assert "\n- Martin Alex\n" in results_en.body
    assert "松田葵" in accepted_ja.subject and "Martin Alex" not in accepted_ja.body
    assert accepted_ja.body.splitlines()[0].count("佐藤花") == 1
    assert "\n- 松田葵\n" in results_ja.body


def test_subject_is_folded_to_one_line_whatever_a_title_holds(world, context):
    # A title stored before titles were checked to be one line: no header may come of it.
    context["project"].title = "A\rBcc: evil@example.org\x0bX"
    mail.outbox.clear()

    notify(user=world.candidate, kind="offer_made", context=context)

    [message] = mail.outbox
    assert message.subject == "Kakehashi: you have an offer for “A Bcc: evil@example.org X”"
    assert message.message()["Bcc"] is None
