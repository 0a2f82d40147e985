"""Project status "not_accepted": an idea its term's README did not list."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0005_backfill_project_form_fields"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="project",
            name="project_status_valid",
        ),
        migrations.AlterField(
            model_name="project",
            name="status",
            field=models.CharField(
                choices=[
                    ("draft", "Draft"),
                    ("submitted", "Submitted"),
                    ("proposed", "Proposed idea"),
                    ("published", "Published"),
                    ("withdrawn", "Withdrawn"),
                    ("rejected", "Rejected"),
                    ("not_accepted", "Not accepted"),
                ],
                default="draft",
                max_length=20,
            ),
        ),
        migrations.AddConstraint(
            model_name="project",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    (
                        "status__in",
                        [
                            "draft",
                            "submitted",
                            "proposed",
                            "published",
                            "withdrawn",
                            "rejected",
                            "not_accepted",
                        ],
                    )
                ),
                name="project_status_valid",
            ),
        ),
    ]
