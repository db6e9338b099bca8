"""Bring every field's English, French and Japanese titles to data/crdc2020_for.json.

The classes and subclasses (levels 3 and 4) had no Japanese title; the Kakehashi
project's translations (data/crdc2020_ja.tsv) give every field one. Idempotent: only
titles that differ are written, so running it again (or on a database loaded by the
new 0002) changes nothing. Cached public answers show field titles: they are retired.
"""

import json
import uuid
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "crdc2020_for.json"
TITLES = ("title_en", "title_fr", "title_ja")


def update_titles(apps, schema_editor):
    ResearchField = apps.get_model("research_fields", "ResearchField")
    rows = {r["code"]: r for r in json.loads(DATA.read_text(encoding="utf-8"))}
    changed = []
    for field in ResearchField.objects.filter(code__in=rows).only("pk", "code", *TITLES):
        row = rows[field.code]
        new = {name: row.get(name) or "" for name in TITLES}
        if any(getattr(field, name) != value for name, value in new.items()):
            for name, value in new.items():
                setattr(field, name, value)
            changed.append(field)
    ResearchField.objects.bulk_update(changed, TITLES, batch_size=500)
    if changed:
        # Bulk writes send no signal: retire the cached public answers (core.cache).
        apps.get_model("core", "DataVersion").objects.filter(pk=1).update(token=uuid.uuid4().hex)


class Migration(migrations.Migration):
    dependencies = [
        ("research_fields", "0002_load_crdc2020"),
        ("core", "0001_initial"),
    ]
    operations = [migrations.RunPython(update_titles, migrations.RunPython.noop)]
