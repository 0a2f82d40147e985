"""A payment's `made_at`: when its evaluation's result settled (the rows made before it get
the time of this migration)."""

from __future__ import annotations

import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("stipends", "0002_ledger_immutable")]

    operations = [
        migrations.AddField(
            model_name="payment",
            name="made_at",
            field=models.DateTimeField(default=django.utils.timezone.now),
            preserve_default=False,
        ),
    ]
