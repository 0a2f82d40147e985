"""A closed term's proposals cannot change (issue 16): each service refuses with
TermClosedError and changes nothing. Carol drafted one proposal and submitted another, which
Jaeger's maintainer approved and alice confirmed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest

from cohort.core.models import User
from cohort.projects.models import Project
from cohort.proposals import services as s
from cohort.proposals.tests.conftest import World, make_form
from cohort.terms.services import TermClosedError
from cohort.terms.tests.closing import close, snapshot

pytestmark = pytest.mark.django_db

LFX = "https://mentorship.lfx.linuxfoundation.org/project/b2d21cb7-4380-4375-9384-ca791e652f0d"


@dataclass
class Closed:
    world: World
    draft: Project
    submitted: Project

    def user(self, name: str) -> User:
        return self.world.users[name]


CALLS: dict[str, Callable[[Closed], object]] = {
    "create_proposal": lambda c: s.create_proposal(
        c.world.term, make_form(program_name="Another"), actor=c.user("carol")
    ),
    "update_proposal": lambda c: s.update_proposal(
        c.draft, make_form(program_name="Renamed"), actor=c.user("carol")
    ),
    "patch_proposal": lambda c: s.patch_proposal(c.draft, lambda form: form, actor=c.user("carol")),
    "submit_proposal": lambda c: s.submit_proposal(c.draft, actor=c.user("carol")),
    "approve_proposal": lambda c: s.approve_proposal(c.submitted, actor=c.user("maintainer")),
    "confirm_mentorship": lambda c: s.confirm_mentorship(c.submitted, actor=c.user("bob")),
    "approve_proposal_as_admin": lambda c: s.approve_proposal_as_admin(
        c.submitted, actor=c.user("admin")
    ),
    "withdraw_proposal": lambda c: s.withdraw_proposal(c.submitted, actor=c.user("admin")),
    "reject_proposal": lambda c: s.reject_proposal(c.submitted, actor=c.user("admin")),
    "publish_proposals": lambda c: s.publish_proposals(c.world.term, actor=c.user("admin")),
    "record_lfx_url": lambda c: s.record_lfx_url(c.submitted, LFX, actor=c.user("admin")),
}


@pytest.fixture
def closed(world: World) -> Closed:
    carol = world.users["carol"]
    draft = s.create_proposal(world.term, make_form(), actor=carol)
    submitted = s.create_proposal(world.term, make_form(program_name="Second"), actor=carol)
    s.submit_proposal(submitted, actor=carol)
    s.approve_proposal(submitted, actor=world.users["maintainer"])
    s.confirm_mentorship(submitted, actor=world.users["alice"])
    close(world.term)
    return Closed(world, Project.objects.get(pk=draft.pk), Project.objects.get(pk=submitted.pk))


@pytest.mark.parametrize("name", sorted(CALLS))
def test_a_closed_terms_proposals_cannot_change(closed: Closed, name: str) -> None:
    before = snapshot()
    with pytest.raises(TermClosedError, match="is closed"):
        CALLS[name](closed)
    assert snapshot() == before
