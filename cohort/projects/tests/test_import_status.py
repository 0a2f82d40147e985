"""A re-import moves a stored project's status only along the transition table, audited
(issue 11): it never publishes a withdrawn, rejected or unpublished proposal again."""

from __future__ import annotations

import copy

import pytest

from cohort.core.models import AuditEvent
from cohort.formats import model as fm
from cohort.projects.models import Project
from cohort.projects.services import get_or_create_program, import_term
from cohort.projects.tests.conftest import make_term

pytestmark = pytest.mark.django_db
Status = Project.Status


def stored(data: fm.TermData) -> Project:
    program = get_or_create_program("CNCF LFX Mentorship")
    import_term(data, program=program)
    return Project.objects.get(title="DNS caches")


@pytest.mark.parametrize(
    "kept", [Status.WITHDRAWN, Status.REJECTED, Status.DRAFT, Status.SUBMITTED]
)
def test_a_reimport_leaves_a_project_s_status_the_page_cannot_reach(kept: str) -> None:
    data = make_term()
    project = stored(data)
    Project.objects.filter(pk=project.pk).update(status=kept)
    result = import_term(copy.deepcopy(data), program=project.term.program)
    project.refresh_from_db()
    assert project.status == kept
    assert result.status_kept == 1
    assert "1 kept their status" in result.summary()


def test_a_reimport_publishes_a_proposed_idea_through_its_transition() -> None:
    ideas = make_term()
    ideas.organizations[0].projects[0].status = "proposed"
    project = stored(ideas)
    assert project.status == Status.PROPOSED
    published = make_term()
    result = import_term(published, program=project.term.program)
    project.refresh_from_db()
    assert project.status == Status.PUBLISHED
    assert project.status_changed_at is not None
    assert result.updated == 1
    assert AuditEvent.objects.filter(action="projects.project.published").count() == 1


def test_a_reimport_of_the_same_status_changes_nothing() -> None:
    data = make_term()
    project = stored(data)
    result = import_term(copy.deepcopy(data), program=project.term.program)
    assert (result.updated, result.status_kept) == (0, 0)
    assert not AuditEvent.objects.filter(action__startswith="projects.project.").exists()
