"""A closed term's set-up cannot change (issue 16): each service refuses with TermClosedError
and changes nothing."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from cohort.core.models import User
from cohort.terms import services
from cohort.terms.models import Program, ProgramMembership, Term
from cohort.terms.queries import term_setup
from cohort.terms.services import MilestoneInput, SettingsChange, TermClosedError
from cohort.terms.tests.closing import close, snapshot

pytestmark = pytest.mark.django_db


def _rows(term: Term) -> list[MilestoneInput]:
    return [
        MilestoneInput(
            key=m.key,
            label=m.label + " (moved)",
            start=m.start_date,
            start_time=m.start_time,
            end=m.end_date,
            end_time=m.end_time,
        )
        for m in term_setup(term).milestones
    ]


CALLS: dict[str, Callable[[Term, User], object]] = {
    "set_timeline": lambda term, admin: services.set_timeline(term, _rows(term), actor=admin),
    "update_settings": lambda term, admin: services.update_settings(
        term, SettingsChange(proposal_quota=9, time_zone="Asia/Kolkata"), actor=admin
    ),
}


@pytest.mark.parametrize("name", sorted(CALLS))
def test_a_closed_terms_set_up_cannot_change(name: str) -> None:
    program = Program.objects.create(name="CNCF LFX Mentorship", slug="lfx")
    admin = User.objects.create_user("admin", "admin@example.org", "pw")
    ProgramMembership.objects.create(program=program, user=admin)
    term = services.create_term(program, year=2024, number=3, actor=admin)
    CALLS[name](term, admin)  # open: it works
    close(term)
    before = snapshot()
    with pytest.raises(TermClosedError, match="2024 Term 3 is closed"):
        CALLS[name](term, admin)
    assert snapshot() == before
