"""A term ready for selection: the applications world (cohort.applications.tests.conftest)
with complete applications, shortlists ranked by the mentors, and mentees' own rankings.

Every project takes 1 mentee. Who applied where, best first:

    mentee1: antrea, cilium        antrea's mentors rank: mentee2, mentee1, mentee4
    mentee2: antrea, falco         cilium's mentors rank: mentee1, mentee3
    mentee3: cilium, falco         falco's mentors rank:  mentee2, mentee3
    mentee4: antrea

Antrea and Falco both want mentee2 first: the conflict. The stable assignment gives mentee2
the project they ranked first (antrea), falco goes to mentee3, cilium to mentee1, and
mentee4 is not placed. If mentee2 then declines, antrea goes to mentee1 (who ranked it
above cilium), cilium to mentee3 (who ranked it above falco), and falco has no one left.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
import time_machine

from cohort.applications import services as applications
from cohort.applications.models import Application
from cohort.applications.tests.conftest import (  # noqa: F401 (fixtures)
    WINDOW_OPEN,
    World,
    complete_application,
    in_window,
    world,
)
from cohort.projects.models import Project
from cohort.terms.models import Milestone

# "Sep 3: selection notifications", 10:00 AM PDT.
NOTIFY_AT = datetime(2024, 9, 3, 17, 0, tzinfo=UTC)
BEFORE_NOTIFY = datetime(2024, 8, 20, 12, 0, tzinfo=UTC)

CHOICES = {
    "mentee1": ["antrea", "cilium"],
    "mentee2": ["antrea", "falco"],
    "mentee3": ["cilium", "falco"],
    "mentee4": ["antrea"],
}
RANKINGS = {
    "antrea": ["mentee2", "mentee1", "mentee4"],
    "cilium": ["mentee1", "mentee3"],
    "falco": ["mentee2", "mentee3"],
}


@dataclass
class Selection:
    world: World
    applications: dict[tuple[str, str], Application]  # (mentee, project slug) -> application

    def project(self, slug: str) -> Project:
        project: Project = getattr(self.world, slug)
        return project

    def application(self, mentee: str, slug: str) -> Application:
        return Application.objects.get(pk=self.applications[(mentee, slug)].pk)


def build_selection(world: World) -> Selection:  # noqa: F811 (a World, not the fixture)
    """Apply, shortlist, rank (mentors and mentees), as the module docstring says. Call it
    inside the applications window (the `in_window` fixture)."""
    Milestone.objects.create(
        term=world.term,
        key="selection_notify",
        label="Selection notifications",
        raw="Sep 3",
        start=NOTIFY_AT,
        end=NOTIFY_AT,
        has_time=True,
    )
    made: dict[tuple[str, str], Application] = {}
    for mentee, slugs in CHOICES.items():
        for slug in slugs:
            made[(mentee, slug)] = complete_application(world, mentee, getattr(world, slug))
    admin = world.user("admin")
    for slug, mentees in RANKINGS.items():
        for mentee in mentees:
            applications.shortlist_application(made[(mentee, slug)], actor=admin)
        applications.rank_shortlist(
            getattr(world, slug), [made[(m, slug)].pk for m in mentees], actor=admin
        )
    from cohort.selection import services as selection

    for mentee, slugs in CHOICES.items():
        selection.rank_my_applications(
            world.user(mentee), world.term, [made[(mentee, s)].pk for s in slugs]
        )
    return Selection(world, made)


@pytest.fixture
def ready(world: World, in_window) -> Selection:  # noqa: F811
    """Built inside the applications window; the test then runs after it has closed (the
    services refuse to run selection while applications are open)."""
    selection = build_selection(world)
    in_window.move_to(BEFORE_NOTIFY)
    return selection


@pytest.fixture
def after_window():
    """The clock between the applications deadline and the notification date."""
    with time_machine.travel(BEFORE_NOTIFY, tick=False) as traveller:
        yield traveller


__all__ = ["NOTIFY_AT", "WINDOW_OPEN", "Selection", "build_selection"]
