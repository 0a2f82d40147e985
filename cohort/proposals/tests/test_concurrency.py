"""Proposal numbers under concurrent intake (PostgreSQL: SQLite serialises all writers).

Run with DATABASE_URL=postgres://… pytest cohort/proposals/tests/test_concurrency.py
"""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection, connections

from cohort.projects.models import Project
from cohort.proposals import services as s
from cohort.proposals.review import proposal_form, review
from cohort.proposals.tests.conftest import DEADLINE, make_form

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]

THREADS = 20
BEFORE = DEADLINE - timedelta(days=3)


def test_simultaneous_proposals_get_distinct_numbers_and_see_each_other(world):
    barrier = threading.Barrier(THREADS)
    numbers: list[int] = []
    failures: list[BaseException] = []
    lock = threading.Lock()

    def propose(i: int) -> None:
        try:
            form = make_form(
                program_name=f"Program {i}",
                upstream_issue_url=f"https://github.com/jaegertracing/jaeger/issues/{i + 1}",
            )
            barrier.wait(timeout=30)
            project = s.create_proposal(world.term, form, actor=None)
            s.submit_proposal(project, actor=None, now=BEFORE)
            with lock:
                numbers.append(project.number or 0)
        except BaseException as exc:  # reported by the main thread
            with lock:
                failures.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=propose, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not failures, failures
    assert sorted(numbers) == list(range(1, THREADS + 1))
    assert Project.objects.filter(term=world.term, status="submitted").count() == THREADS
    last = Project.objects.get(term=world.term, number=THREADS)
    warnings = review(last).validation.warnings
    assert any(f"has {THREADS} proposals" in w for w in warnings), warnings


def test_two_patches_of_different_fields_at_once_both_stay(world):
    """A PATCH merges into the proposal as stored once its row is locked, never into what it
    read before: while the row is held, two PATCHes read it, then each edits one field in
    turn, and neither edit is lost (issue 10 finding 1)."""
    import time

    from django.db import transaction
    from django.test import Client

    from cohort.core.tokens import create_api_token

    project = s.create_proposal(world.term, make_form(), actor=world.users["carol"])
    token = create_api_token(world.users["carol"], name="tests")[1]
    results: list[int] = []

    def patch(body: dict[str, str]) -> None:
        try:
            response = Client().patch(
                f"/api/v1/proposals/{project.pk}",
                body,
                content_type="application/json",
                headers={"Authorization": f"Bearer {token}"},
            )
            results.append(response.status_code)
        finally:
            connections.close_all()

    edits = [{"technologies": "Rust, Go"}, {"description": "A new description."}]
    threads = [threading.Thread(target=patch, args=(edit,)) for edit in edits]
    with transaction.atomic():
        Project.objects.select_for_update().get(pk=project.pk)  # hold the row
        for thread in threads:
            thread.start()
        time.sleep(1.0)  # both PATCHes have read the proposal and wait for the row
    for thread in threads:
        thread.join(timeout=60)
    assert results == [200, 200]
    form = proposal_form(Project.objects.get(pk=project.pk))
    assert form.technologies == "Rust, Go"
    assert form.description == "A new description."
