from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("offers", "0001_initial"),
        ("matching", "0002_offer_and_audit_move_out"),
    ]

    operations = [
        migrations.AlterModelTable(name="offer", table=None),
    ]
