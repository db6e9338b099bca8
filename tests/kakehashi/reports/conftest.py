"""Reports about the internship of the network tests (tests/kakehashi/network/conftest.py),
under the demo's example forms."""

import json
from pathlib import Path

import pytest

from kakehashi.reports.models import ReportForm, ReportQuestion
from tests.kakehashi.network.conftest import (  # noqa: F401  (fixtures reused by name)
    before_deadline,
    internship,
    published,
    world,
)

DATA = Path(__file__).parents[3] / "src" / "kakehashi" / "demo" / "data" / "reports.json"


@pytest.fixture
def forms(internship):  # noqa: F811
    """The demo's example forms, on the internship's program, by (kind, respondent)."""
    data = json.loads(DATA.read_text(encoding="utf-8"))
    out = {}
    for spec in data["forms"]:
        form = ReportForm.objects.create(
            program=internship.program, kind=spec["kind"], respondent=spec["respondent"],
            due_days=spec["due_days"], due_anchor=spec["due_anchor"],
            text_en=spec["text"]["en"], text_fr=spec["text"]["fr"], text_ja=spec["text"]["ja"],
        )  # fmt: skip
        for order, q in enumerate(spec["questions"]):
            ReportQuestion.objects.create(
                form=form, order=order, key=q["key"], type=q["type"], text_en=q["en"],
                text_fr=q["fr"], text_ja=q["ja"], choices=q.get("choices", []),
                required=q.get("required", True),
            )  # fmt: skip
        out[(spec["kind"], spec["respondent"])] = form
    return out
