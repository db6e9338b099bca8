import datetime as dt

from django.db import migrations, models
from django.utils import timezone


def _ninety_days_on():
    # Tokens made before expiry existed get the default lifetime from now on.
    return timezone.now() + dt.timedelta(days=90)


class Migration(migrations.Migration):
    dependencies = [("people", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(default=_ninety_days_on, verbose_name="expires"),
            preserve_default=False,
        ),
    ]
