"""The home page's next steps in the mentorship period: the mentor's evaluation to submit,
the mentee's feedback to give, and the admin's overdue evaluations, each gone once done."""

from __future__ import annotations

from datetime import datetime, timedelta

from cohort.mentorship import services as m
from cohort.mentorship.tests.conftest import MIDTERM_DUE, Placed
from cohort.mentorship.tests.test_evaluations import FEEDBACK, IN_MIDTERM, MIDTERM_OPENS, PASS
from cohort.web.next_steps import EVALUATE, OVERDUE, next_steps
from cohort.web.next_steps import FEEDBACK as GIVE_FEEDBACK


def steps(w: Placed, name: str, at: datetime) -> list[tuple[str, str, str]]:
    return [(s.kind, s.text, s.url) for s in next_steps(w.world.user(name), at)]


def test_the_mentor_is_asked_to_evaluate_while_the_round_is_open(active: Placed) -> None:
    p = active.placement
    url = f"/mentorship/placements/{p.pk}/evaluations/midterm/"
    assert steps(active, "bob", MIDTERM_OPENS - timedelta(seconds=1)) == []
    (step,) = next_steps(active.world.user("bob"), IN_MIDTERM)
    assert (step.kind, step.text, step.url) == (
        EVALUATE,
        "Submit the midterm evaluation of Mentee1",  # the profile's name
        url,
    )
    assert step.when == MIDTERM_DUE
    assert steps(active, "carol", IN_MIDTERM) == []  # another project's mentor
    m.submit_evaluation(
        p, actor=active.world.user("bob"), round_key="midterm", answers=PASS, now=IN_MIDTERM
    )
    assert steps(active, "bob", IN_MIDTERM) == []


def test_the_mentee_is_asked_for_feedback_until_they_give_it(active: Placed) -> None:
    p = active.placement
    assert [k for k, *_ in steps(active, "mentee1", IN_MIDTERM)] == [GIVE_FEEDBACK]
    assert steps(active, "mentee1", IN_MIDTERM)[0][1:] == (
        "Give your feedback for the midterm evaluation",
        f"/mentorship/placements/{p.pk}/feedback/midterm/",
    )
    m.submit_feedback(
        p,
        actor=active.world.user("mentee1"),
        round_key="midterm",
        answers=FEEDBACK,
        now=IN_MIDTERM,
    )
    assert steps(active, "mentee1", IN_MIDTERM) == []


def test_the_admin_is_asked_to_decide_overdue_evaluations(active: Placed) -> None:
    assert [k for k, *_ in steps(active, "admin", MIDTERM_DUE - timedelta(seconds=1))] == []
    overdue = [s for s in steps(active, "admin", MIDTERM_DUE) if s[0] == OVERDUE]
    assert overdue == [
        (
            OVERDUE,
            "Decide 1 overdue evaluation",
            f"/mentorship/terms/{active.world.term.pk}/overdue/",
        )
    ]
    assert [s for s in steps(active, "bob", MIDTERM_DUE) if s[0] == OVERDUE] == []
