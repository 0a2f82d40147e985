"""One mentorship at a time: a live placement bars applying in the same term and in any term
whose mentorship overlaps it, on the project page and in the service alike."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from cohort.applications import services as applications
from cohort.applications.access import bars_from_applying
from cohort.core.errors import DomainError
from cohort.mentorship import services
from cohort.mentorship.tests.conftest import Placed
from cohort.projects.models import Project
from cohort.terms.models import Milestone, Term

pytestmark = pytest.mark.django_db


def _term_with_project(placed: Placed, number: int, begins: datetime, ends: datetime) -> Project:
    world = placed.world
    term = Term.objects.create(program=world.term.program, year=2024, number=number, title="T")
    for key, moment in (("term_start", begins), ("term_end", ends)):
        Milestone.objects.create(term=term, key=key, label=key, raw="", start=moment, end=moment)
    cilium = placed.placement.project
    return Project.objects.create(
        term=term,
        organization=cilium.organization,
        slug=f"next-{number}",
        title=f"Next project {number}",
        status=Project.Status.PUBLISHED,
        prerequisites=cilium.prerequisites,
    )


def test_a_live_placement_bars_another_project_of_its_term(placed: Placed) -> None:
    mentee = placed.world.user("mentee1")
    falco = placed.sel.project("falco")
    assert bars_from_applying(mentee, falco) == (
        "You already have a place in 2024 Term 3 (Cilium project), so you cannot apply to "
        "another project of this term."
    )
    assert bars_from_applying(placed.world.user("mentee4"), falco) == ""  # not placed


def test_an_overlapping_term_is_barred_and_a_later_one_is_not(placed: Placed) -> None:
    mentee = placed.world.user("mentee1")
    # The placement runs Sep 9 – Nov 29, 2024 (Los Angeles).
    overlapping = _term_with_project(
        placed, 4, datetime(2024, 11, 1, tzinfo=UTC), datetime(2025, 1, 31, tzinfo=UTC)
    )
    later = _term_with_project(
        placed, 5, datetime(2024, 12, 2, tzinfo=UTC), datetime(2025, 3, 1, tzinfo=UTC)
    )
    reason = bars_from_applying(mentee, overlapping)
    assert reason == (
        f"You have a mentorship on Cilium project ({placed.world.term.program.name} 2024 Term 3) "
        "until Fri, Nov 29, 2024, and this term overlaps it: one mentorship at a time."
    )
    with pytest.raises(DomainError, match="one mentorship at a time"):
        applications.apply_to_project(mentee, overlapping)
    assert bars_from_applying(mentee, later) == ""
    # An extension moves the placement's end (once), and with it what overlaps.
    services.extend_placement(
        placed.placement,
        actor=placed.world.user("admin"),
        weeks=2,
        reason="Exams.",
        now=datetime(2024, 11, 1, tzinfo=UTC),
    )
    reason = bars_from_applying(mentee, later)
    assert "until Fri, Dec 13, 2024, and this term overlaps it" in reason


def test_a_withdrawn_placement_bars_nothing(placed: Placed) -> None:
    mentee = placed.world.user("mentee1")
    overlapping = _term_with_project(
        placed, 4, datetime(2024, 11, 1, tzinfo=UTC), datetime(2025, 1, 31, tzinfo=UTC)
    )
    services.withdraw_placement(placed.placement, actor=mentee, reason="A job came up.")
    assert bars_from_applying(mentee, overlapping) == ""
