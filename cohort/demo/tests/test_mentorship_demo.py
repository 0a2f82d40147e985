"""The demo's mentorship period: a term whose midterm is open for one mentee, passed, failed
and overdue for the others, whatever the time of day it is loaded; a finished term with a
graduate who shares their completion page; the demo mentees of the earlier stages stay free
to apply; and loading it again changes nothing."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client

from cohort.applications.access import bars_from_applying
from cohort.applications.models import Application
from cohort.core.errors import DomainError
from cohort.core.models import AuditEvent, User
from cohort.demo.live import LIVE_PROGRAM, load_live_demo
from cohort.demo.mentorship import (
    COMPLETED_PROGRAM,
    FAILED,
    GRADUATED,
    MENTORSHIP_PROGRAM,
    OPEN,
    OVERDUE,
    PASSED,
    PROFILES,
    MentorshipDemo,
    load_mentorship_demo,
)
from cohort.demo.phases import REVIEW_PROGRAM, SELECTION_PROGRAM
from cohort.mentorship import queries
from cohort.mentorship import services as mentorship
from cohort.mentorship.models import (
    Evaluation,
    EvaluationRound,
    EvaluationStatus,
    Feedback,
    Placement,
    PlacementStatus,
)
from cohort.notifications.models import Notification
from cohort.terms.models import Term, TermStage

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 12, 6, 1, 57, 30, tzinfo=UTC)  # a frozen "now", as in test_live


@pytest.fixture
def users(settings) -> None:
    """The reference demo with DEBUG's users (their profiles and résumés)."""
    settings.COHORT_DEMO_USERS = True
    from cohort.demo.applications import load_demo_applications
    from cohort.projects.demo import load_demo

    load_demo_applications(load_demo().imported.term)


def user(name: str) -> User:
    return User.objects.get(username=name)


def placement_of(result: MentorshipDemo, scenario: str) -> Placement:
    placement = result.placement(scenario)
    assert placement is not None, scenario
    placement.refresh_from_db()
    return placement


def midterm(placement: Placement) -> EvaluationRound:
    return EvaluationRound.objects.get(placement=placement, key="midterm")


def snapshot() -> dict[str, list[tuple[object, ...]]]:
    return {
        "users": list(User.objects.order_by("pk").values_list("pk", "username", "password")),
        "terms": list(Term.objects.order_by("pk").values_list("pk", "title", "updated_at")),
        "applications": list(
            Application.objects.order_by("pk").values_list("pk", "status", "updated_at")
        ),
        "placements": list(
            Placement.objects.order_by("pk").values_list(
                "pk", "status", "ends_at", "extended_weeks", "share_token", "updated_at"
            )
        ),
        "rounds": list(
            EvaluationRound.objects.order_by("pk").values_list(
                "pk", "opens_at", "due_at", "closes_at"
            )
        ),
        "evaluations": list(
            Evaluation.objects.order_by("pk").values_list("pk", "status", "passed", "settled_at")
        ),
        "feedback": list(Feedback.objects.order_by("pk").values_list("pk", "late")),
        "audit": list(AuditEvent.objects.order_by("pk").values_list("pk")),
        "outbox": list(Notification.objects.order_by("pk").values_list("pk")),
    }


