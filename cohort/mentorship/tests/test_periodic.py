"""The upcoming placements become active at their start, from `cohort run-periodic`, in a
fixed number of queries however many are due."""

from __future__ import annotations

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext

from cohort.applications.models import Application
from cohort.applications.tests.conftest import World
from cohort.core.models import AuditEvent, User
from cohort.core.periodic import run_periodic_jobs
from cohort.mentorship import services as m
from cohort.mentorship.models import Placement
from cohort.mentorship.tests.conftest import TERM_START, Placed
from cohort.selection.models import Offer, Round

S = Placement.Status


def test_a_placement_becomes_active_at_its_start_and_not_a_second_before(placed: Placed) -> None:
    p = placed.placement
    assert p.starts_at == TERM_START
    assert m.activate_due_placements(TERM_START - timedelta(seconds=1)) == 0
    p.refresh_from_db()
    assert p.status == S.UPCOMING

    assert m.activate_due_placements(TERM_START) == 1
    p.refresh_from_db()
    assert (p.status, p.status_changed_at) == (S.ACTIVE, TERM_START)
    event = AuditEvent.objects.get(action="mentorship.placement.active")
    assert (event.actor, event.object_id) == (None, str(p.pk))
    assert event.data == {"before": "upcoming", "after": "active"}

    assert m.activate_due_placements(TERM_START + timedelta(hours=1)) == 0  # idempotent
    assert AuditEvent.objects.filter(action="mentorship.placement.active").count() == 1


def test_only_upcoming_dated_placements_are_activated(placed: Placed) -> None:
    admin = placed.world.user("admin")
    m.withdraw_placement(placed.placement, actor=admin, reason="Left before the start.")
    assert m.activate_due_placements(TERM_START + timedelta(days=1)) == 0
    Placement.objects.filter(pk=placed.placement.pk).update(status=S.UPCOMING, starts_at=None)
    assert m.activate_due_placements(TERM_START + timedelta(days=1)) == 0  # undated: never


def test_run_periodic_runs_the_activation(placed: Placed) -> None:
    assert "Placements activated: 0" in run_periodic_jobs(TERM_START - timedelta(seconds=1))
    assert "Placements activated: 1" in run_periodic_jobs(TERM_START)
    placed.placement.refresh_from_db()
    assert placed.placement.status == S.ACTIVE


def make_placements(world: World, count: int, prefix: str) -> list[Placement]:
    """`count` upcoming placements on antrea, written directly (the selection flow is tested
    elsewhere): each with its own mentee, application and accepted offer."""
    round_ = Round.objects.create(term=world.term, number=1, status=Round.Status.CONFIRMED)
    made = []
    for i in range(count):
        mentee = User.objects.create_user(f"{prefix}{i}", email=f"{prefix}{i}@example.org")
        application = Application.objects.create(
            mentee=mentee, term=world.term, project=world.antrea, active_slot=1
        )
        offer = Offer.objects.create(
            round=round_,
            application=application,
            term=world.term,
            mentee=mentee,
            project=world.antrea,
            seat=i + 1,
            status=Offer.Status.ACCEPTED,
            reason="Test placement.",
        )
        made.append(
            Placement.objects.create(
                term=world.term,
                project=world.antrea,
                mentee=mentee,
                application=application,
                offer=offer,
                starts_at=TERM_START,
            )
        )
    return made


def queries_to_activate(world: World, count: int) -> int:
    made = make_placements(world, count, prefix=f"placed{count}-")
    with CaptureQueriesContext(connection) as ctx:
        assert m.activate_due_placements(TERM_START) == count
    assert set(
        Placement.objects.filter(pk__in=[p.pk for p in made]).values_list("status", flat=True)
    ) == {S.ACTIVE}
    assert AuditEvent.objects.filter(action="mentorship.placement.active").count() == count
    return len(ctx.captured_queries)


def test_activation_runs_a_fixed_number_of_queries(world: World) -> None:
    small = queries_to_activate(world, 3)
    Placement.objects.all().delete()
    AuditEvent.objects.all().delete()
    Offer.objects.all().delete()
    Round.objects.all().delete()
    large = queries_to_activate(world, 30)
    assert small == large
    assert small <= 5, small  # savepoint, select, update, insert, release
