"""Term.head_source: which page a term's head was read from, backfilled from the audit log.

A term imported from a README, selected_projects.md or a Cohort export (a
`terms.term.imported` event whose source is not "ideas" or "lfx-json") had its head set by
that page; a term imported only from ideas pages had it set by an ideas page.
"""

from typing import Any

from django.db import migrations, models

TERM_PAGES = ("readme", "canonical", "json")


def backfill(apps: Any, schema_editor: Any) -> None:
    Term = apps.get_model("terms", "Term")
    AuditEvent = apps.get_model("core", "AuditEvent")
    events = AuditEvent.objects.filter(action="terms.term.imported", object_type="terms.term")
    sources: dict[str, set[str]] = {}
    for object_id, data in events.values_list("object_id", "data"):
        sources.setdefault(object_id, set()).add(str((data or {}).get("source", "")))
    page = [int(pk) for pk, seen in sources.items() if seen & set(TERM_PAGES)]
    ideas = [int(pk) for pk, seen in sources.items() if "ideas" in seen and int(pk) not in page]
    Term.objects.filter(pk__in=page).update(head_source="readme")
    Term.objects.filter(pk__in=ideas).update(head_source="ideas")


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
        ("terms", "0004_term_settings_and_calendar"),
    ]

    operations = [
        migrations.AddField(
            model_name="term",
            name="head_source",
            field=models.CharField(
                blank=True,
                choices=[
                    ("", "Not read from a page"),
                    ("readme", "The term page (README or selected projects)"),
                    ("ideas", "The project ideas page"),
                ],
                max_length=10,
            ),
        ),
        migrations.AddConstraint(
            model_name="term",
            constraint=models.CheckConstraint(
                condition=models.Q(("head_source__in", ["", "readme", "ideas"])),
                name="term_head_source_valid",
            ),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop, elidable=True),
    ]