@pytest.mark.parametrize(("hour", "minute"), [(0, 0), (16, 59), (17, 0), (23, 59)])
def test_each_scenario_holds_at_any_time_of_day(users, hour, minute):
    now = NOW.replace(hour=hour, minute=minute)
    result = load_mentorship_demo(now)
    assert result.skipped == []
    stages = {t.term.program.name: t.term.stage_at(now) for t in result.terms}
    assert stages == {
        MENTORSHIP_PROGRAM: TermStage.IN_PROGRESS,
        COMPLETED_PROGRAM: TermStage.COMPLETED,
    }

    # Open now: the extension moved its midterm a week later; nobody evaluated it yet.
    open_ = placement_of(result, OPEN)
    assert (open_.mentee.username, open_.status, open_.extended_weeks) == (
        "mentee4",
        PlacementStatus.ACTIVE,
        1,
    )
    assert midterm(open_).is_open(now)
    assert not Evaluation.objects.filter(placement=open_).exists()

    # Passed: locked at the round's close, settled, the placement still active.
    passed = placement_of(result, PASSED)
    evaluation = Evaluation.objects.get(round=midterm(passed))
    assert passed.status == PlacementStatus.ACTIVE
    assert (evaluation.status, evaluation.passed) == (EvaluationStatus.LOCKED, True)
    assert evaluation.settled_at == midterm(passed).closes_at < now
    assert evaluation.private_comments
    assert evaluation.comments_for_mentee
    assert Feedback.objects.get(round=midterm(passed)).late is False

    # Failed: the midterm's fail ended the placement; the feedback came late.
    failed = placement_of(result, FAILED)
    evaluation = Evaluation.objects.get(round=midterm(failed))
    assert failed.status == PlacementStatus.FAILED
    assert (evaluation.status, evaluation.passed) == (EvaluationStatus.LOCKED, False)
    assert Feedback.objects.get(round=midterm(failed)).late is True

    # Overdue: the round closed with no evaluation, and the admins' list says so.
    overdue = placement_of(result, OVERDUE)
    assert overdue.status == PlacementStatus.ACTIVE
    term = overdue.term
    rows = queries.term_overdue(term, now)
    assert [(r.round.placement_id, r.round.key) for r in rows] == [(overdue.pk, "midterm")]
    assert rows[0].mentee_name == PROFILES["mentee7"].name

    # The term's other placements are all active.
    statuses = dict(Placement.objects.filter(term=term).values_list("mentee__username", "status"))
    assert statuses == {
        "mentee4": PlacementStatus.ACTIVE,
        "mentee5": PlacementStatus.ACTIVE,
        "mentee6": PlacementStatus.FAILED,
        "mentee7": PlacementStatus.ACTIVE,
        "mentee9": PlacementStatus.ACTIVE,
        "mentee10": PlacementStatus.ACTIVE,
    }

    # Graduated in the finished term, both rounds passed, the completion page shared.
    graduate = placement_of(result, GRADUATED)
    assert (graduate.mentee.username, graduate.status) == ("mentee8", PlacementStatus.GRADUATED)
    assert graduate.term.program.name == COMPLETED_PROGRAM
    results = list(
        Evaluation.objects.filter(placement=graduate)
        .order_by("round__position")
        .values_list("round__key", "status", "passed")
    )
    assert results == [
        ("midterm", EvaluationStatus.LOCKED, True),
        ("final", EvaluationStatus.LOCKED, True),
    ]
    final = Feedback.objects.get(placement=graduate, round__key="final")
    assert final.blog_url.startswith("https://")
    assert final.work_links
    assert graduate.share_token
    page = queries.completion_page(graduate.share_token)
    assert page is not None
    assert page.mentee_name == PROFILES["mentee8"].name
    assert page.program == COMPLETED_PROGRAM


def test_the_mentor_can_evaluate_the_open_midterm_and_the_mentee_give_feedback(users):
    """What the browser suite does, through the services: the demo leaves it possible."""
    result = load_mentorship_demo(NOW)
    placement = placement_of(result, OPEN)
    evaluation = mentorship.submit_evaluation(
        placement,
        actor=user("mentor"),
        round_key="midterm",
        answers=mentorship.Answers(passed=True, comments_for_mentee="Good work."),
        now=NOW,
    )
    assert (evaluation.status, evaluation.passed) == (EvaluationStatus.SUBMITTED, True)
    feedback = mentorship.submit_feedback(
        placement,
        actor=user("mentee4"),
        round_key="midterm",
        answers=mentorship.FeedbackAnswers(mentor_rating=5, program_rating=4),
        now=NOW,
    )
    assert feedback.late is False
    # The other scenarios take nothing more: they are settled or closed.
    for scenario in (PASSED, FAILED, OVERDUE):
        with pytest.raises(DomainError):
            mentorship.submit_evaluation(
                placement_of(result, scenario),
                actor=user("mentor") if scenario != OVERDUE else user("admin"),
                round_key="midterm",
                answers=mentorship.Answers(passed=True),
                now=NOW,
            )


