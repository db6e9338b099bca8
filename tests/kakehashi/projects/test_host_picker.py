"""The host picker of the project form: typing any name, alias or acronym of an
organisation, in English, French or Japanese, narrows the host list to the ones that
match among those the person may post at; served by the app (htmx), never a CDN."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kakehashi.people.models import Affiliation
from kakehashi.projects.selectors import fold, project_host_options
from tests import factories

pytestmark = pytest.mark.django_db

URL = "/supervising/hosts/"


@pytest.fixture
def orgs():
    tokyo = factories.OrganisationFactory(
        name="The University of Tokyo",
        name_ja="東京大学",
        aliases=["Todai", "Tōkyō Daigaku", "とうきょうだいがく"],
        acronyms=["UT"],
        region="JP-13",
    )
    toronto = factories.CanadianOrganisationFactory(
        name="University of Toronto", name_fr="Université de Toronto", region="CA-ON"
    )
    laval = factories.CanadianOrganisationFactory(
        name="Université Laval", name_en="Laval University", region="CA-QC"
    )
    return tokyo, toronto, laval


def _options(html: str) -> list[str]:
    return re.findall(r'<option value="(\d+)"', html)


def _get(client, user, q: str, host: str = ""):
    client.force_login(user)
    response = client.get(URL, {"host_q": q, "host": host})
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("tokyo", ["tokyo"]),  # English name, any case
        ("東京", ["tokyo"]),  # Japanese name
        ("トウキョウ", ["tokyo"]),  # katakana finds a hiragana alias
        ("Tokyo Daigaku", ["tokyo"]),  # an alias without its long vowels
        ("todai", ["tokyo"]),  # an alias
        ("UT", ["tokyo"]),  # an acronym
        ("université", ["laval", "toronto"]),  # French names too, each by its name
        ("laval university", ["laval"]),  # the English name of a French-named one
        ("universite de toronto", ["toronto"]),  # accents ignored
    ],
)
def test_any_name_alias_or_acronym_in_three_languages(client, officer, orgs, q, expected):
    by_name = {"tokyo": orgs[0], "toronto": orgs[1], "laval": orgs[2]}
    html = _get(client, officer, q)
    assert _options(html) == [str(by_name[n].pk) for n in expected]


def test_order_puts_names_starting_with_the_words_first(officer, orgs):
    _tokyo, toronto, laval = orgs
    found, matched = project_host_options(user=officer, q="université")
    assert (found, matched) == ([laval, toronto], 2)


def test_the_answer_is_the_forms_select_with_a_status_line(client, officer, orgs):
    tokyo, toronto, _laval = orgs
    html = _get(client, officer, "toronto", host=str(tokyo.pk))
    assert '<select name="host" id="id_host" required aria-describedby="host-found">' in html
    # The one chosen before no longer matches: the first match is chosen.
    assert f'<option value="{toronto.pk}" selected>University of Toronto</option>' in html
    assert (
        '<p id="host-found" class="help" role="status" hx-swap-oob="true">'
        "1 organisation matches “toronto”: the list now shows only it.</p>"
    ) in html


def test_the_choice_stays_while_it_matches(client, officer, orgs):
    _tokyo, toronto, laval = orgs
    html = _get(client, officer, "universit", host=str(laval.pk))
    assert f'<option value="{laval.pk}" selected>' in html
    assert f'<option value="{toronto.pk}">' in html


def test_nothing_matches_brings_the_full_list_back(client, officer, orgs):
    html = _get(client, officer, "zzz")
    assert sorted(_options(html)) == sorted(str(o.pk) for o in orgs)
    assert "No organisation you may post at matches “zzz”; the full list is back." in html


def test_names_in_another_language_than_the_page_carry_lang(client, officer, orgs):
    tokyo, toronto, _laval = orgs
    html = _get(client, officer, "univ")
    assert f'<option value="{tokyo.pk}">The University of Tokyo</option>' in html
    html = client.get(URL, {"host_q": "univ"}, headers={"accept-language": "ja"}).content.decode()
    assert f'<option value="{tokyo.pk}">東京大学</option>' in html
    assert f'<option value="{toronto.pk}" lang="en">University of Toronto</option>' in html


def test_a_supervisor_finds_only_where_they_may_post(client, orgs):
    _tokyo, toronto, _laval = orgs
    supervisor = factories.UserFactory()
    Affiliation.objects.create(person=supervisor, organisation=toronto, role="supervisor")
    assert _options(_get(client, supervisor, "")) == [str(toronto.pk)]
    assert _options(_get(client, supervisor, "tokyo")) == [str(toronto.pk)]  # none: full list


@pytest.mark.parametrize("who", ["candidate", "nobody"])
def test_people_who_may_not_post_are_refused(client, candidate_user, orgs, who):
    user = candidate_user if who == "candidate" else factories.UserFactory()
    client.force_login(user)
    assert client.get(URL, {"host_q": "tokyo"}).status_code in (403, 404)


def test_anonymous_visitors_are_sent_to_sign_in(client, orgs):
    response = client.get(URL, {"host_q": "tokyo"})
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_query_count_does_not_grow(client, officer, orgs, django_assert_num_queries):
    client.force_login(officer)
    client.get(URL, {"host_q": "univ"})
    with CaptureQueriesContext(connection) as ctx:
        client.get(URL, {"host_q": "université"})
    for n in range(3):
        factories.CanadianOrganisationFactory(name=f"Université test {n}")
    with django_assert_num_queries(len(ctx.captured_queries)):
        html = client.get(URL, {"host_q": "université"}).content.decode()
    assert len(_options(html)) == 5


def test_at_most_fifty_are_listed(client, officer):
    for n in range(52):
        factories.OrganisationFactory(name=f"Kyoto Lab {n:02d}")
    html = _get(client, officer, "kyoto lab")
    assert len(_options(html)) == 50
    assert "52 organisations match “kyoto lab”; the list shows the first 50" in html


def test_fold():
    assert fold("Tōkyō ＤＡＩＧＡＫＵ") == "tokyo daigaku"
    assert fold("トウキョウダイガク") == "とうきょうだいがく"
    assert fold("だ") != fold("た")


def test_the_form_has_the_picker_and_no_cdn(client, officer, orgs):
    client.force_login(officer)
    html = client.get("/supervising/projects/new/").content.decode()
    assert '<input type="search" id="host-search" name="host_q"' in html
    assert 'hx-get="/supervising/hosts/"' in html
    assert re.search(r'<select name="host" aria-describedby="host-found" id="id_host"', html)
    assert "https://" not in "".join(re.findall(r'<script[^>]*src="([^"]+)"', html))
