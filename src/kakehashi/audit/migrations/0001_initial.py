import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="AuditEntry",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("scope_id", models.PositiveBigIntegerField(verbose_name="scope id")),
                ("at", models.DateTimeField(auto_now_add=True, verbose_name="at")),
                ("verb", models.CharField(max_length=64, verbose_name="action")),
                ("target", models.CharField(blank=True, max_length=200, verbose_name="target")),
                ("data", models.JSONField(blank=True, default=dict, verbose_name="details")),
                ("actor", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL)),
                ("scope_type", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+", to="contenttypes.contenttype", verbose_name="scope type")),
            ],
            options={
                "verbose_name": "audit entry",
                "verbose_name_plural": "audit entries",
                "ordering": ["at", "id"],
                "indexes": [models.Index(fields=["scope_type", "scope_id", "at"], name="audit_scope_at")],
            },
        ),
    ]
