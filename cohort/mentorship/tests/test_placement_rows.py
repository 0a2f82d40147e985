"""The placement lists link each row to its project's page without a query per row: the
project's term and program come with the placement (`queries._placements`)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cohort.core.models import User
from cohort.mentorship import queries
from cohort.mentorship.tests.conftest import Placed, accept

pytestmark = pytest.mark.django_db


def _mentor(placed: Placed) -> User:
    for mentorship in placed.placement.project.mentorships.all():
        if mentorship.person is not None and mentorship.person.user is not None:
            return mentorship.person.user
    raise AssertionError("the cilium project has a mentor with an account")


def test_the_rows_carry_their_projects_address(placed: Placed) -> None:
    accept(placed.sel, "mentee3", "falco")
    rows = [
        *queries.mentor_placements(_mentor(placed), timezone.now()),
        *queries.mentee_placements(placed.world.user("mentee1"), timezone.now()),
        *queries.term_placements(placed.world.term, timezone.now()),
    ]
    assert len(rows) == 4  # the mentor's one, the mentee's one, the term's two
    with CaptureQueriesContext(connection) as read:
        urls = {row.placement.project.get_absolute_url() for row in rows}
    assert len(read.captured_queries) == 0
    assert placed.placement.project.get_absolute_url() in urls
