"""Every program that exists already gets the default rules a new program starts with
(cohort/reminders/defaults.py as it was when this migration was written)."""

from __future__ import annotations

from typing import Any

from django.db import migrations

DEFAULTS = (
    ("incomplete_application_72h", "incomplete_application", 72),
    ("incomplete_application_24h", "incomplete_application", 24),
    ("unreviewed_applicants_72h", "unreviewed_applicants", 72),
    ("unreviewed_applicants_24h", "unreviewed_applicants", 24),
    ("unanswered_offer_48h", "unanswered_offer", 48),
    ("unanswered_offer_12h", "unanswered_offer", 12),
    ("evaluation_due_72h", "evaluation_due", 72),
    ("evaluation_due_24h", "evaluation_due", 24),
    ("payment_waiting_48h", "payment_waiting", 48),
    ("payment_waiting_7d", "payment_waiting", 168),
    ("proposal_to_approve_72h", "proposal_to_approve", 72),
    ("proposal_to_approve_24h", "proposal_to_approve", 24),
)


def install(apps: Any, schema_editor: Any) -> None:
    program_model = apps.get_model("terms", "Program")
    rule_model = apps.get_model("reminders", "ReminderRule")
    rule_model.objects.bulk_create(
        [
            rule_model(program=program, key=key, audience=audience, hours=hours)
            for program in program_model.objects.all()
            for key, audience, hours in DEFAULTS
        ],
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [("reminders", "0001_initial")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
