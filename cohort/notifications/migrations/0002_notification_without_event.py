"""The outbox points at no other app's table: `Notification.event` goes (issue 11).

A row's key was already (kind, object_type, object_id, recipient), with the proposal event's
pk in `object_id`; `event` repeated it as a foreign key to `proposals.ProposalEvent`. Before
the column goes, every row that still points at an event is made to carry that event in its
key (it already does for every row the services wrote: this only guards against a row edited
by hand). Rows keep their pk, `sent_at`, `error` and everything else, so nothing is sent
again. Going back restores `event` from the key of the rows whose event still exists.
"""

from __future__ import annotations

from django.db import migrations, models
from django.db.models.functions import Cast

EVENT_OBJECT = "proposals.proposalevent"  # cohort.proposals.notifications.EVENT_OBJECT
BATCH = 500


def key_rows_on_their_event(apps, schema_editor):
    Notification = apps.get_model("notifications", "Notification")
    stray = (
        Notification.objects.filter(event__isnull=False)
        .annotate(event_key=Cast("event_id", models.CharField(max_length=64)))
        .exclude(object_type=EVENT_OBJECT, object_id=models.F("event_key"))
    )
    for row in stray.iterator(chunk_size=BATCH):
        row.object_type = EVENT_OBJECT
        row.object_id = str(row.event_id)
        row.save(update_fields=["object_type", "object_id"])


def point_rows_at_their_event(apps, schema_editor):
    Notification = apps.get_model("notifications", "Notification")
    ProposalEvent = apps.get_model("proposals", "ProposalEvent")
    rows = Notification.objects.filter(object_type=EVENT_OBJECT, object_id__regex=r"^[0-9]+$")
    for row in rows.iterator(chunk_size=BATCH):
        if ProposalEvent.objects.filter(pk=int(row.object_id)).exists():
            row.event_id = int(row.object_id)
            row.save(update_fields=["event"])


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0001_notification_outbox"),
        ("proposals", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(key_rows_on_their_event, point_rows_at_their_event),
        migrations.RemoveField(model_name="notification", name="event"),
    ]
