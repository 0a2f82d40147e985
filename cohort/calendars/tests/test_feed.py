"""The personal calendar feed (issue 17): what each person finds in it, parsed by `icalendar`
and by `vobject` (an independent parser, ADR 0018), its UIDs and SEQUENCE, its instants across
a DST change, and its fixed number of queries."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
import time_machine
import vobject  # type: ignore[import-untyped]  # no stubs; a test-only parser (ADR 0018)
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cohort.applications import services as applications
from cohort.applications.models import Application
from cohort.applications.tests.conftest import DEADLINE, World
from cohort.calendars import services
from cohort.core.models import User
from cohort.mentorship.models import EvaluationRound
from cohort.mentorship.tests.conftest import Placed
from cohort.selection.models import Offer
from cohort.stipends.models import Payment
from cohort.stipends.tests.conftest import settle
from cohort.terms.models import Milestone, Program, ProgramMembership, Term

LA = ZoneInfo("America/Los_Angeles")


def fetch(user: User) -> bytes:
    feed = services.feed_of(user)
    response = Client().get(reverse("calendars:feed", args=[feed.token]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    body: bytes = response.content
    return body


def events(body: bytes) -> dict[str, icalendar.Event]:
    """The feed's events by UID, read by icalendar; every event has the properties a
    subscribing client needs."""
    cal = icalendar.Calendar.from_ical(body)
    found: dict[str, icalendar.Event] = {}
    for event in cal.events:
        for prop in ("uid", "dtstamp", "dtstart", "summary", "description", "url", "sequence"):
            assert prop in event, (prop, event)
        found[str(event["uid"])] = event
    return found


def vevents(body: bytes) -> dict[str, Any]:
    """The same feed read by vobject, which shares no code with icalendar."""
    cal = vobject.readOne(body.decode())
    return {e.uid.value: e for e in getattr(cal, "vevent_list", [])}


def seq(event: icalendar.Event) -> int:
    value = event.decoded("sequence")
    assert isinstance(value, int)
    return value


def start(event: icalendar.Event) -> datetime:
    value = event.decoded("dtstart")
    assert isinstance(value, datetime)
    return value


def test_a_mentee_with_an_offer_sees_its_deadline_and_nothing_of_others(placed: Placed) -> None:
    """After selection mentee3 holds falco's offer (mentee1 accepted cilium's): mentee3's feed
    has that offer at its deadline, with its program, its project and the page to answer;
    mentee1's has no offer, but their own feedback rounds."""
    mentee3 = placed.world.user("mentee3")
    offer = Offer.objects.get(mentee=mentee3, status=Offer.Status.PENDING)
    assert offer.deadline is not None
    body = fetch(mentee3)
    found = events(body)
    assert set(found) == {f"offer-{offer.pk}@cohort"}
    event = found[f"offer-{offer.pk}@cohort"]
    assert start(event) == offer.deadline
    assert "CNCF LFX Mentorship" in str(event["summary"])
    assert "Falco project" in str(event["summary"])
    assert "Accept or decline" in str(event["description"])
    assert str(event["url"]).endswith(reverse("applications:home"))
    # The second parser reads the same instant.
    (vevent,) = vevents(body).values()
    assert vevent.dtstart.value == offer.deadline
    assert vevent.uid.value == f"offer-{offer.pk}@cohort"

    mentee1 = placed.world.user("mentee1")
    rounds = EvaluationRound.objects.filter(placement=placed.placement)
    mine = events(fetch(mentee1))
    assert set(mine) == {f"feedback-{r.pk}@cohort" for r in rounds}
    assert not any(uid.startswith("offer-") for uid in mine)


