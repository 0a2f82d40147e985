"""A term whose mentorship is about to begin: the selection scenario of
cohort/selection/tests/conftest.py, with the timeline's program start and last day, the
round confirmed and announced, and mentee1 accepting their offer (cilium)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from cohort.applications.tests.conftest import (  # noqa: F401 (fixtures)
    World,
    in_window,
    world,
)
from cohort.mentorship.models import Placement
from cohort.mentorship.services import activate_due_placements
from cohort.selection import services as selection
from cohort.selection.models import Offer
from cohort.selection.tests.conftest import NOTIFY_AT, Selection, ready  # noqa: F401
from cohort.terms.models import Milestone

# "Sep 9: Mentorship program begins" and "Nov 29: Last day of term", whole days in PDT/PST.
TERM_START = datetime(2024, 9, 9, 7, 0, tzinfo=UTC)
TERM_END = datetime(2024, 11, 30, 8, 0, tzinfo=UTC)  # the end of Nov 29 in PST
# The reference term's evaluation deadlines, "Oct 15 5:00 PM PDT" and "Nov 26 5:00 PM PDT",
# as `formats.timeline.parse_date_text` reads them: the page names the offset (PDT, UTC-7)
# even in November, and the importer keeps the instant the page wrote.
MIDTERM_DUE = datetime(2024, 10, 16, 0, 0, tzinfo=UTC)
FINAL_DUE = datetime(2024, 11, 27, 0, 0, tzinfo=UTC)


def add_mentorship_dates(world: World) -> None:  # noqa: F811 (a World, not the fixture)
    Milestone.objects.create(
        term=world.term,
        key="term_start",
        label="Mentorship program begins with the initial work assignments",
        raw="Sep 9",
        start=TERM_START,
        end=TERM_START + timedelta(days=1),
    )
    Milestone.objects.create(
        term=world.term,
        key="midterm_evals",
        label="Midterm mentee evaluations and first stipend payments",
        raw="Oct 15 5:00 PM PDT",
        end=MIDTERM_DUE,
        has_time=True,
    )
    Milestone.objects.create(
        term=world.term,
        key="final_evals",
        label="Final mentee evaluations and mentee feedback/blog submission due, "
        "second and final stipend payment approvals",
        raw="Nov 26 5:00 PM PDT",
        end=FINAL_DUE,
        has_time=True,
    )
    Milestone.objects.create(
        term=world.term,
        key="term_end",
        label="Last day of term",
        raw="Nov 29",
        start=TERM_END - timedelta(days=1),
        end=TERM_END,
    )


def offers_announced(sel: Selection) -> None:
    admin = sel.world.user("admin")
    round_ = selection.confirm_round(selection.run_round(sel.world.term, actor=admin), actor=admin)
    assert selection.announce_due_rounds(NOTIFY_AT) == [round_.pk]


def accept(sel: Selection, mentee: str, slug: str) -> Offer:
    offer = Offer.objects.get(
        mentee=sel.world.user(mentee), project=sel.project(slug), status=Offer.Status.PENDING
    )
    return selection.accept_offer(offer, actor=sel.world.user(mentee), now=NOTIFY_AT)


@dataclass
class Placed:
    sel: Selection
    placement: Placement

    @property
    def world(self) -> World:
        return self.sel.world


@pytest.fixture
def placed(ready: Selection) -> Placed:  # noqa: F811
    add_mentorship_dates(ready.world)
    offers_announced(ready)
    offer = accept(ready, "mentee1", "cilium")
    return Placed(ready, Placement.objects.get(offer=offer))


@pytest.fixture
def active(placed: Placed) -> Placed:
    """The placement of `placed`, active from the program's start (Sep 9, 2024)."""
    assert activate_due_placements(TERM_START) == 1
    placed.placement.refresh_from_db()
    return placed
