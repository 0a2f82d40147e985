"""A closed term's applications cannot change (issue 16): each service refuses with
TermClosedError and changes nothing. In the applications window: mentee1 has applied to
antrea (submitted), mentee2 to antrea (shortlisted), and bob declared a conflict on mentee2."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest

from cohort.applications import services
from cohort.applications.models import Application, Review
from cohort.applications.tests.conftest import World, complete_application
from cohort.core.models import User
from cohort.terms.services import TermClosedError
from cohort.terms.tests.closing import close, snapshot

pytestmark = pytest.mark.django_db


@dataclass
class Closed:
    world: World
    submitted: Application
    shortlisted: Application


def _admin(c: Closed) -> User:
    return c.world.user("admin")


CALLS: dict[str, Callable[[Closed], object]] = {
    "apply_to_project": lambda c: services.apply_to_project(
        c.world.user("mentee3"), c.world.cilium
    ),
    "hand_in_task": lambda c: services.hand_in_task(
        c.submitted, "cover_letter", actor=c.world.user("mentee1"), text="A new letter."
    ),
    "withdraw_application": lambda c: services.withdraw_application(
        c.submitted, actor=c.world.user("mentee1")
    ),
    "review_application": lambda c: services.review_application(
        c.submitted, reviewer=c.world.user("alice"), score=4, notes="Good."
    ),
    "declare_conflict": lambda c: services.declare_conflict(
        c.submitted, reviewer=c.world.user("alice"), reason="My student."
    ),
    "lift_conflict": lambda c: services.lift_conflict(
        Review.objects.get(conflict=True), actor=_admin(c)
    ),
    "shortlist_application": lambda c: services.shortlist_application(c.submitted, actor=_admin(c)),
    "unshortlist_application": lambda c: services.unshortlist_application(
        c.shortlisted, actor=_admin(c)
    ),
    "rank_shortlist": lambda c: services.rank_shortlist(
        c.world.antrea, [c.shortlisted.pk], actor=_admin(c)
    ),
    "decline_applications": lambda c: services.decline_applications(
        [c.submitted], actor=_admin(c), message="Sorry."
    ),
}


@pytest.fixture
def closed(world: World, in_window) -> Closed:
    submitted = complete_application(world, "mentee1", world.antrea)
    shortlisted = complete_application(world, "mentee2", world.antrea)
    services.shortlist_application(shortlisted, actor=world.user("admin"))
    services.declare_conflict(shortlisted, reviewer=world.user("bob"), reason="My cousin.")
    close(world.term)
    return Closed(
        world,
        Application.objects.get(pk=submitted.pk),
        Application.objects.get(pk=shortlisted.pk),
    )


@pytest.mark.parametrize("name", sorted(CALLS))
def test_a_closed_terms_applications_cannot_change(closed: Closed, name: str) -> None:
    before = snapshot()
    with pytest.raises(TermClosedError, match="is closed"):
        CALLS[name](closed)
    assert snapshot() == before
