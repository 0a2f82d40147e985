"""Fill `Project.form_fields` of the proposals made before it existed (docs/decisions/0006).

Until then a proposal kept only its issue-form body in `raw`, and every edit parsed it again.
Each such body is parsed once here, the way `cohort.formats.issueform.parse_issue_form` did
then (the parser is copied, not imported, so that this migration keeps meaning what it did).
`raw` is left as it is: the body is the proposal's provenance. Projects whose text has no
"### CNCF Project" section (term-page entries, LFX programs) are not proposals and keep {}.
Idempotent: a project whose fields are already set is skipped. Runs in batches.
"""

from __future__ import annotations

import re

from django.db import migrations

BATCH = 500
_JS_TRIM = (
    "\t\n\v\f\r \u00a0\u1680"
    + "".join(chr(c) for c in range(0x2000, 0x200B))
    + "\u2028\u2029\u202f\u205f\u3000\ufeff"
)
_LFX_URL_BLOCK = re.compile(r"<!-- lfx-url:start -->.*?<!-- lfx-url:end -->", re.DOTALL)
_HEADING = re.compile(r"^### +", re.MULTILINE)
LABEL_PROJECT = "CNCF Project"


def parse_sections(text):
    """The sections of an issue-form body, label → value, as the parser read them in 2026."""
    text = _LFX_URL_BLOCK.sub("", text.replace("\r\n", "\n"))
    sections = {}
    for part in _HEADING.split(text)[1:]:
        label, newline, value = part.partition("\n")
        if not newline:
            continue
        value = value.replace("\r\n", "\n").strip(_JS_TRIM)
        sections[label.strip(_JS_TRIM)] = "" if value == "_No response_" else value
    return sections


def backfill(apps, schema_editor):
    Project = apps.get_model("projects", "Project")
    batch = []
    candidates = Project.objects.filter(raw__contains="### ").only("pk", "raw", "form_fields")
    for project in candidates.order_by("pk").iterator(chunk_size=BATCH):
        if project.form_fields:
            continue
        sections = parse_sections(project.raw)
        if LABEL_PROJECT not in sections:
            continue
        project.form_fields = sections
        batch.append(project)
        if len(batch) >= BATCH:
            Project.objects.bulk_update(batch, ["form_fields"])
            batch = []
    if batch:
        Project.objects.bulk_update(batch, ["form_fields"])


class Migration(migrations.Migration):
    dependencies = [("projects", "0004_project_form_fields")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop, elidable=True)]
