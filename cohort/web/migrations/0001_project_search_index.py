"""The archive search's GIN index on PostgreSQL (cohort.web.search.PG_VECTOR).

An expression index: PostgreSQL keeps it in step with every write to projects_project. SQLite's
FTS5 table is made by cohort.web.search.ensure_index after each migrate instead.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

from cohort.web.search import PG_INDEX, PG_VECTOR


def create(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        vector = PG_VECTOR.replace("p.", "")
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {PG_INDEX} ON projects_project USING gin ({vector}) "
            "WITH (fastupdate = off)"
        )


def drop(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {PG_INDEX}")
    elif schema_editor.connection.vendor == "sqlite":
        for suffix in ("ai", "ad", "au"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS projects_project_fts_{suffix}")
        schema_editor.execute("DROP TABLE IF EXISTS projects_project_fts")


class Migration(migrations.Migration):
    dependencies = [("projects", "0005_backfill_project_form_fields")]

    operations = [migrations.RunPython(create, drop)]
