"""Keep the rank lists that already exist as their first version (reason ``existing``),
so every candidate's current list is on record from the start, not from their next save."""

from django.db import migrations


def keep_existing_lists(apps, schema_editor):
    Application = apps.get_model("applications", "Application")
    RankListVersion = apps.get_model("applications", "RankListVersion")
    lists: dict[tuple[int, int], list] = {}
    ranked = (
        Application.objects.filter(rank__isnull=False)
        .select_related("project")
        .order_by("candidate_id", "call_id", "rank")
    )
    for application in ranked.iterator(chunk_size=2000):
        lists.setdefault((application.candidate_id, application.call_id), []).append(application)
    RankListVersion.objects.bulk_create(
        (
            RankListVersion(
                candidate_id=candidate_id,
                call_id=call_id,
                number=1,
                # The last time any of its lines changed: when the list was last saved.
                saved_at=max(a.updated_at for a in applications),
                reason="existing",
                entries=[
                    {
                        "rank": a.rank,
                        "project_id": a.project_id,
                        "key": a.project.key,
                        "title": a.project.title,
                    }
                    for a in applications
                ],
            )
            for (candidate_id, call_id), applications in lists.items()
        ),
        batch_size=1000,
    )


class Migration(migrations.Migration):
    dependencies = [("applications", "0004_ranklistversion")]

    operations = [migrations.RunPython(keep_existing_lists, migrations.RunPython.noop)]
