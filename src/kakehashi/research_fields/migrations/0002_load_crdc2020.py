"""Load the CRDC 2020 fields of research (Statistics Canada) with our Japanese labels."""

import json
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "crdc2020_for.json"


def load(apps, schema_editor):
    ResearchField = apps.get_model("research_fields", "ResearchField")
    rows = json.loads(DATA.read_text(encoding="utf-8"))
    ids = {}
    for level in sorted({r["level"] for r in rows}):
        batch = [
            ResearchField(
                code=r["code"],
                level=r["level"],
                parent_id=ids.get(r["parent"]),
                title_en=r["title_en"],
                title_fr=r["title_fr"],
                title_ja=r.get("title_ja") or "",
                definition_en=r.get("definition_en") or "",
                definition_fr=r.get("definition_fr") or "",
            )
            for r in rows
            if r["level"] == level
        ]
        ResearchField.objects.bulk_create(batch, batch_size=500)
        ids.update(
            ResearchField.objects.filter(level=level).values_list("code", "id")
        )


def unload(apps, schema_editor):
    apps.get_model("research_fields", "ResearchField").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("research_fields", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
