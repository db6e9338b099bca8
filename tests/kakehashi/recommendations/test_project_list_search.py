"""The project list's search box is the search page's cross-language search, combined
with the list's filters (projects.signals.project_query, answered by recommendations)."""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kakehashi.projects.filters import ProjectFilters
from kakehashi.projects.models import Project
from kakehashi.projects.selectors import project_search
from kakehashi.projects.signals import project_query
from tests import factories


@pytest.fixture
def demo(db, real_encoder):
    call_command("load_demo", stdout=StringIO())


def _keys(response) -> list[str]:
    """The projects the results list, in order."""
    html = response.content.decode()
    return re.findall(r'<h2 class="h3"><a href="/(?:[a-z]{2}/)?projects/([^/"]+)/"', html)


def test_japanese_query_finds_an_english_posting_with_a_filter(client, demo):
    # 脳波 (EEG) shares no word with the English BRAMS posting on music and EEG.
    assert Project.objects.get(key="brams-music-eeg").language == "en"
    response = client.get(
        "/projects/", {"q": "脳波", "language": "en"}, headers={"HX-Request": "true"}
    )
    keys = _keys(response)
    assert keys[0] == "brams-music-eeg"
    # The filter holds: only English postings, the Japanese EEG posting is left out.
    assert "atr-eeg-decoding" not in keys
    assert set(Project.objects.filter(key__in=keys).values_list("language", flat=True)) == {"en"}


def test_query_without_filter_ranks_across_languages(client, demo):
    response = client.get("/projects/", {"q": "脳波"}, headers={"HX-Request": "true"})
    assert _keys(response)[:2] == ["atr-eeg-decoding", "brams-music-eeg"]


def test_an_everyday_query_lists_no_project(client, demo):
    # "chocolate cake recipe" scores 2.35 against the agriculture titles, over the
    # list's floor, but everyday topics beat them all (kakehashi_semantic.offtopic).
    response = client.get(
        "/projects/", {"q": "chocolate cake recipe"}, headers={"HX-Request": "true"}
    )
    assert _keys(response) == []


def test_without_a_receiver_words_match_as_text(db, project, monkeypatch):
    # projects alone (no recommendations app answering): the plain text filter.
    monkeypatch.setattr(project_query, "receivers", [])
    monkeypatch.setattr(project_query, "sender_receivers_cache", {})
    word = project.title.split()[0]
    assert list(project_search(user=None, filters=ProjectFilters(q=word))) == [project]
    assert list(project_search(user=None, filters=ProjectFilters(q="zzqx"))) == []


@pytest.mark.parametrize("rows", [1, 3])
def test_project_list_search_queries_do_not_grow(client, call, rows):
    # The fake character encoder (this folder's conftest): no model.
    for n in range(rows):
        factories.ProjectFactory(
            call=call, key=f"eeg-{n}", title=f"EEG decoding {n}", language="en"
        )
    url = "/projects/?q=EEG&language=en"
    client.get(url)  # warm the per-process index for this data version
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    assert len(_keys(response)) == rows
    assert len(ctx.captured_queries) == PROJECT_SEARCH_QUERIES


# The search reads the visible ids once and the page its rows: as many for 1 as for 3.
PROJECT_SEARCH_QUERIES = 9