def test_a_mentor_has_the_evaluations_and_the_review_of_their_projects(placed: Placed) -> None:
    """bob mentors antrea and cilium: the review of both (due at the end of the review
    milestone) and the evaluations of mentee1 on cilium, at the placement's own dates;
    carol (falco) has falco's review only; an outsider has nothing."""
    w = placed.world
    review_end = datetime(2024, 8, 27, 0, 0, tzinfo=UTC)
    Milestone.objects.create(
        term=w.term,
        key="application_review",
        label="Application review",
        raw="Aug 14 - Aug 26 5:00 PM PDT",
        start=DEADLINE,
        end=review_end,
        has_time=True,
    )
    rounds = list(EvaluationRound.objects.filter(placement=placed.placement))
    assert len(rounds) == 2
    bob = events(fetch(w.user("bob")))
    assert set(bob) == {
        f"review-{w.antrea.pk}@cohort",
        f"review-{w.cilium.pk}@cohort",
        *(f"evaluation-{r.pk}@cohort" for r in rounds),
    }
    assert start(bob[f"review-{w.cilium.pk}@cohort"]) == review_end
    for r in rounds:
        assert start(bob[f"evaluation-{r.pk}@cohort"]) == r.due_at
    assert set(events(fetch(w.user("carol")))) == {f"review-{w.falco.pk}@cohort"}
    assert events(fetch(w.user("outsider"))) == {}


def test_an_extension_moves_the_evaluation_in_the_feed(active: Placed) -> None:
    from cohort.mentorship import services as mentorship

    w = active.world
    final = EvaluationRound.objects.get(placement=active.placement, key="final")
    before = start(events(fetch(w.user("bob")))[f"evaluation-{final.pk}@cohort"])
    with time_machine.travel(datetime(2024, 10, 1, tzinfo=UTC), tick=False):
        mentorship.extend_placement(
            active.placement, weeks=2, reason="Exams.", actor=w.user("admin")
        )
    final.refresh_from_db()
    assert final.due_at > before
    event = events(fetch(w.user("bob")))[f"evaluation-{final.pk}@cohort"]
    assert start(event) == final.due_at
    assert seq(event) == 1


def test_a_program_admin_has_the_timeline_and_the_payments_to_approve(active: Placed) -> None:
    w = active.world
    settle(active, "midterm")
    payment = Payment.objects.get(placement=active.placement)
    admin = events(fetch(w.user("admin")))
    milestones = Milestone.objects.filter(term=w.term)
    assert {f"milestone-{m.pk}@cohort" for m in milestones} <= set(admin)
    assert f"payment-{payment.pk}@cohort" in admin
    assert payment.reference in str(admin[f"payment-{payment.pk}@cohort"]["summary"])
    # A whole-day milestone is a DATE range, its end exclusive; a timed one an instant.
    term_start = milestones.get(key="term_start")
    event = admin[f"milestone-{term_start.pk}@cohort"]
    assert event.decoded("dtstart").isoformat() == "2024-09-09"
    assert event.decoded("dtend").isoformat() == "2024-09-10"
    deadline = milestones.get(key="applications_open")
    assert admin[f"milestone-{deadline.pk}@cohort"].decoded("dtend") == DEADLINE
    # The mentor of the placement never approves its payment; no one else sees either.
    assert not any(
        uid.startswith(("payment-", "milestone-")) for uid in events(fetch(w.user("bob")))
    )
    # A program the admin does not run stays out of their calendar.
    other = Program.objects.create(name="Other", slug="other")
    other_term = Term.objects.create(program=other, year=2024, number=1, title="T1")
    stranger = Milestone.objects.create(
        term=other_term,
        key="term_start",
        label="Starts",
        raw="Sep 9",
        start=datetime(2024, 9, 9, 7, tzinfo=UTC),
        end=datetime(2024, 9, 10, 7, tzinfo=UTC),
    )
    assert f"milestone-{stranger.pk}@cohort" not in events(fetch(w.user("admin")))


def test_a_draft_application_and_its_tasks_until_handed_in(world: World, in_window) -> None:
    mentee = world.user("mentee4")
    application = applications.apply_to_project(mentee, world.falco)
    assert application.status == Application.Status.DRAFT
    tasks = list(application.tasks.filter(completed_at__isnull=True))
    assert tasks
    found = events(fetch(mentee))
    assert set(found) == {f"application-{application.pk}@cohort"} | {
        f"task-{t.pk}@cohort" for t in tasks
    }
    assert all(start(e) == DEADLINE for e in found.values())
    assert str(found[f"application-{application.pk}@cohort"]["url"]).endswith(
        reverse("applications:detail", args=[application.pk])
    )
    applications.withdraw_application(application, actor=mentee)
    assert events(fetch(mentee)) == {}


