"""A term with every kind of personal data, built through the services: the stipends scenario
(cohort/stipends/tests/conftest.py: mentee1 placed on cilium, mentored by bob, its midterm
passed and settled, one pending payment), plus mentee1's feedback, bob's private comment, the
mentors' reviews and a reason given to mentee4; then the term is closed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from django.db.models import Count, Sum

from cohort.applications import services as applications
from cohort.applications.models import Application
from cohort.applications.tests.conftest import World, in_window, world  # noqa: F401
from cohort.mentorship import services as m
from cohort.mentorship.models import Placement
from cohort.mentorship.tests.conftest import Placed, active, placed  # noqa: F401
from cohort.selection.tests.conftest import ready  # noqa: F401
from cohort.stipends.models import LedgerEntry, Payment
from cohort.stipends.tests.conftest import IN_MIDTERM, settle
from cohort.terms.models import Term

CLOSED_AT = datetime(2025, 1, 15, 12, 0, tzinfo=UTC)
DUE_AT = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)  # 12 months later, the default
AFTER_DUE = datetime(2026, 1, 15, 12, 0, 1, tzinfo=UTC)


@dataclass
class Closed:
    placed: Placed

    @property
    def world(self) -> World:
        return self.placed.world

    @property
    def term(self) -> Term:
        return Term.objects.select_related("program").get(pk=self.world.term.pk)

    @property
    def placement(self) -> Placement:
        return Placement.objects.get(pk=self.placed.placement.pk)


def close(term: Term, at: datetime = CLOSED_AT) -> None:
    """Closing is cohort.stats' service; the purge reads only `state` and `closed_at`."""
    Term.objects.filter(pk=term.pk).update(state=Term.State.CLOSED, closed_at=at)


def fill(w: Placed) -> None:
    """Every kind of personal data the purge removes, on the term of `w`."""
    people = w.world
    settle(
        w,
        "midterm",
        m.Answers(passed=True, comments_for_mentee="Good work.", private_comments="Slow start."),
    )
    m.submit_feedback(
        w.placement,
        actor=people.user("mentee1"),
        round_key="midterm",
        answers=m.FeedbackAnswers(
            mentor_rating=4,
            program_rating=5,
            mentor_comments="Bob explains well.",
            program_comments="Good program.",
        ),
        now=IN_MIDTERM,
    )
    for application in Application.objects.filter(term=people.term, project=people.antrea):
        applications.review_application(
            application, reviewer=people.user("alice"), score=4, notes="Strong candidate."
        )
    mentee4 = Application.objects.get(mentee=people.user("mentee4"), project=people.antrea)
    applications.decline_applications(
        [mentee4], actor=people.user("admin"), message="We chose others."
    )


@pytest.fixture
def closed(active: Placed) -> Closed:  # noqa: F811
    fill(active)
    close(active.world.term)
    return Closed(active)


def aggregates(term: Term) -> dict[str, object]:
    """What the purge keeps: counts, statuses, outcomes, money."""
    return {
        "applications": sorted(
            Application.objects.filter(term=term).values_list("pk", "status", "submitted_at")
        ),
        "tasks_done": Application.objects.filter(
            term=term, tasks__completed_at__isnull=False
        ).count(),
        "placements": sorted(Placement.objects.filter(term=term).values_list("pk", "status")),
        "evaluations": sorted(
            Placement.objects.filter(term=term).values_list(
                "evaluations__pk", "evaluations__passed", "evaluations__status"
            )
        ),
        "ratings": sorted(
            Placement.objects.filter(term=term).values_list(
                "feedback__mentor_rating", "feedback__program_rating"
            )
        ),
        "payments": sorted(
            Payment.objects.filter(term=term).values_list("pk", "status", "amount", "adjusted")
        ),
        "ledger": LedgerEntry.objects.filter(term=term).aggregate(
            n=Count("pk"), amount=Sum("amount"), committed=Sum("committed")
        ),
        "projects": sorted(term.projects.values_list("pk", "title", "status")),
    }
