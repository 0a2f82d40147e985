"""`core.workflow.transition_many`: many rows moved at once, as `transition` moves one."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cohort.core.errors import ConflictError, DomainError
from cohort.core.models import AuditEvent
from cohort.core.workflow import transition_many
from cohort.projects.models import Organization, Project
from cohort.terms.models import Program, Term

pytestmark = pytest.mark.django_db
Status = Project.Status


def _projects(n: int, status: str = Status.PROPOSED) -> list[Project]:
    program = Program.objects.create(name="P", slug="p")
    term = Term.objects.create(program=program, year=2021, number=1, title="T")
    org = Organization.objects.create(program=program, name="O", slug="o")
    return [
        Project.objects.create(
            term=term, organization=org, slug=f"x{i}", title=f"X{i}", status=status
        )
        for i in range(n)
    ]


def test_moves_every_row_in_one_update_per_pair_and_one_audit_insert():
    projects = _projects(4)
    moves = [(p, Status.NOT_ACCEPTED) for p in projects[:3]] + [(projects[3], Status.PUBLISHED)]
    with CaptureQueriesContext(connection) as queries:
        transition_many(moves, actor=None, note="import-term")
    assert len(queries) == 3  # two UPDATEs (two targets), one INSERT
    stored = dict(Project.objects.values_list("pk", "status"))
    assert [stored[p.pk] for p in projects] == ["not_accepted"] * 3 + ["published"]
    assert [p.status for p in projects] == ["not_accepted"] * 3 + ["published"]  # in memory too
    events = AuditEvent.objects.filter(object_type="projects.project")
    by_project = {e.object_id: (e.action, e.data, e.note) for e in events}
    assert len(by_project) == 4
    assert by_project[str(projects[0].pk)] == (
        "projects.project.not_accepted",
        {"before": "proposed", "after": "not_accepted"},
        "import-term",
    )
    assert by_project[str(projects[3].pk)][1] == {"before": "proposed", "after": "published"}


def test_a_move_the_table_forbids_changes_nothing():
    projects = _projects(2, status=Status.PUBLISHED)
    with pytest.raises(DomainError, match="cannot become"):
        transition_many([(p, Status.NOT_ACCEPTED) for p in projects], actor=None)
    assert set(Project.objects.values_list("status", flat=True)) == {"published"}
    assert not AuditEvent.objects.exists()


def test_a_row_moved_meanwhile_is_a_conflict():
    projects = _projects(2)
    Project.objects.filter(pk=projects[1].pk).update(status=Status.WITHDRAWN)
    with pytest.raises(ConflictError, match="moved under us"):
        transition_many(
            [(p, Status.PUBLISHED) for p in projects], actor=None, conflict="moved under us"
        )