def test_the_placed_mentees_are_demo_users_of_their_own(users):
    """mentee1 stays free to apply in the live term (the browser suite does); a placed
    mentee is barred from it, one mentorship at a time."""
    load_mentorship_demo(NOW)
    live = load_live_demo(NOW)
    assert live.term is not None
    assert live.mentor_projects
    project = live.mentor_projects[0]
    assert bars_from_applying(user("mentee1"), project) == ""
    assert "one mentorship at a time" in bars_from_applying(user("mentee4"), project)
    placed = set(Placement.objects.values_list("mentee__username", flat=True))
    assert placed == {"mentee4", "mentee5", "mentee6", "mentee7", "mentee8", "mentee9", "mentee10"}
    assert Client().login(username="mentee4", password="demo")


def test_loading_the_mentorship_demo_again_changes_nothing(users):
    first = load_mentorship_demo(NOW)
    assert [t.created for t in first.terms] == [True, True]
    before = snapshot()
    again = load_mentorship_demo(NOW + timedelta(days=2))
    assert [t.created for t in again.terms] == [False, False]
    assert (again.created, again.skipped) == (0, [])
    assert snapshot() == before


def test_without_the_demo_users_there_is_no_mentorship_demo(settings):
    settings.COHORT_DEMO_USERS = False
    from cohort.projects.demo import load_demo

    load_demo()
    assert load_mentorship_demo(NOW).terms == []
    assert not Placement.objects.exists()
    assert not Term.objects.filter(program__name__in=[MENTORSHIP_PROGRAM, COMPLETED_PROGRAM])


def test_the_demo_command_says_who_does_what_and_keeps_the_review_lists_tail(settings):
    settings.COHORT_DEMO_USERS = True
    out = StringIO()
    call_command("demo", "--site", "http://0.0.0.0:9000/", stdout=out)
    text = out.getvalue()
    term = Term.objects.get(program__name=MENTORSHIP_PROGRAM)
    open_ = Placement.objects.get(mentee__username="mentee4")
    assert f"{MENTORSHIP_PROGRAM}: {term.label} reads “In progress”" in text
    assert (
        "  mentor      evaluate Mei Tanaka's midterm (open now): "
        f"http://0.0.0.0:9000/mentorship/placements/{open_.pk}/evaluations/midterm/"
    ) in text
    assert f"http://0.0.0.0:9000/mentorship/terms/{term.pk}/overdue/" in text
    token = Placement.objects.get(mentee__username="mentee8").share_token
    assert f"http://0.0.0.0:9000/completed/{token}/" in text
    for name in PROFILES:
        assert re.search(rf"^  {name} +mentee ", text, re.MULTILINE), name
    # The mentorship terms are made before the live and later-stage ones.
    finished = Term.objects.get(program__name=COMPLETED_PROGRAM)
    assert term.pk < finished.pk < Term.objects.get(program__name=LIVE_PROGRAM).pk
    if connection.vendor != "sqlite":
        return  # the order within a number below is SQLite's (the browser suite runs on it)
    # The review lists put the newest term first, and SQLite the first made first within a
    # number (all the demo terms share one): the browser suite finds the review and selection
    # terms at the end of the admin's list, before the CNCF terms: the archive's 2025 Term 2,
    # the reference term, then the archive's 2023 and 2021 terms (cohort.projects.demo).
    client = Client()
    client.force_login(user("admin"))
    html = client.get("/review/").content.decode()
    links = re.findall(r'href="/review/terms/(\d+)/"', html[html.find("<main") :])
    tail = [(t.program.name, t.label) for t in (Term.objects.get(pk=pk) for pk in links[-6:])]
    assert tail == [
        (REVIEW_PROGRAM, term.label),  # the demo terms share the mentorship term's number
        (SELECTION_PROGRAM, term.label),
        ("CNCF LFX Mentorship", "2025 Term 2"),
        ("CNCF LFX Mentorship", "2024 Term 3"),
        ("CNCF LFX Mentorship", "2023 Term 1"),
        ("CNCF LFX Mentorship", "2021 Term 1"),
    ]
