"""Evaluations under parallel requests (PostgreSQL: SQLite serialises all writers).

Run with DATABASE_URL=postgres://… pytest -p no:xdist cohort/mentorship/tests/test_concurrency.py
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

import pytest
import time_machine
from django.db import connection

from cohort.core.errors import ConflictError
from cohort.core.models import AuditEvent
from cohort.core.tests.threads import run_together
from cohort.mentorship import services as m
from cohort.mentorship.models import Evaluation, Feedback, Placement
from cohort.mentorship.tests.conftest import TERM_START, Placed, accept
from cohort.mentorship.tests.test_api import Api
from cohort.mentorship.tests.test_evaluations import FEEDBACK, IN_MIDTERM, PASS

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]

SUBMISSIONS = 10


def co_mentored(placed: Placed) -> Placement:
    """mentee2 on antrea, whose mentors are alice (primary) and bob, active."""
    placement = Placement.objects.get(offer=accept(placed.sel, "mentee2", "antrea"))
    m.activate_due_placements(TERM_START)
    placement.refresh_from_db()
    return placement


def test_ten_submissions_by_two_co_mentors_store_one_evaluation(placed: Placed) -> None:
    placement = co_mentored(placed)
    mentors = [placed.world.user("alice"), placed.world.user("bob")]

    def submit(i: int) -> int:
        answers = m.Answers(**{**vars(PASS), "passed": i % 2 == 0, "hours_per_week": i})
        evaluation = m.submit_evaluation(
            placement, actor=mentors[i % 2], round_key="midterm", answers=answers, now=IN_MIDTERM
        )
        return evaluation.pk

    works: list[Callable[[], Any]] = [partial(submit, i) for i in range(SUBMISSIONS)]
    done, failures = run_together(works)
    assert len(done) == 1, failures
    assert len(failures) == SUBMISSIONS - 1
    for failure in failures:
        assert isinstance(failure, ConflictError), repr(failure)
        assert failure.http_status == 409
        assert "already submitted by" in str(failure)
    (evaluation,) = Evaluation.objects.filter(placement=placement)
    assert evaluation.pk == done[0]
    assert AuditEvent.objects.filter(action="mentorship.evaluation.submitted").count() == 1


def test_a_double_click_on_the_feedback_stores_it_once(placed: Placed) -> None:
    placement = co_mentored(placed)
    mentee = placed.world.user("mentee2")

    def give() -> int:
        return m.submit_feedback(
            placement, actor=mentee, round_key="midterm", answers=FEEDBACK, now=IN_MIDTERM
        ).pk

    done, failures = run_together([give for _ in range(4)])
    assert len(done) == 1, failures
    assert len(failures) == 3, failures
    assert all(isinstance(f, ConflictError) for f in failures), failures
    assert Feedback.objects.filter(placement=placement).count() == 1


def test_ten_api_calls_by_two_co_mentors_get_one_201_and_nine_409s(placed: Placed) -> None:
    placement = co_mentored(placed)
    apis = [Api(placed.world.user("alice")), Api(placed.world.user("bob"))]
    body = {
        "round": "midterm",
        "passed": True,
        "progress": "on_track",
        "communication": "good",
        "hours_per_week": 15,
        "comments_for_mentee": "Keep going.",
        "private_comments": "",
    }

    def call(i: int) -> tuple[int, str]:
        response = apis[i % 2]("POST", f"/placements/{placement.pk}/evaluations", body)
        detail = response.json().get("detail", "") if response.status_code != 201 else ""
        return response.status_code, detail

    with time_machine.travel(IN_MIDTERM, tick=False):
        done, failures = run_together([partial(call, i) for i in range(SUBMISSIONS)])
    assert failures == []
    statuses = sorted(status for status, _ in done)
    assert statuses == [201] + [409] * (SUBMISSIONS - 1)
    for status, detail in done:
        if status == 409:
            assert "already submitted by" in detail, detail
    assert Evaluation.objects.filter(placement=placement).count() == 1
