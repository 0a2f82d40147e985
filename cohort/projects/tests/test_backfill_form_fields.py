"""The data migration that fills `Project.form_fields` from the bodies stored before it."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps

from cohort.formats.issueform import issue_form_body, parse_issue_form
from cohort.projects.models import Organization, Project
from cohort.proposals.tests.conftest import make_form
from cohort.terms.models import Program, Term

pytestmark = pytest.mark.django_db

backfill = importlib.import_module(
    "cohort.projects.migrations.0005_backfill_project_form_fields"
).backfill


def _project(term: Term, org: Organization, slug: str, raw: str) -> Project:
    return Project.objects.create(term=term, organization=org, slug=slug, title=slug, raw=raw)


def test_migration_fills_the_fields_of_old_proposals_once_and_leaves_other_projects():
    program = Program.objects.create(name="CNCF LFX Mentorship", slug="cncf")
    term = Term.objects.create(program=program, year=2026, number=3, title="Term 3")
    org = Organization.objects.create(program=program, name="Jaeger", slug="jaeger")
    body = issue_form_body(make_form()) + "<!-- lfx-url:start -->x<!-- lfx-url:end -->\r\n"
    old = _project(term, org, "old", body)
    entry = _project(term, org, "entry", "#### DNS caches\n\n- Description: …\n")
    edited = _project(term, org, "edited", body)
    edited.form_fields = {"CNCF Project": "Jaeger", "Technologies": "### kept as stored"}
    edited.save()

    backfill(apps, None)

    old.refresh_from_db()
    assert old.form_fields == parse_issue_form(body).sections
    assert old.form_fields["Program Description"] == make_form().description
    assert old.raw == body  # the body stays, as provenance
    entry.refresh_from_db()
    assert entry.form_fields == {}
    edited.refresh_from_db()
    assert edited.form_fields["Technologies"] == "### kept as stored"

    backfill(apps, None)  # idempotent
    old.refresh_from_db()
    assert old.form_fields == parse_issue_form(body).sections
