"""The demo terms at each later stage: dated from now, each reads its stage whatever the time
of day, each demo user has something real to do there, and loading them again changes
nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from django.core.management import call_command

from cohort.applications import access, queries
from cohort.applications.models import Application, Review
from cohort.core.models import AuditEvent, User
from cohort.demo.live import LIVE_PROGRAM
from cohort.demo.phases import (
    PROPOSALS_PROGRAM,
    RESPONSE_DAYS,
    REVIEW_PROGRAM,
    SELECTION_PROGRAM,
    load_phase_demo,
)
from cohort.notifications.models import Notification
from cohort.projects.demo import ARCHIVE
from cohort.projects.models import Project
from cohort.proposals import gates, services
from cohort.proposals.models import ProposalEvent
from cohort.proposals.review import review
from cohort.selection import services as selection
from cohort.selection.models import Offer, Round
from cohort.terms.models import Milestone, Term, TermStage

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


def term_of(program: str) -> Term:
    return Term.objects.get(program__name=program)


def snapshot() -> dict[str, list[tuple[object, ...]]]:
    return {
        "terms": list(Term.objects.order_by("pk").values_list("pk", "title", "updated_at")),
        "milestones": list(Milestone.objects.order_by("pk").values_list("pk", "start", "end")),
        "projects": list(Project.objects.order_by("pk").values_list("pk", "status", "updated_at")),
        "events": list(ProposalEvent.objects.order_by("pk").values_list("pk", "kind")),
        "applications": list(
            Application.objects.order_by("pk").values_list("pk", "status", "updated_at")
        ),
        "reviews": list(Review.objects.order_by("pk").values_list("pk", "score")),
        "rounds": list(Round.objects.order_by("pk").values_list("pk", "status", "updated_at")),
        "offers": list(Offer.objects.order_by("pk").values_list("pk", "status", "deadline")),
        "audit": list(AuditEvent.objects.order_by("pk").values_list("pk")),
        "outbox": list(Notification.objects.order_by("pk").values_list("pk")),
    }


@pytest.mark.parametrize(
    ("hour", "minute"), [(0, 0), (1, 57), (17, 59), (18, 0), (18, 1), (23, 59)]
)
def test_each_term_reads_its_stage_at_any_time_of_day(users, hour, minute):
    now = NOW.replace(hour=hour, minute=minute)
    result = load_phase_demo(now)
    assert result.skipped == []
    stages = {p.term.program.name: (p.stage, p.term.stage_at(now)) for p in result.terms}
    assert stages == {
        PROPOSALS_PROGRAM: (TermStage.ACCEPTING_PROPOSALS, TermStage.ACCEPTING_PROPOSALS),
        REVIEW_PROGRAM: (TermStage.IN_REVIEW, TermStage.IN_REVIEW),
        SELECTION_PROGRAM: (TermStage.SELECTION, TermStage.SELECTION),
    }
    for phase in result.terms:
        assert (phase.term.label, phase.term.time_zone) == ("2026 Term 3", "UTC")
        keys = list(phase.term.milestones.order_by("position").values_list("key", flat=True))
        assert keys == [
            "proposals_open",
            "applications_open",
            "application_review",
            "selection_notify",
            "term_start",
            "term_end",
        ]
    # A day later each still reads the same; the review term moves on when its phase ends.
    review_term = term_of(REVIEW_PROGRAM)
    assert review_term.stage_at(now + timedelta(days=1)) == TermStage.IN_REVIEW
    review_ends = review_term.window("application_review").end
    assert review_ends is not None
    assert review_term.stage_at(review_ends) == TermStage.SELECTION


def test_the_proposals_term_has_a_proposal_at_each_approval_step(users):
    load_phase_demo(NOW)
    term = term_of(PROPOSALS_PROGRAM)
    assert services.accepts_proposals(term, NOW)
    columns = {
        p.number: review(p).column for p in Project.objects.filter(term=term).order_by("number")
    }
    assert columns == {1: gates.AWAITING, 2: gates.APPROVED_CONFIRMED, 3: gates.CNCF_APPROVED}
    first = Project.objects.get(term=term, number=1)
    assert not review(first).gates.maintainer_approved
    # The maintainer can approve #1, and the admin can publish #3 (only #3).
    services.approve_proposal(first, actor=user("maintainer"))
    published = services.publish_proposals(term, actor=user("admin"))
    assert [p.number for p in published] == [3]
    assert Project.objects.get(term=term, number=3).status == Project.Status.PUBLISHED


def test_the_mentor_has_applicants_to_review_in_the_review_term(users):
    load_phase_demo(NOW)
    term = term_of(REVIEW_PROGRAM)
    mentor = user("mentor")
    first, second = Project.objects.filter(term=term).order_by("position")[:2]
    assert access.is_mentor_of(mentor, first)
    assert access.is_mentor_of(mentor, second)
    rows = queries.queue(first, mentor, queries.QueueFilter.UNREVIEWED)
    assert [r.application.mentee.username for r in rows] == ["mentee1"]
    everyone = {r.application.mentee.username: r.my_score for r in queries.queue(first, mentor)}
    assert everyone == {"mentee1": None, "mentee2": 4}
    rows = queries.queue(second, mentor, queries.QueueFilter.UNREVIEWED)
    assert [r.application.mentee.username for r in rows] == ["mentee3"]
    # Applications are closed: no one can apply any more, the mentors still decide.
    assert not Application.objects.filter(term=term, status=Application.Status.DRAFT).exists()
    from cohort.applications import services as applications

    assert not applications.applications_window(term).is_open(NOW)
    applications.shortlist_application(rows[0].application, actor=mentor)


def test_mentee1_has_an_offer_to_answer_in_the_selection_term(users):
    load_phase_demo(NOW)
    term = term_of(SELECTION_PROGRAM)
    confirmed = selection.confirmed_round(term)
    assert confirmed is not None
    assert confirmed.announced_at == NOW
    offers = {o.mentee.username: o for o in Offer.objects.filter(term=term)}
    assert {name: o.status for name, o in offers.items()} == {
        "mentee1": Offer.Status.PENDING,
        "mentee3": Offer.Status.ACCEPTED,
    }
    offer = offers["mentee1"]
    assert offer.deadline == NOW + timedelta(days=RESPONSE_DAYS)
    assert selection.waitlist(confirmed, offer.project) == [user("mentee2").pk]
    # mentee1 declines: the place goes to mentee2, next on the mentor's ranking.
    selection.decline_offer(offer, actor=user("mentee1"), now=NOW + timedelta(hours=1))
    again = Offer.objects.get(term=term, mentee=user("mentee2"))
    assert (again.project_id, again.status) == (offer.project_id, Offer.Status.PENDING)


def test_loading_the_phases_again_changes_nothing(users):
    first = load_phase_demo(NOW)
    assert [p.created for p in first.terms] == [True, True, True]
    assert first.created == 3 + 4 + 3 + 1  # proposals, review applications, selection + round
    before = snapshot()
    again = load_phase_demo(NOW + timedelta(days=2))
    assert [p.created for p in again.terms] == [False, False, False]
    assert (again.created, again.skipped) == (0, [])
    assert snapshot() == before


def test_without_the_demo_users_there_are_no_phase_terms(settings):
    settings.COHORT_DEMO_USERS = False
    assert load_phase_demo(NOW).terms == []
    assert not Term.objects.filter(program__name__startswith="Cohort demo").exists()


def test_the_demo_command_lists_every_term_and_running_it_twice_changes_nothing(settings):
    settings.COHORT_DEMO_USERS = True
    out = StringIO()
    call_command("demo", "--site", "http://0.0.0.0:9000/", stdout=out)
    text = out.getvalue()
    assert "127.0.0.1:8000" not in text
    for program in (PROPOSALS_PROGRAM, REVIEW_PROGRAM, SELECTION_PROGRAM):
        term = term_of(program)
        assert f"{program}: {term.label} reads “{term.stage.label}”" in text
        assert f"http://0.0.0.0:9000{term.get_absolute_url()}" in text
    board = term_of(PROPOSALS_PROGRAM).pk
    assert f"publish #3 from the board: http://0.0.0.0:9000/proposals/board/{board}/" in text
    assert "  mentee1     answer the offer on " in text
    assert term_of(LIVE_PROGRAM).stage == TermStage.ACCEPTING_APPLICATIONS
    # Running it again re-imports the reference page (its term row is saved and the import
    # audited, as `cohort import-term` does); nothing else changes.
    before = snapshot()
    call_command("demo", stdout=StringIO())
    after = snapshot()
    reimport = AuditEvent.objects.filter(action="terms.term.imported").count()
    assert len(after.pop("audit")) == len(before.pop("audit")) + 1
    # the live, phase and mentorship terms and the archive's once, the reference term twice
    assert reimport == 4 + 2 + len(ARCHIVE) + 2
    reference = Term.objects.get(year=2024).pk
    for rows in (after, before):
        rows["terms"] = [row for row in rows["terms"] if row[0] != reference]
    assert after == before
