# The Offer model moves here from `matching`: this migration takes it over in
# Django's state only (its table stays as it is); 0002 renames the table.
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("matching", "0001_initial"),
        ("projects", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Offer",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created")),
                        ("updated_at", models.DateTimeField(auto_now=True, verbose_name="updated")),
                        ("status", models.CharField(choices=[("pending", "Awaiting answer"), ("accepted", "Accepted"), ("declined", "Declined"), ("lapsed", "Lapsed")], default="pending", max_length=16, verbose_name="status")),
                        ("deadline", models.DateTimeField(verbose_name="answer by")),
                        ("responded_at", models.DateTimeField(blank=True, null=True, verbose_name="answered")),
                        ("candidate", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="offers", to=settings.AUTH_USER_MODEL)),
                        ("project", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="offers", to="projects.project")),
                        ("run", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="offers", to="matching.matchrun")),
                    ],
                    options={
                        "verbose_name": "offer",
                        "verbose_name_plural": "offers",
                        "ordering": ["deadline", "id"],
                        "db_table": "matching_offer",
                        "constraints": [models.UniqueConstraint(fields=("run", "candidate"), name="one_offer_per_run")],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
