"""The sticky CNCF export: a published program keeps its record until re-approved (§3.5)."""

from __future__ import annotations

import json
from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from cohort.projects.models import Project
from cohort.projects.tests.conftest import CORPUS
from cohort.proposals import gates
from cohort.proposals import services as s
from cohort.proposals.exports import export_view, snapshot_project
from cohort.proposals.models import ProposalEvent
from cohort.proposals.review import review
from cohort.proposals.tests.conftest import DEADLINE, make_form

pytestmark = pytest.mark.django_db

BEFORE = DEADLINE - timedelta(days=3)
URL = "https://mentorship.lfx.linuxfoundation.org/project/b2d21cb7-4380-4375-9384-ca791e652f0d"


def approve(world, project):
    """Admin approval, with the snapshot that approve_proposal_as_admin is to record."""
    event = s.approve_proposal_as_admin(project, actor=world.users["admin"])
    if "snapshot" not in event.data:
        event.data = {
            **event.data,
            "snapshot": snapshot_project(Project.objects.get(pk=project.pk)),
        }
        event.save(update_fields=["data"])


def published(world, **overrides):
    form = make_form(**overrides)
    project = s.create_proposal(world.term, form, actor=world.users["carol"])
    s.submit_proposal(project, actor=world.users["carol"], now=BEFORE)
    s.approve_proposal(project, actor=world.users["maintainer"])
    s.confirm_mentorship(project, actor=world.users["alice"])
    s.confirm_mentorship(project, actor=world.users["bob"])
    approve(world, project)
    s.publish_proposals(world.term, actor=world.users["admin"])
    project.refresh_from_db()
    assert project.status == "published"
    return project


def lfx_json(world) -> dict[str, Any]:
    out = StringIO()
    call_command("export_term", world.term.label, "--format", "lfx-json", stdout=out)
    data: dict[str, Any] = json.loads(out.getvalue())
    return data


def names(world) -> list[tuple[int, str]]:
    return [(p["issue_number"], p["program_name_short"]) for p in lfx_json(world)["programs"]]


def test_a_material_edit_after_publishing_keeps_the_frozen_record(world):
    project = published(world)
    s.record_lfx_url(project, URL, actor=world.users["admin"])
    edited = make_form(
        program_name="Renamed",
        mentors=make_form().mentors + "\nCarol Poe | @carol | carol@example.org | carollf",
        technologies="Rust",
    )
    assert s.update_proposal(project, edited, actor=world.users["carol"])
    assert not review(project).gates.admin_approved

    (program,) = lfx_json(world)["programs"]
    assert program["program_name_short"] == "Jaeger v2 Helm Chart"
    assert program["program_name_full"] == "CNCF - Jaeger: Jaeger v2 Helm Chart (2026 Term 3)"
    assert program["technologies"] == program["skills"] == "Go, Helm, Kubernetes"
    assert [m["github_handle"] for m in program["mentors"]] == ["alice", "bob"]
    assert program["lfx_url"] == URL  # recorded after publishing: the latest record wins

    s.approve_proposal(project, actor=world.users["maintainer"])
    approve(world, project)
    (program,) = lfx_json(world)["programs"]
    assert program["program_name_short"] == "Renamed"
    assert program["technologies"] == "Rust"
    assert [m["github_handle"] for m in program["mentors"]] == ["alice", "bob", "carol"]

    # Edited again: frozen at the re-approved record, not the first one.
    s.update_proposal(project, make_form(program_name="Third"), actor=world.users["carol"])
    assert names(world) == [(1, "Renamed")]


def test_programs_are_ordered_by_number_descending_and_never_dropped(world):
    first = published(world)
    second = published(world, program_name="Second", upstream_issue_url="https://x.test/2")
    third = s.create_proposal(world.term, make_form(program_name="Draft"), actor=None)
    assert (first.number, second.number, third.number) == (1, 2, 3)
    s.update_proposal(first, make_form(program_name="Moved"), actor=world.users["carol"])
    assert names(world) == [(2, "Second"), (1, "Jaeger v2 Helm Chart")]

    s.withdraw_proposal(second, actor=world.users["admin"])  # the issue closed: still exported
    assert names(world) == [(2, "Second"), (1, "Jaeger v2 Helm Chart")]
    csv = StringIO()
    call_command("export_term", world.term.label, "--format", "lfx-csv", stdout=csv)
    rows = csv.getvalue().splitlines()[1:]
    assert [r.split(",")[0] for r in rows] == [
        "CNCF - Jaeger: Second (2026 Term 3)",
        "CNCF - Jaeger: Jaeger v2 Helm Chart (2026 Term 3)",
    ]


def test_a_program_moved_to_another_organization_exports_under_its_frozen_one(world):
    project = published(world)
    s.update_proposal(project, make_form(project="Kubernetes"), actor=world.users["carol"])
    (program,) = lfx_json(world)["programs"]
    assert program["cncf_project"] == "Jaeger"
    readme = StringIO()
    call_command("export_term", world.term.label, "--format", "lfx-readme", stdout=readme)
    assert "Jaeger v2 Helm Chart" in readme.getvalue()


def test_without_a_snapshot_the_current_data_is_exported(world):
    project = published(world)
    ProposalEvent.objects.filter(project=project).update(data={})
    s.update_proposal(project, make_form(program_name="Now"), actor=world.users["carol"])
    assert names(world) == [(1, "Now")]


def test_unpublished_proposals_are_not_exported(world):
    project = s.create_proposal(world.term, make_form(), actor=world.users["carol"])
    s.submit_proposal(project, actor=world.users["carol"], now=BEFORE)
    assert export_view(world.term).projects() == []
    assert ProposalEvent.objects.filter(kind=gates.PUBLISHED).count() == 0


def test_an_imported_published_term_exports_as_it_is(tmp_path):
    source = CORPUS / "lfx" / "lfx-export.json"
    call_command("import_term", str(source), stdout=StringIO(), stderr=StringIO())
    assert Project.objects.filter(status="published").exists()
    assert not ProposalEvent.objects.exists()
    out = tmp_path / "out.json"
    call_command(
        "export_term",
        "2026 Term 3",
        "--format",
        "lfx-json",
        "--output",
        str(out),
        stdout=StringIO(),
        stderr=StringIO(),
    )
    assert out.read_bytes() == source.read_bytes()
