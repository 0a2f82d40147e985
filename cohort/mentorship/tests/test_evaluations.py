"""Evaluation rounds, mentor evaluations, mentee feedback, extensions, pauses and the
completion page, through the services (issue 13 §2–§5). Instants are exact to the second:
each deadline is tried at `due - 1s` (taken) and at `due` (refused)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.db import IntegrityError, transaction

from cohort.core.errors import ConflictError, DomainError, NotAllowedError
from cohort.core.models import AuditEvent
from cohort.mentorship import hooks
from cohort.mentorship import services as m
from cohort.mentorship.access import Seat
from cohort.mentorship.models import (
    Evaluation,
    EvaluationPolicy,
    EvaluationRound,
    Feedback,
    Placement,
)
from cohort.mentorship.queries import mentee_placements, overdue_rounds, round_views
from cohort.mentorship.tests.conftest import (
    FINAL_DUE,
    MIDTERM_DUE,
    TERM_START,
    Placed,
    accept,
    add_mentorship_dates,
    offers_announced,
)
from cohort.terms.models import Milestone

S = Placement.Status
E = Evaluation.Status
SECOND = timedelta(seconds=1)
MIDTERM_OPENS = datetime(2024, 10, 2, 0, 0, tzinfo=UTC)  # Oct 1 5:00 PM PDT, 14 days before
IN_MIDTERM = MIDTERM_OPENS + timedelta(days=3)
IN_FINAL = FINAL_DUE - timedelta(days=2)

PASS = m.Answers(
    passed=True,
    progress="on_track",
    communication="good",
    hours_per_week=20,
    comments_for_mentee="Great start on the exporter.",
    private_comments="Needed a nudge on tests.",
)
FAIL = m.Answers(passed=False, comments_for_mentee="We did not see work.")
FEEDBACK = m.FeedbackAnswers(mentor_rating=5, program_rating=4, mentor_comments="Helpful.")
FINAL_FEEDBACK = m.FeedbackAnswers(
    mentor_rating=5,
    program_rating=5,
    blog_url="https://blog.example.org/my-lfx-term",
    work_links=[
        "https://github.com/cilium/cilium/pull/1",
        " https://github.com/cilium/cilium/issues/2 ",
    ],
)


def rounds(p: Placement) -> dict[str, EvaluationRound]:
    return {r.key: r for r in EvaluationRound.objects.filter(placement=p)}


def evaluate(w: Placed, key: str = "midterm", answers: m.Answers = PASS, **kw) -> Evaluation:
    return m.submit_evaluation(
        w.placement,
        actor=w.world.user(kw.pop("who", "bob")),
        round_key=key,
        answers=answers,
        now=kw.pop("now", IN_MIDTERM),
    )


# --- rounds from the policy --------------------------------------------------------------------


def test_the_seed_terms_rounds_are_due_at_its_timelines_evaluation_deadlines(active: Placed):
    p = active.placement
    assert p.policy is not None
    assert p.policy.slug == "lfx-full-time"
    assert p.policy.is_default
    r = rounds(p)
    assert list(r) == ["midterm", "final"]
    assert (r["midterm"].due_at, r["midterm"].closes_at) == (MIDTERM_DUE, MIDTERM_DUE)
    assert r["final"].due_at == FINAL_DUE
    assert r["final"].final
    assert r["midterm"].opens_at == MIDTERM_OPENS


def test_without_evaluation_milestones_the_rounds_fall_by_week_in_the_terms_zone(ready):
    add_mentorship_dates(ready.world)
    Milestone.objects.filter(key__in=["midterm_evals", "final_evals"]).delete()
    offers_announced(ready)
    p = Placement.objects.get(offer=accept(ready, "mentee1", "cilium"))
    r = rounds(p)
    assert r["midterm"].due_at == datetime(2024, 10, 22, 0, 0, tzinfo=UTC)  # Oct 21 5 PM PDT
    assert r["final"].due_at == datetime(2024, 12, 3, 1, 0, tzinfo=UTC)  # Dec 2 5 PM PST


def test_a_program_that_chose_the_part_time_policy_plans_four_rounds(ready):
    program = ready.world.term.program
    admin = ready.world.user("admin")
    with pytest.raises(NotAllowedError):
        m.install_policy(program, "lfx-part-time", actor=ready.world.user("bob"))
    with pytest.raises(DomainError, match="not a known policy"):
        m.install_policy(program, "lfx-forever", actor=admin)
    m.install_policy(program, "lfx-full-time", actor=admin)
    policy = m.install_policy(program, "lfx-part-time", actor=admin)
    assert m.install_policy(program, "lfx-part-time", actor=admin).pk == policy.pk  # idempotent
    assert list(EvaluationPolicy.objects.filter(is_default=True)) == [policy]
    assert [(r.key, r.week) for r in policy.rounds.all()] == [
        ("week-6", 6),
        ("week-12", 12),
        ("week-18", 18),
        ("week-24", 24),
    ]
    add_mentorship_dates(ready.world)
    offers_announced(ready)
    p = Placement.objects.get(offer=accept(ready, "mentee1", "cilium"))
    assert [r.key for r in EvaluationRound.objects.filter(placement=p)] == [
        "week-6",
        "week-12",
        "week-18",
        "week-24",
    ]
    assert rounds(p)["week-24"].due_at == datetime(2025, 2, 25, 1, 0, tzinfo=UTC)  # 5 PM PST
    assert AuditEvent.objects.filter(action="mentorship.policy.default").count() == 2


def test_a_policys_rows_keep_one_default_per_program(ready):
    program = ready.world.term.program
    m.install_policy(program, "gsoc", actor=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        EvaluationPolicy.objects.create(
            program=program, slug="other", name="Other", weeks=10, is_default=True
        )


# --- mentor evaluations ------------------------------------------------------------------------


def test_a_mentor_evaluates_an_open_round_to_the_second(active: Placed):
    with pytest.raises(DomainError, match="opens"):
        evaluate(active, now=MIDTERM_OPENS - SECOND)
    with pytest.raises(DomainError, match="closed"):
        evaluate(active, now=MIDTERM_DUE)
    evaluation = evaluate(active, now=MIDTERM_DUE - SECOND)
    assert evaluation.status == E.SUBMITTED
    assert evaluation.passed
    assert evaluation.mentor_passed
    assert evaluation.author == active.world.user("bob")
    assert (evaluation.progress, evaluation.hours_per_week) == ("on_track", 20)
    assert evaluation.settled_at is None
    assert AuditEvent.objects.filter(action="mentorship.evaluation.submitted").count() == 1


def test_only_a_mentor_of_the_project_evaluates(active: Placed):
    for who in ("mentee1", "alice", "carol", "outsider", "admin"):
        with pytest.raises(NotAllowedError):
            evaluate(active, who=who)
    assert not Evaluation.objects.exists()


def test_one_evaluation_per_round_a_second_is_a_conflict(active: Placed):
    evaluate(active)
    with pytest.raises(ConflictError, match="already submitted by bob"):
        evaluate(active, answers=FAIL)
    assert Evaluation.objects.get().passed
    r = rounds(active.placement)["midterm"]
    with pytest.raises(IntegrityError), transaction.atomic():
        Evaluation.objects.create(
            round=r, placement=active.placement, passed=False, submitted_at=IN_MIDTERM
        )


def test_the_evaluation_is_editable_until_its_round_closes_then_locked(active: Placed):
    evaluate(active)
    bob = active.world.user("bob")
    edited = m.edit_evaluation(
        active.placement, actor=bob, round_key="midterm", answers=FAIL, now=MIDTERM_DUE - SECOND
    )
    assert (edited.passed, edited.comments_for_mentee, edited.private_comments) == (
        False,
        "We did not see work.",
        "",
    )
    with pytest.raises(DomainError, match="closed"):
        m.edit_evaluation(
            active.placement, actor=bob, round_key="midterm", answers=PASS, now=MIDTERM_DUE
        )
    with pytest.raises(NotAllowedError):
        m.edit_evaluation(
            active.placement,
            actor=active.world.user("mentee1"),
            round_key="midterm",
            answers=PASS,
            now=IN_MIDTERM,
        )


def test_the_answers_are_checked(active: Placed):
    for answers, message in (
        (m.Answers(passed=True, progress="great"), "progress"),
        (m.Answers(passed=True, communication="loud"), "communication"),
        (m.Answers(passed=True, hours_per_week=81), "between 0 and 80"),
        (m.Answers(passed=True, comments_for_mentee="x" * 10_001), "Comments for the mentee"),
    ):
        with pytest.raises(DomainError, match=message):
            evaluate(active, answers=answers)
    assert not Evaluation.objects.exists()


def test_a_midterm_pass_locks_at_the_deadline_and_keeps_the_placement_going(active: Placed):
    evaluate(active)
    settled: list[int] = []
    handler = hooks.on_evaluation_settled(lambda e, actor: settled.append(e.pk))
    try:
        assert m.lock_due_evaluations(MIDTERM_DUE - SECOND) == 0
        assert m.lock_due_evaluations(MIDTERM_DUE) == 1
        assert m.lock_due_evaluations(MIDTERM_DUE + timedelta(hours=1)) == 0  # idempotent
    finally:
        hooks._handlers.remove(handler)
    evaluation = Evaluation.objects.get()
    assert (evaluation.status, evaluation.settled_at) == (E.LOCKED, MIDTERM_DUE)
    assert settled == [evaluation.pk]
    active.placement.refresh_from_db()
    assert active.placement.status == S.ACTIVE


def test_a_midterm_fail_ends_the_placement_when_it_locks(active: Placed):
    evaluate(active, answers=FAIL)
    active.placement.refresh_from_db()
    assert active.placement.status == S.ACTIVE  # the mentors may still change their minds
    m.lock_due_evaluations(MIDTERM_DUE)
    active.placement.refresh_from_db()
    assert active.placement.status == S.FAILED
    assert "midterm" in active.placement.outcome_note.lower()


def test_a_final_pass_graduates(active: Placed):
    evaluate(active)
    m.lock_due_evaluations(MIDTERM_DUE)
    evaluate(active, key="final", now=IN_FINAL)
    m.lock_due_evaluations(FINAL_DUE)
    active.placement.refresh_from_db()
    assert active.placement.status == S.GRADUATED
    assert [e.status for e in Evaluation.objects.order_by("id")] == [E.LOCKED, E.LOCKED]


def test_a_missing_evaluation_never_passes_it_shows_as_overdue(active: Placed):
    assert overdue_rounds(MIDTERM_DUE - SECOND) == []
    assert m.lock_due_evaluations(MIDTERM_DUE + timedelta(days=3)) == 0
    (late,) = overdue_rounds(MIDTERM_DUE)
    assert late.key == "midterm"
    assert late.placement_id == active.placement.pk
    active.placement.refresh_from_db()
    assert active.placement.status == S.ACTIVE
    with pytest.raises(DomainError, match="reopen"):
        evaluate(active, now=MIDTERM_DUE)


def test_an_admin_reopens_an_overdue_round_for_the_mentors(active: Placed):
    admin = active.world.user("admin")
    until = MIDTERM_DUE + timedelta(days=5)
    with pytest.raises(NotAllowedError):
        m.reopen_evaluation(
            active.placement,
            actor=active.world.user("bob"),
            round_key="midterm",
            until=until,
            reason="Late.",
            now=MIDTERM_DUE,
        )
    with pytest.raises(DomainError, match="required"):
        m.reopen_evaluation(
            active.placement,
            actor=admin,
            round_key="midterm",
            until=until,
            reason=" ",
            now=MIDTERM_DUE,
        )
    m.reopen_evaluation(
        active.placement,
        actor=admin,
        round_key="midterm",
        until=until,
        reason="Mentor was travelling.",
        now=MIDTERM_DUE,
    )
    assert overdue_rounds(MIDTERM_DUE + timedelta(days=1)) == []
    evaluate(active, now=until - SECOND)
    with pytest.raises(DomainError, match="closed"):
        m.edit_evaluation(
            active.placement,
            actor=active.world.user("bob"),
            round_key="midterm",
            answers=FAIL,
            now=until,
        )
    assert m.lock_due_evaluations(until) == 1
    event = AuditEvent.objects.get(action="mentorship.round.reopened")
    assert event.note == "Mentor was travelling."
    assert event.actor == admin


def test_an_admin_reopens_a_locked_evaluation_and_it_settles_again(active: Placed):
    evaluate(active)
    m.lock_due_evaluations(MIDTERM_DUE)
    admin = active.world.user("admin")
    until = MIDTERM_DUE + timedelta(days=2)
    m.reopen_evaluation(
        active.placement,
        actor=admin,
        round_key="midterm",
        until=until,
        reason="Wrong mentee picked.",
        now=MIDTERM_DUE + SECOND,
    )
    evaluation = Evaluation.objects.get()
    assert (evaluation.status, evaluation.settled_at) == (E.REOPENED, None)
    m.edit_evaluation(
        active.placement,
        actor=active.world.user("bob"),
        round_key="midterm",
        answers=FAIL,
        now=until - SECOND,
    )
    m.lock_due_evaluations(until)
    evaluation.refresh_from_db()
    assert (evaluation.status, evaluation.passed, evaluation.settled_at) == (E.LOCKED, False, until)
    active.placement.refresh_from_db()
    assert active.placement.status == S.FAILED
    with pytest.raises(DomainError, match="final"):
        m.reopen_evaluation(
            active.placement,
            actor=admin,
            round_key="midterm",
            until=until + timedelta(days=1),
            reason="Again.",
            now=until,
        )


def test_an_admin_decides_an_overdue_round_or_overrides_the_mentors(active: Placed):
    admin = active.world.user("admin")
    with pytest.raises(DomainError, match="required"):
        m.override_evaluation(
            active.placement,
            actor=admin,
            round_key="midterm",
            passed=True,
            reason="",
            now=MIDTERM_DUE,
        )
    decided = m.override_evaluation(
        active.placement,
        actor=admin,
        round_key="midterm",
        passed=True,
        reason="Mentor confirmed by e-mail.",
        now=MIDTERM_DUE,
    )
    assert (decided.status, decided.passed, decided.mentor_passed) == (E.OVERRIDDEN, True, None)
    assert decided.settled_at == MIDTERM_DUE
    assert decided.author is None
    assert overdue_rounds(MIDTERM_DUE) == []
    # The final round: the mentors pass, the admin overrides to a fail; the placement fails.
    evaluate(active, key="final", now=IN_FINAL)
    m.override_evaluation(
        active.placement,
        actor=admin,
        round_key="final",
        passed=False,
        reason="Plagiarised work.",
        now=IN_FINAL + SECOND,
    )
    final = Evaluation.objects.get(round__key="final")
    assert (final.passed, final.mentor_passed, final.override_reason) == (
        False,
        True,
        "Plagiarised work.",
    )
    active.placement.refresh_from_db()
    assert active.placement.status == S.FAILED
    assert active.placement.outcome_note == (
        "The final evaluation was not passed (decided by a program admin)."
    )
    assert AuditEvent.objects.filter(
        action="mentorship.placement.failed", note="Plagiarised work."
    ).exists()
    assert AuditEvent.objects.filter(action="mentorship.evaluation.overridden").count() == 2


# The evaluation's edges, written out by hand (decision 0012), not read from the model.
EVALUATION_EDGES = {
    (E.SUBMITTED, E.LOCKED),
    (E.SUBMITTED, E.OVERRIDDEN),
    (E.LOCKED, E.REOPENED),
    (E.LOCKED, E.OVERRIDDEN),
    (E.REOPENED, E.LOCKED),
    (E.REOPENED, E.OVERRIDDEN),
    (E.OVERRIDDEN, E.REOPENED),
}


def test_the_evaluation_table_allows_its_edges_and_no_other(active: Placed):
    evaluate(active)
    evaluation = Evaluation.objects.get()
    for source in E.values:
        evaluation.status = source
        for target in E.values:
            allowed = (source, target) in EVALUATION_EDGES
            assert evaluation.can_become(target) is allowed, (source, target)
    evaluation.refresh_from_db()
    with pytest.raises(DomainError, match="still open"):
        m.lock_evaluation(evaluation, now=IN_MIDTERM)


def test_evaluations_are_taken_only_from_an_active_placement(active: Placed):
    admin = active.world.user("admin")
    m.hold_placement(active.placement, actor=admin, reason="Sick leave.", now=IN_MIDTERM)
    with pytest.raises(DomainError, match="on hold"):
        evaluate(active)


# --- the mentee's feedback ---------------------------------------------------------------------


def test_the_mentee_gives_feedback_once_late_feedback_is_marked(active: Placed):
    mentee = active.world.user("mentee1")
    for who in ("bob", "admin", "mentee2"):
        with pytest.raises(NotAllowedError):
            m.submit_feedback(
                active.placement,
                actor=active.world.user(who),
                round_key="midterm",
                answers=FEEDBACK,
                now=IN_MIDTERM,
            )
    with pytest.raises(DomainError, match="opens"):
        m.submit_feedback(
            active.placement,
            actor=mentee,
            round_key="midterm",
            answers=FEEDBACK,
            now=MIDTERM_OPENS - SECOND,
        )
    on_time = m.submit_feedback(
        active.placement,
        actor=mentee,
        round_key="midterm",
        answers=FEEDBACK,
        now=MIDTERM_DUE - SECOND,
    )
    assert not on_time.late
    assert on_time.mentor_rating == 5
    with pytest.raises(ConflictError):
        m.submit_feedback(
            active.placement, actor=mentee, round_key="midterm", answers=FEEDBACK, now=IN_MIDTERM
        )
    late = m.submit_feedback(
        active.placement, actor=mentee, round_key="final", answers=FINAL_FEEDBACK, now=FINAL_DUE
    )
    assert late.late
    assert late.work_links == [
        "https://github.com/cilium/cilium/pull/1",
        "https://github.com/cilium/cilium/issues/2",
    ]
    assert Feedback.objects.count() == 2


def test_the_final_feedback_needs_the_blog_and_the_work_as_web_addresses(active: Placed):
    mentee = active.world.user("mentee1")

    def give(**changes) -> None:
        answers = m.FeedbackAnswers(**{**vars(FINAL_FEEDBACK), **changes})
        m.submit_feedback(
            active.placement, actor=mentee, round_key="final", answers=answers, now=IN_FINAL
        )

    for changes, message in (
        ({"blog_url": ""}, "blog post"),
        ({"work_links": []}, "at least one link"),
        ({"blog_url": "javascript:alert(1)"}, "web address"),
        ({"work_links": ["ftp://example.org/x"]}, "web address"),
        ({"work_links": ["not a url"]}, "web address"),
        ({"mentor_rating": 0}, "from 1 to 5"),
        ({"work_links": [f"https://example.org/{i}" for i in range(31)]}, "at most 30"),
    ):
        with pytest.raises(DomainError, match=message):
            give(**changes)
    assert not Feedback.objects.exists()
    give()
    assert Feedback.objects.get().blog_url == "https://blog.example.org/my-lfx-term"


# --- the placement's own dates -----------------------------------------------------------------


def test_an_extension_moves_this_placements_dates_not_anyone_elses(active: Placed):
    other = Placement.objects.get(offer=accept(active.sel, "mentee2", "antrea"))
    admin = active.world.user("admin")
    now = MIDTERM_DUE + timedelta(days=1)  # the midterm is behind it
    before_mine, before_other = rounds(active.placement), rounds(other)
    ends = active.placement.ends_at
    assert ends is not None
    with pytest.raises(NotAllowedError):
        m.extend_placement(
            active.placement, actor=active.world.user("bob"), weeks=2, reason="x", now=now
        )
    with pytest.raises(DomainError, match="required"):
        m.extend_placement(active.placement, actor=admin, weeks=2, reason="", now=now)
    with pytest.raises(DomainError, match="1 to 52"):
        m.extend_placement(active.placement, actor=admin, weeks=0, reason="x", now=now)
    m.extend_placement(active.placement, actor=admin, weeks=2, reason="Exams.", now=now)
    after = rounds(active.placement)
    assert after["midterm"].due_at == before_mine["midterm"].due_at  # already due: stays
    assert after["final"].due_at == FINAL_DUE + timedelta(days=14)
    assert after["final"].closes_at == after["final"].due_at
    active.placement.refresh_from_db()
    assert active.placement.extended_weeks == 2
    assert active.placement.ends_at == ends + timedelta(days=14)
    assert {k: r.due_at for k, r in rounds(other).items()} == {
        k: r.due_at for k, r in before_other.items()
    }
    event = AuditEvent.objects.get(action="mentorship.placement.extended")
    assert (event.note, event.data["weeks"]) == ("Exams.", 2)
    with pytest.raises(DomainError, match="1 to 50"):
        m.extend_placement(active.placement, actor=admin, weeks=51, reason="x", now=now)


def test_a_pause_moves_the_dates_ahead_by_its_length_in_local_days(active: Placed):
    admin = active.world.user("admin")
    start = datetime(2024, 10, 20, 12, 0, tzinfo=UTC)
    m.hold_placement(active.placement, actor=admin, reason="Surgery.", now=start)
    m.resume_placement(
        active.placement, actor=admin, note="Back.", now=start + timedelta(days=9, hours=1)
    )
    active.placement.refresh_from_db()
    assert (active.placement.paused_days, active.placement.held_since) == (10, None)
    final = rounds(active.placement)["final"]
    # The page's "Nov 26 5:00 PM PDT" is 4:00 PM PST in Los Angeles; 10 local days later, the
    # same wall-clock time: Dec 6, 4:00 PM PST.
    assert final.due_at == datetime(2024, 12, 7, 0, 0, tzinfo=UTC)
    assert rounds(active.placement)["midterm"].due_at == MIDTERM_DUE  # due before the pause
    assert AuditEvent.objects.filter(action="mentorship.placement.paused").get().data["days"] == 10


# --- the completion page -----------------------------------------------------------------------


def test_a_graduate_shares_a_completion_page_at_a_secret_address_and_revokes_it(active: Placed):
    mentee = active.world.user("mentee1")
    with pytest.raises(DomainError, match="graduated"):
        m.share_completion(active.placement, actor=mentee)
    m.graduate_placement(active.placement, actor=active.world.user("admin"))
    with pytest.raises(NotAllowedError):
        m.share_completion(active.placement, actor=active.world.user("bob"))
    first = m.share_completion(active.placement, actor=mentee).share_token
    assert first
    assert len(first) >= 43
    assert m.share_completion(active.placement, actor=mentee).share_token == first
    assert m.unshare_completion(active.placement, actor=mentee).share_token is None
    second = m.share_completion(active.placement, actor=mentee).share_token
    assert second
    assert second != first


def test_a_round_opening_is_announced_once(active: Placed):
    assert m.announce_open_rounds(MIDTERM_OPENS - SECOND) == 0
    assert m.announce_open_rounds(MIDTERM_OPENS) == 1
    assert m.announce_open_rounds(MIDTERM_OPENS + timedelta(hours=1)) == 0
    assert rounds(active.placement)["midterm"].announced_at == MIDTERM_OPENS


def test_rounds_due_during_a_pause_are_not_overdue_and_move_when_it_resumes(active: Placed):
    admin = active.world.user("admin")
    held = datetime(2024, 10, 10, 12, 0, tzinfo=UTC)  # before the midterm is due (Oct 16)
    m.hold_placement(active.placement, actor=admin, reason="Surgery.", now=held)
    assert overdue_rounds(MIDTERM_DUE + timedelta(days=1)) == []
    m.resume_placement(active.placement, actor=admin, now=held + timedelta(days=10))
    moved = rounds(active.placement)["midterm"]
    assert moved.due_at == MIDTERM_DUE + timedelta(days=10)
    assert overdue_rounds(moved.due_at - SECOND) == []
    assert [r.pk for r in overdue_rounds(moved.due_at)] == [moved.pk]


def test_a_round_that_closed_before_the_pause_stays_overdue(active: Placed):
    admin = active.world.user("admin")
    m.hold_placement(
        active.placement, actor=admin, reason="Surgery.", now=MIDTERM_DUE + timedelta(days=1)
    )
    (late,) = overdue_rounds(MIDTERM_DUE + timedelta(days=2))
    assert late.key == "midterm"
    m.resume_placement(active.placement, actor=admin, now=MIDTERM_DUE + timedelta(days=8))
    assert rounds(active.placement)["midterm"].due_at == MIDTERM_DUE


def test_a_final_pass_settled_on_hold_graduates_when_it_resumes(active: Placed):
    admin = active.world.user("admin")
    m.hold_placement(active.placement, actor=admin, reason="Visa.", now=IN_FINAL)
    m.override_evaluation(
        active.placement,
        actor=admin,
        round_key="final",
        passed=True,
        reason="The work is merged; the mentor agreed by e-mail.",
        now=IN_FINAL,
    )
    active.placement.refresh_from_db()
    assert active.placement.status == S.ON_HOLD
    m.resume_placement(active.placement, actor=admin, now=IN_FINAL + timedelta(days=1))
    active.placement.refresh_from_db()
    assert active.placement.status == S.GRADUATED


def test_a_round_missed_by_an_ended_placement_is_closed_not_overdue(active: Placed):
    admin = active.world.user("admin")
    m.withdraw_placement(active.placement, actor=admin, reason="Took a job.")
    p = Placement.objects.prefetch_related("rounds").get(pk=active.placement.pk)
    states = {v.key: v.state for v in round_views(p, Seat.ADMIN, MIDTERM_DUE)}
    assert states == {"midterm": "closed", "final": "upcoming"}
    assert overdue_rounds(MIDTERM_DUE) == []


def test_the_dates_ahead_are_the_placements_own_after_an_extension(active: Placed):
    m.extend_placement(
        active.placement, actor=active.world.user("admin"), weeks=2, reason="Exams.", now=IN_FINAL
    )
    (row,) = mentee_placements(active.world.user("mentee1"), IN_FINAL)
    ahead = {d.key: d for d in row.ahead}
    assert "final_evals" not in ahead  # the term's deadline, replaced by the placement's round
    assert ahead["round:final"].closes.at == FINAL_DUE + timedelta(days=14)
    assert ahead["round:final"].label == "Final evaluation and your feedback due"
    assert ahead["term_end"].label == "Last day of your mentorship"
    assert row.next_due is not None
    assert row.next_due.key == "round:final"


def test_a_deadline_after_the_dst_change_is_exact_to_the_second(ready):
    """Without the evaluation milestones the final round falls by week: Dec 2, 2024, 5:00 PM
    PST (01:00 UTC on Dec 3), after Los Angeles left PDT on Nov 3; its opening, 14 local days
    before, is 5:00 PM PST too."""
    add_mentorship_dates(ready.world)
    Milestone.objects.filter(key__in=["midterm_evals", "final_evals"]).delete()
    offers_announced(ready)
    placed = Placed(ready, Placement.objects.get(offer=accept(ready, "mentee1", "cilium")))
    m.activate_due_placements(TERM_START)
    override = m.override_evaluation(
        placed.placement,
        actor=ready.world.user("admin"),
        round_key="midterm",
        passed=True,
        reason="Passed in person.",
        now=datetime(2024, 10, 22, 1, 0, tzinfo=UTC),
    )
    assert override.settled_at is not None
    final = rounds(placed.placement)["final"]
    due = datetime(2024, 12, 3, 1, 0, tzinfo=UTC)
    assert (final.due_at, final.opens_at) == (due, datetime(2024, 11, 19, 1, 0, tzinfo=UTC))
    with pytest.raises(DomainError, match="closed"):
        evaluate(placed, key="final", now=due)
    evaluation = evaluate(placed, key="final", now=due - SECOND)
    assert evaluation.submitted_at == due - SECOND
    assert m.lock_due_evaluations(due - SECOND) == 0
    assert m.lock_due_evaluations(due) == 1
