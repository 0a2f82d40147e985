"""On PostgreSQL, a trigger refuses any UPDATE or DELETE of a ledger entry, whatever code
runs it (the model and its queryset refuse it in Python on every database)."""

from __future__ import annotations

from typing import Any

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION stipends_ledger_immutable() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'ledger entries are never changed or deleted';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER stipends_ledger_immutable
    BEFORE UPDATE OR DELETE ON stipends_ledgerentry
    FOR EACH ROW EXECUTE FUNCTION stipends_ledger_immutable();
"""
DROP = """
DROP TRIGGER IF EXISTS stipends_ledger_immutable ON stipends_ledgerentry;
DROP FUNCTION IF EXISTS stipends_ledger_immutable();
"""


def forwards(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("stipends", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
