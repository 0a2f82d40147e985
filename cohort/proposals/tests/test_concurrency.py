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
    warnings = s.review(last).validation.warnings
    assert any(f"has {THREADS} proposals" in w for w in warnings), warnings
