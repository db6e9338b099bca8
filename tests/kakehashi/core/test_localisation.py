"""Dates and numbers are written the reader's way: Django's locale formats, never a
pattern written into a template."""

import datetime as dt
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Template
from django.utils import translation

from tests import factories

TEMPLATES = Path(settings.BASE_DIR)
# A `date`/`time` filter argument that is not one of the locale's named formats.
HARD_CODED = re.compile(r"\|\s*(?:date|time)\s*:\s*[\"'](?![A-Z_]+_FORMAT[\"'])[^\"']*[\"']")


@pytest.fixture
def world(db):
    return factories.page_world()


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "May 1, 2027 – Aug. 31, 2027"),
        ("fr", "1 mai 2027 – 31 août 2027"),
        ("ja", "2027年5月1日 – 2027年8月31日"),
    ],
)
def test_project_page_writes_dates_in_reader_locale(client, world, language, expected):
    html = client.get(
        "/projects/eeg-decoding/", headers={"accept-language": language}
    ).content.decode()

    assert f"<dd>{expected}" in html


def test_application_page_writes_submission_time_in_japanese(client, world):
    application = world.other_candidate.applications.get()
    client.force_login(world.other_candidate)

    html = client.get(
        f"/applications/{application.pk}/", headers={"accept-language": "ja"}
    ).content.decode()

    assert re.search(r"<dd>\d{4}年\d{1,2}月\d{1,2}日\d{1,2}:\d{2}</dd>", html), html


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "0.83 · Jan. 12, 2027"),
        ("fr", "0,83 · 12 janvier 2027"),
        ("ja", "0.83 · 2027年1月12日"),
    ],
)
def test_scores_and_dates_follow_reader_locale(language, expected):
    template = Template('{{ score|floatformat:2 }} · {{ day|date:"DATE_FORMAT" }}')

    with translation.override(language):
        text = template.render(Context({"score": 0.8312, "day": dt.date(2027, 1, 12)}))

    assert text == expected


def test_templates_use_locale_date_formats_only():
    offenders = [
        f"{path.relative_to(TEMPLATES)}:{number}: {line.strip()}"
        for path in sorted(TEMPLATES.rglob("*.html"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if HARD_CODED.search(line)
    ]

    assert not offenders, "Use DATE_FORMAT, DATETIME_FORMAT or SHORT_DATE_FORMAT:\n" + "\n".join(
        offenders
    )
