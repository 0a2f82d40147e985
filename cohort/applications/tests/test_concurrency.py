"""The per-term limit and one application per project under parallel requests (PostgreSQL:
SQLite serialises all writers).

Run with DATABASE_URL=postgres://… pytest -p no:xdist cohort/applications/tests/test_concurrency.py
"""

from __future__ import annotations

from functools import partial

import pytest
from django.db import connection

from cohort.applications import services as s
from cohort.applications.models import Application, Task
from cohort.applications.tests.conftest import WINDOW_OPEN, World
from cohort.core.errors import ConflictError, DomainError
from cohort.core.tests.threads import run_together
from cohort.projects.models import Organization, Project

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]

THREADS = 8


def test_one_mentee_applying_to_eight_projects_at_once_gets_three(world: World) -> None:
    org = Organization.objects.create(program=world.program, name="Many", slug="many")
    projects = [
        Project.objects.create(
            term=world.term,
            organization=org,
            slug=f"many-{i}",
            title=f"Many {i}",
            status=Project.Status.PUBLISHED,
            prerequisites={"cover_letter": True},
        )
        for i in range(THREADS)
    ]
    user = world.user("mentee1")
    done, failures = run_together(
        [partial(s.apply_to_project, user, projects[i], now=WINDOW_OPEN) for i in range(THREADS)]
    )
    assert len(done) == 3, failures
    assert len(failures) == THREADS - 3
    for failure in failures:
        assert isinstance(failure, DomainError), repr(failure)  # ConflictError is one too
        assert "active applications" in str(failure) or isinstance(failure, ConflictError)
    rows = Application.objects.filter(mentee=user)
    assert rows.count() == 3
    assert sorted(n or 0 for n in rows.values_list("active_slot", flat=True)) == [1, 2, 3]
    assert sorted(a.pk for a in done) == sorted(rows.values_list("pk", flat=True))
    # Each application has its tasks; the losers left nothing behind.
    assert Task.objects.count() == 3


def test_one_mentee_applying_to_one_project_eight_times_gets_one_row(world: World) -> None:
    user = world.user("mentee1")
    done, failures = run_together(
        [partial(s.apply_to_project, user, world.antrea, now=WINDOW_OPEN)] * THREADS
    )
    assert len(done) == 1, failures
    assert len(failures) == THREADS - 1
    assert all(isinstance(f, ConflictError) for f in failures), failures
    application = Application.objects.get(mentee=user)
    assert application.pk == done[0].pk
    assert application.active_slot == 1
    assert application.tasks.count() == 3
