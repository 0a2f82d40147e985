"""A closed term's mentorships cannot change (issue 16): each service refuses with
TermClosedError and changes nothing; the periodic job leaves the term alone. mentee1 is active
on cilium and bob has submitted the midterm evaluation (not yet locked)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest

from cohort.core.models import User
from cohort.mentorship import services as m
from cohort.mentorship.models import Evaluation, EvaluationRound
from cohort.mentorship.tests.conftest import Placed
from cohort.stipends.tests.conftest import IN_MIDTERM, PASS, evaluate
from cohort.terms.services import TermClosedError
from cohort.terms.tests.closing import close, snapshot

pytestmark = pytest.mark.django_db


def _admin(w: Placed) -> User:
    return w.world.user("admin")


def _midterm(w: Placed) -> Evaluation:
    return Evaluation.objects.get(placement=w.placement, round__key="midterm")


CALLS: dict[str, Callable[[Placed], object]] = {
    "create_placement": lambda w: m.create_placement(w.placement.offer, _admin(w)),
    "activate_placement": lambda w: m.activate_placement(w.placement, actor=_admin(w)),
    "hold_placement": lambda w: m.hold_placement(w.placement, actor=_admin(w), reason="Ill."),
    "resume_placement": lambda w: m.resume_placement(w.placement, actor=_admin(w)),
    "withdraw_placement": lambda w: m.withdraw_placement(
        w.placement, actor=_admin(w), reason="Left."
    ),
    "fail_placement": lambda w: m.fail_placement(w.placement, actor=_admin(w), reason="No."),
    "graduate_placement": lambda w: m.graduate_placement(w.placement, actor=_admin(w)),
    "extend_placement": lambda w: m.extend_placement(
        w.placement, actor=_admin(w), weeks=2, reason="Ill.", now=IN_MIDTERM
    ),
    "submit_evaluation": lambda w: m.submit_evaluation(
        w.placement, actor=w.world.user("bob"), round_key="final", answers=PASS, now=IN_MIDTERM
    ),
    "edit_evaluation": lambda w: m.edit_evaluation(
        w.placement, actor=w.world.user("bob"), round_key="midterm", answers=PASS, now=IN_MIDTERM
    ),
    "lock_evaluation": lambda w: m.lock_evaluation(
        _midterm(w), now=_midterm(w).round.closes_at + timedelta(seconds=1)
    ),
    "reopen_evaluation": lambda w: m.reopen_evaluation(
        w.placement,
        actor=_admin(w),
        round_key="midterm",
        until=IN_MIDTERM + timedelta(days=30),
        reason="Late.",
        now=IN_MIDTERM,
    ),
    "override_evaluation": lambda w: m.override_evaluation(
        w.placement,
        actor=_admin(w),
        round_key="midterm",
        passed=False,
        reason="Wrong.",
        now=IN_MIDTERM,
    ),
    "submit_feedback": lambda w: m.submit_feedback(
        w.placement,
        actor=w.world.user("mentee1"),
        round_key="midterm",
        answers=m.FeedbackAnswers(mentor_rating=5, program_rating=5),
        now=IN_MIDTERM,
    ),
}


@pytest.fixture
def evaluated(active: Placed) -> Placed:
    evaluate(active, "midterm")
    close(active.world.term)
    return active


@pytest.mark.parametrize("name", sorted(CALLS))
def test_a_closed_terms_mentorships_cannot_change(evaluated: Placed, name: str) -> None:
    before = snapshot()
    with pytest.raises(TermClosedError, match="is closed"):
        CALLS[name](evaluated)
    assert snapshot() == before


def test_the_periodic_job_leaves_a_closed_term_alone(evaluated: Placed) -> None:
    closes = EvaluationRound.objects.get(placement=evaluated.placement, key="midterm").closes_at
    before = snapshot()
    assert m.lock_due_evaluations(closes + timedelta(days=1)) == 0
    assert snapshot() == before
