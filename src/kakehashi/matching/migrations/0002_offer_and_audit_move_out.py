# Offers now belong to the `offers` app (state only: the table moves in
# offers.0002), and the audit record to the `audit` app: its entries are copied
# there, scoped to their call, before the old table goes.
from django.db import migrations


def audit_copy(apps, schema_editor):
    AuditEvent = apps.get_model("matching", "AuditEvent")
    AuditEntry = apps.get_model("audit", "AuditEntry")
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not AuditEvent.objects.exists():
        return
    call_type, _ = ContentType.objects.get_or_create(app_label="programs", model="call")
    # Keep each event's own time: auto_now_add would stamp the copies with today.
    AuditEntry._meta.get_field("at").auto_now_add = False
    entries = [
        AuditEntry(
            id=e.id,
            scope_type_id=call_type.id,
            scope_id=e.call_id,
            at=e.at,
            actor_id=e.actor_id,
            verb=e.verb,
            target=e.target,
            data=e.data,
        )
        for e in AuditEvent.objects.order_by("id").iterator()
    ]
    AuditEntry.objects.bulk_create(entries, batch_size=500)
    # bulk_create with explicit ids leaves PostgreSQL's sequence behind them.
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence('audit_auditentry', 'id'), "
                "(SELECT MAX(id) FROM audit_auditentry))"
            )


class Migration(migrations.Migration):
    dependencies = [
        ("matching", "0001_initial"),
        ("offers", "0001_initial"),
        ("audit", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="Offer")],
            database_operations=[],
        ),
        migrations.RunPython(audit_copy, migrations.RunPython.noop),
        migrations.DeleteModel(name="AuditEvent"),
    ]
