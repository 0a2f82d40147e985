"""A placement whose midterm evaluation passed and settled: the mentorship scenario of
cohort/mentorship/tests/conftest.py (mentee1 on cilium, mentored by bob; `admin` administers
the program), with bob's passing midterm locked when its round closed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from cohort.applications.tests.conftest import World, in_window, world  # noqa: F401
from cohort.mentorship import services as m
from cohort.mentorship.models import Evaluation, EvaluationRound, Placement
from cohort.mentorship.tests.conftest import (  # noqa: F401 (fixtures)
    FINAL_DUE,
    MIDTERM_DUE,
    Placed,
    active,
    placed,
)
from cohort.selection.tests.conftest import ready  # noqa: F401
from cohort.stipends.models import Payment

IN_MIDTERM = datetime(2024, 10, 5, 0, 0, tzinfo=UTC)
IN_FINAL = FINAL_DUE - timedelta(days=2)
AFTER_MIDTERM = MIDTERM_DUE + timedelta(seconds=1)
AFTER_FINAL = FINAL_DUE + timedelta(seconds=1)
PASS = m.Answers(passed=True, comments_for_mentee="Good work.")
FAIL = m.Answers(passed=False, comments_for_mentee="No work seen.")


def evaluate(w: Placed, key: str, answers: m.Answers = PASS) -> Evaluation:
    at = IN_MIDTERM if key == "midterm" else IN_FINAL
    return m.submit_evaluation(
        w.placement, actor=w.world.user("bob"), round_key=key, answers=answers, now=at
    )


def settle(w: Placed, key: str, answers: m.Answers = PASS) -> Evaluation:
    """Bob submits the round's evaluation and it locks when the round closes."""
    evaluation = evaluate(w, key, answers)
    closes = EvaluationRound.objects.get(placement=w.placement, key=key).closes_at
    return m.lock_evaluation(evaluation, now=closes + timedelta(seconds=1))


@pytest.fixture
def midterm_paid(active: Placed) -> Placed:  # noqa: F811
    """`active` with its midterm passed and settled: one pending payment."""
    settle(active, "midterm")
    assert Payment.objects.filter(placement=active.placement).count() == 1
    return active


def payment_of(placement: Placement, installment: int = 1) -> Payment:
    return Payment.objects.get(placement=placement, installment=installment)
