"""The applications window, to the second, in the term's time zone (DST included)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from cohort.applications import services as s
from cohort.applications.models import Application
from cohort.applications.tests.conftest import DEADLINE, WINDOW_START, World
from cohort.core.errors import DomainError
from cohort.terms.models import Milestone

LA = ZoneInfo("America/Los_Angeles")
SECOND = timedelta(seconds=1)
CLOSED = (
    "Applications for 2024 Term 3 closed on Tue Aug 13, 2024 5:00:00 PM PDT "
    "(America/Los_Angeles). You can still withdraw an application."
)


def test_the_conftest_deadline_is_5pm_pdt() -> None:
    local = DEADLINE.astimezone(LA)
    assert (local.month, local.day, local.hour, local.minute, local.tzname()) == (
        8,
        13,
        17,
        0,
        "PDT",
    )


def apply_at(world: World, when: datetime, mentee: str = "mentee1") -> Application:
    with time_machine.travel(when, tick=False):
        return s.apply_to_project(world.user(mentee), world.antrea)


def hand_in_at(application: Application, when: datetime) -> None:
    with time_machine.travel(when, tick=False):
        s.hand_in_task(application, "cover_letter", actor=application.mentee, text="Dear mentors")


def test_apply_one_second_before_the_deadline_is_accepted(world: World) -> None:
    application = apply_at(world, DEADLINE - SECOND)
    assert application.status == Application.Status.DRAFT


@pytest.mark.parametrize("late", [timedelta(0), SECOND, timedelta(days=3)])
def test_apply_at_or_after_the_deadline_is_refused(world: World, late: timedelta) -> None:
    with pytest.raises(DomainError) as refused:
        apply_at(world, DEADLINE + late)
    assert str(refused.value) == CLOSED
    assert not Application.objects.exists()


def test_hand_in_around_the_deadline(world: World) -> None:
    application = apply_at(world, WINDOW_START)
    hand_in_at(application, DEADLINE - SECOND)
    assert application.tasks.get(kind="cover_letter").text == "Dear mentors"
    for when in (DEADLINE, DEADLINE + SECOND):
        with pytest.raises(DomainError) as refused, time_machine.travel(when, tick=False):
            s.hand_in_task(
                application, "coding_challenge", actor=application.mentee, url="https://x.org"
            )
        assert str(refused.value) == CLOSED
    assert not application.tasks.get(kind="coding_challenge").is_done


def test_before_the_window_opens_gives_the_opening_time(world: World) -> None:
    with pytest.raises(DomainError) as refused:
        apply_at(world, WINDOW_START - SECOND)
    assert str(refused.value) == (
        "Applications for 2024 Term 3 open on Wed Jul 31, 2024 12:00:00 AM PDT "
        "(America/Los_Angeles)."
    )
    assert apply_at(world, WINDOW_START).pk  # the start is inclusive


def test_the_explicit_now_argument_is_the_clock(world: World) -> None:
    with pytest.raises(DomainError, match="closed on"):
        s.apply_to_project(world.user("mentee1"), world.antrea, now=DEADLINE)
    with time_machine.travel(DEADLINE + timedelta(days=1), tick=False):
        application = s.apply_to_project(world.user("mentee1"), world.antrea, now=DEADLINE - SECOND)
    assert application.pk


def test_a_term_without_window_refuses(world: World) -> None:
    Milestone.objects.filter(term=world.term).delete()
    with pytest.raises(DomainError, match="has no dated applications window"):
        apply_at(world, DEADLINE - timedelta(days=2))


def _move_window(world: World, start: datetime, end: datetime) -> None:
    Milestone.objects.filter(term=world.term, key="applications_open").update(start=start, end=end)


def test_deadline_after_the_fall_back_is_pst(world: World) -> None:
    # 01:30 happens twice on Nov 3, 2024; the second one (fold=1) is PST, 09:30 UTC.
    # In UTC: arithmetic on an aware local datetime is wall-clock arithmetic (and drops fold).
    end = datetime(2024, 11, 3, 1, 30, fold=1, tzinfo=LA).astimezone(UTC)
    assert end == datetime(2024, 11, 3, 9, 30, tzinfo=UTC)
    _move_window(world, datetime(2024, 10, 1, tzinfo=UTC), end)
    # The first 01:30 (PDT, an hour earlier) is still open.
    first_130 = datetime(2024, 11, 3, 1, 30, fold=0, tzinfo=LA)
    application = apply_at(world, first_130)
    hand_in_at(application, end - SECOND)
    with pytest.raises(DomainError) as refused:
        apply_at(world, end + SECOND, mentee="mentee2")
    assert str(refused.value).startswith(
        "Applications for 2024 Term 3 closed on Sun Nov 3, 2024 1:30:00 AM PST "
        "(America/Los_Angeles)."
    )
    with pytest.raises(DomainError, match="1:30:00 AM PST"):
        hand_in_at(application, end)


def test_deadline_on_the_spring_forward_day_is_pdt(world: World) -> None:
    # 02:00 PST jumps to 03:00 PDT on Mar 10, 2024: 03:00 PDT is 10:00 UTC.
    end = datetime(2024, 3, 10, 3, 0, tzinfo=LA).astimezone(UTC)
    assert end == datetime(2024, 3, 10, 10, 0, tzinfo=UTC)
    _move_window(world, datetime(2024, 3, 1, tzinfo=UTC), end)
    application = apply_at(world, end - SECOND)  # 01:59:59 PST
    hand_in_at(application, end - SECOND)
    with pytest.raises(DomainError) as refused:
        apply_at(world, end + SECOND, mentee="mentee2")
    assert str(refused.value).startswith(
        "Applications for 2024 Term 3 closed on Sun Mar 10, 2024 3:00:00 AM PDT "
        "(America/Los_Angeles)."
    )
    with pytest.raises(DomainError, match="3:00:00 AM PDT"):
        hand_in_at(application, end)


def test_the_message_follows_the_terms_zone(world: World) -> None:
    world.term.time_zone = "Europe/Berlin"
    world.term.save()
    with pytest.raises(DomainError) as refused:
        apply_at(world, DEADLINE)
    assert "Wed Aug 14, 2024 2:00:00 AM CEST (Europe/Berlin)" in str(refused.value)
