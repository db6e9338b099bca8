"""Research fields (CRDC 2020, loaded by migration) through /api/v1/."""

import pytest
from django.test import Client

from tests.kakehashi.api_helpers import API, body, error


@pytest.mark.django_db
def test_level_one_fields_are_public():
    response = Client().get(f"{API}/research-fields?level=1&limit=2")

    assert body(response) == {
        "items": [
            {
                "code": "RDF10",
                "level": 1,
                "parent": None,
                "title": "Natural sciences",
                "title_en": "Natural sciences",
                "title_fr": "Sciences naturelles",
                "title_ja": "自然科学",
            },
            {
                "code": "RDF20-21",
                "level": 1,
                "parent": None,
                "title": "Engineering and technology",
                "title_en": "Engineering and technology",
                "title_fr": "Génie et technologies",
                "title_ja": "工学・技術",
            },
        ],
        "count": 6,
    }


@pytest.mark.django_db
def test_children_of_a_parent_and_detail():
    children = body(Client().get(f"{API}/research-fields?parent=RDF10&limit=200"))["items"]
    detail = Client().get(f"{API}/research-fields/{children[0]['code']}")

    assert children and {c["parent"] for c in children} == {"RDF10"}
    assert {c["level"] for c in children} == {2}
    assert body(detail) == children[0]
    assert body(Client().get(f"{API}/research-fields/NOPE")) == error(
        404, "not_found", "Not found."
    )


@pytest.mark.django_db
def test_title_in_the_requested_language():
    response = Client().get(
        f"{API}/research-fields?level=1&limit=1", headers={"Accept-Language": "fr"}
    )

    assert body(response)["items"][0]["title"] == "Sciences naturelles"


@pytest.mark.django_db
def test_list_queries_do_not_grow(django_assert_num_queries):
    client = Client()
    with django_assert_num_queries(2):
        first = client.get(f"{API}/research-fields?parent=RDF10&limit=1")
    with django_assert_num_queries(2):
        second = client.get(f"{API}/research-fields?parent=RDF10&limit=3")
    assert (len(body(first)["items"]), len(body(second)["items"])) == (1, 3)