def test_five_pm_pdt_stays_that_instant_across_the_dst_change(placed: Placed) -> None:
    """An offer deadline of Oct 15 5:00 PM PDT and, moved after the switch, Nov 5 5:00 PM PST:
    each is written in UTC and both parsers read it back as 5:00 PM in Los Angeles, whether
    the feed is fetched before the clocks go back (Nov 3, 2024) or after."""
    mentee3 = placed.world.user("mentee3")
    offer = Offer.objects.get(mentee=mentee3, status=Offer.Status.PENDING)
    uid = f"offer-{offer.pk}@cohort"
    october = datetime(2024, 10, 15, 17, 0, tzinfo=LA)
    november = datetime(2024, 11, 5, 17, 0, tzinfo=LA)
    for deadline, utc_text, zone_name in (
        (october, "20241016T000000Z", "PDT"),
        (november, "20241106T010000Z", "PST"),
    ):
        Offer.objects.filter(pk=offer.pk).update(deadline=deadline)
        bodies = []
        for now in (datetime(2024, 10, 1, tzinfo=UTC), datetime(2024, 11, 4, tzinfo=UTC)):
            with time_machine.travel(now, tick=False):
                bodies.append(fetch(mentee3))
        for body in bodies:
            assert f"DTSTART:{utc_text}" in body.decode()
            event = events(body)[uid]
            assert start(event) == deadline
            local = start(event).astimezone(LA)
            assert (local.hour, local.minute, local.tzname()) == (17, 0, zone_name)
            theirs = vevents(body)[uid].dtstart.value.astimezone(LA)
            assert (theirs.hour, theirs.minute, theirs.tzname()) == (17, 0, zone_name)
            assert theirs == deadline
        assert f"5:00 PM {zone_name}" in str(events(bodies[0])[uid]["description"])
    assert october.astimezone(UTC).hour != november.astimezone(UTC).hour  # the offset changed


def test_sequence_grows_when_an_offer_deadline_moves_and_never_goes_down(placed: Placed) -> None:
    mentee3 = placed.world.user("mentee3")
    offer = Offer.objects.get(mentee=mentee3, status=Offer.Status.PENDING)
    assert offer.deadline is not None
    uid = f"offer-{offer.pk}@cohort"

    def sequence() -> int:
        body = fetch(mentee3)
        assert int(vevents(body)[uid].sequence.value) == seq(events(body)[uid])
        return seq(events(body)[uid])

    assert sequence() == 0
    assert sequence() == 0  # fetched again, unchanged
    Offer.objects.filter(pk=offer.pk).update(deadline=offer.deadline + timedelta(days=2))
    assert sequence() == 1
    assert sequence() == 1
    Offer.objects.filter(pk=offer.pk).update(deadline=offer.deadline)  # moved back
    assert sequence() == 2
    # The UID stays the same across rotations; so does its SEQUENCE.
    services.rotate_feed(mentee3, actor=mentee3)
    assert sequence() == 2


def queries_of(user: User) -> int:
    fetch(user)  # the first fetch records the new events; count a steady one
    with CaptureQueriesContext(connection) as captured:
        fetch(user)
    return len(captured.captured_queries)


def test_a_fixed_number_of_queries_whatever_the_number_of_items(world: World, in_window) -> None:
    """A mentee who is also a program admin, with one draft application and the term's one
    milestone, then with three applications and twelve more milestones."""
    bob = world.user("mentee4")
    ProgramMembership.objects.create(program=world.program, user=bob)
    applications.apply_to_project(bob, world.falco)
    small_items = len(events(fetch(bob)))
    small = queries_of(bob)
    applications.apply_to_project(bob, world.antrea)
    applications.apply_to_project(bob, world.cilium)
    for n in range(12):
        Milestone.objects.create(
            term=world.term,
            key=f"extra_{n}",
            label=f"Extra {n}",
            raw="Oct 1 5:00 PM PDT",
            start=datetime(2024, 10, 2, 0, 0, tzinfo=UTC) + timedelta(days=n),
            end=datetime(2024, 10, 2, 0, 0, tzinfo=UTC) + timedelta(days=n),
            has_time=True,
        )
    large_items = len(events(fetch(bob)))
    assert large_items >= small_items + 12 + 2
    assert queries_of(bob) == small
