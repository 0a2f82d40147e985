"""Selection under parallel requests (PostgreSQL: SQLite serialises all writers), and the
database constraints that hold even if a service erred (any database).

Run with DATABASE_URL=postgres://… pytest -p no:xdist cohort/selection/tests/test_concurrency.py
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable
from datetime import timedelta
from functools import partial
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from cohort.applications.models import Application
from cohort.applications.tests.conftest import World
from cohort.core.errors import DomainError
from cohort.core.models import AuditEvent, User
from cohort.core.tests.threads import run_together
from cohort.projects.models import Organization, Project
from cohort.selection import services as s
from cohort.selection.models import Offer, Round
from cohort.selection.plan import Inputs
from cohort.selection.tests.conftest import NOTIFY_AT, Selection
from cohort.selection.tests.test_plan import stable_for_the_rest

POSTGRES_MARKS = (
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
    pytest.mark.django_db(transaction=True),
)


def on_postgres[F: Callable[..., Any]](test: F) -> F:
    """Parallel requests: PostgreSQL only, each thread with its own committed transaction."""
    for mark in POSTGRES_MARKS:
        test = mark(test)
    return test


THREADS = 8
Status = Application.Status


def check_offers(term_id: int) -> None:
    """The rules the database and the term lock keep, checked on every offer of the term."""
    offers = list(Offer.objects.filter(term_id=term_id).select_related("project"))
    live = [o for o in offers if o.is_live]
    for project, count in Counter(o.project for o in live).items():
        assert count <= project.slots, project
    seats = [(o.project_id, o.seat) for o in live]
    assert len(seats) == len(set(seats))
    assert all(o.seat is not None and 1 <= o.seat <= o.project.slots for o in live)
    assert all(o.seat is None for o in offers if not o.is_live)
    assert max(Counter(o.mentee_id for o in live).values(), default=0) <= 1
    accepted = [o.mentee_id for o in offers if o.status == Offer.Status.ACCEPTED]
    assert len(accepted) == len(set(accepted))
    for o in live:  # each live offer's application says so
        expected = Status.ACCEPTED if o.status == Offer.Status.ACCEPTED else Status.OFFERED
        assert Application.objects.get(pk=o.application_id).status == expected


def check_stable(round_: Round) -> None:
    """The live offers are a stable assignment of the round's frozen inputs, without those
    who declined or let an offer lapse, with the accepted placements kept."""
    round_.refresh_from_db()
    offers = Offer.objects.filter(round=round_)
    removed = set(
        offers.filter(status__in=[Offer.Status.DECLINED, Offer.Status.LAPSED]).values_list(
            "mentee_id", flat=True
        )
    )
    accepted = dict(
        offers.filter(status=Offer.Status.ACCEPTED).values_list("mentee_id", "project_id")
    )
    assignment = dict(offers.live().values_list("mentee_id", "project_id"))
    inputs = Inputs.from_json(round_.inputs)
    assert stable_for_the_rest(inputs, assignment, removed, accepted)


# --- confirmation --------------------------------------------------------------------------


@on_postgres
def test_eight_admins_confirming_one_draft_at_once_make_its_offers_once(ready: Selection) -> None:
    admin = ready.world.user("admin")
    round_ = s.run_round(ready.world.term, actor=admin)
    done, failures = run_together(
        [lambda: s.confirm_round(round_, actor=admin) for _ in range(THREADS)]
    )
    assert len(done) == 1, failures
    assert len(failures) == THREADS - 1
    for failure in failures:
        assert isinstance(failure, DomainError), repr(failure)
        assert "not a draft any more" in str(failure)
    assert Offer.objects.count() == 3
    assert Round.objects.get(pk=round_.pk).status == Round.Status.CONFIRMED
    check_offers(ready.world.term.pk)
    assert sorted(
        Application.objects.filter(status=Status.OFFERED).values_list("pk", flat=True)
    ) == sorted(Offer.objects.values_list("application_id", flat=True))


# --- many answers at once ------------------------------------------------------------------


def big_term(world: World, *, seed: int = 7) -> list[Project]:
    """6 projects of 2 slots and 30 mentees, each with 3 complete applications, most of them
    shortlisted and ranked by the mentors; every mentee ranks their own."""
    rng = random.Random(seed)  # noqa: S311  # a test's choices, not a secret
    Project.objects.filter(term=world.term).update(status=Project.Status.DRAFT)
    org = Organization.objects.create(program=world.program, name="Big", slug="big")
    projects = [
        Project.objects.create(
            term=world.term,
            organization=org,
            slug=f"big-{i}",
            title=f"Big {i}",
            status=Project.Status.PUBLISHED,
            slots=2,
        )
        for i in range(6)
    ]
    mentees = User.objects.bulk_create(
        [User(username=f"big{i}", email=f"big{i}@example.org") for i in range(30)]
    )
    now = timezone.now()
    rows = []
    for mentee in mentees:
        for rank, project in enumerate(rng.sample(projects, 3), start=1):
            shortlisted = rng.random() < 0.8
            rows.append(
                Application(
                    mentee=mentee,
                    term=world.term,
                    project=project,
                    status=Status.SHORTLISTED if shortlisted else Status.SUBMITTED,
                    submitted_at=now,
                    status_changed_at=now,
                    active_slot=rank,
                    mentee_rank=rank,
                )
            )
    Application.objects.bulk_create(rows)
    for project in projects:
        shortlist = list(
            Application.objects.filter(project=project, status=Status.SHORTLISTED).values_list(
                "pk", flat=True
            )
        )
        rng.shuffle(shortlist)
        for rank, pk in enumerate(shortlist, start=1):
            Application.objects.filter(pk=pk).update(mentor_rank=rank)
    return projects


@on_postgres
def test_many_mentees_answering_at_once_never_overbook_and_stay_stable(world: World) -> None:
    big_term(world)
    admin = world.user("admin")
    start = timezone.now()
    round_ = s.confirm_round(s.run_round(world.term, actor=admin), actor=admin, now=start)
    round_.refresh_from_db()
    assert round_.announced_at == start  # the term has no notification date
    first = list(Offer.objects.filter(round=round_).select_related("mentee"))
    assert len(first) == 12  # every seat taken
    check_offers(world.term.pk)

    rng = random.Random(11)  # noqa: S311  # a test's choices, not a secret
    answers = {o.mentee_id: rng.choice(["accept", "decline"]) for o in first}
    at = start + timedelta(hours=1)

    def answer(mentee: User) -> str:
        """Answer the offer the mentee holds now: an upgrade may replace it meanwhile."""
        for _ in range(20):
            held = Offer.objects.filter(mentee=mentee, status=Offer.Status.PENDING).first()
            if held is None:
                return "nothing to answer"
            try:
                if answers[mentee.pk] == "accept":
                    s.accept_offer(held, actor=mentee, now=at)
                else:
                    s.decline_offer(held, actor=mentee, reason="Busy", now=at)
            except DomainError:
                continue  # replaced meanwhile: answer the new one
            return answers[mentee.pk]
        raise AssertionError("never got to answer")

    done, failures = run_together([partial(answer, o.mentee) for o in first])
    assert failures == []
    assert sorted(done) == sorted(answers.values())

    check_offers(world.term.pk)
    check_stable(round_)
    offers = Offer.objects.filter(round=round_)
    for mentee, choice in answers.items():
        status = Offer.Status.ACCEPTED if choice == "accept" else Offer.Status.DECLINED
        assert offers.filter(mentee_id=mentee, status=status).count() == 1
    assert offers.count() > len(first)  # freed places were offered again
    assert all(o.reason for o in offers)


# --- the same mentee twice -----------------------------------------------------------------


@on_postgres
@pytest.mark.parametrize(
    "answers", [("accept", "accept"), ("accept", "decline"), ("decline", "decline")]
)
def test_one_mentee_answering_twice_at_once_gets_one_answer(
    ready: Selection, answers: tuple[str, str]
) -> None:
    admin = ready.world.user("admin")
    s.confirm_round(s.run_round(ready.world.term, actor=admin), actor=admin)
    s.announce_due_rounds(NOTIFY_AT)
    user = ready.world.user("mentee2")
    held = Offer.objects.get(mentee=user, status=Offer.Status.PENDING)
    at = NOTIFY_AT + timedelta(hours=1)

    def work(how: str) -> Callable[[], Offer]:
        if how == "accept":
            return lambda: s.accept_offer(held, actor=user, now=at)
        return lambda: s.decline_offer(held, actor=user, now=at)

    done, failures = run_together([work(how) for how in answers])
    assert len(done) == 1, failures
    assert len(failures) == 1
    assert isinstance(failures[0], DomainError), repr(failures[0])  # ConflictError is one too
    held.refresh_from_db()
    assert held.status == done[0].status
    assert Offer.objects.filter(mentee=user, status=Offer.Status.ACCEPTED).count() <= 1
    assert Offer.objects.filter(mentee=user).count() == 1
    refills = Offer.objects.exclude(reason__startswith="Selection round").count()
    assert refills == (2 if held.status == Offer.Status.DECLINED else 0)  # the upgrade chain
    check_offers(ready.world.term.pk)


# --- the periodic jobs, twice at once ------------------------------------------------------


@on_postgres
def test_periodic_runs_at_once_announce_mail_and_lapse_once(ready: Selection, in_window) -> None:
    admin = ready.world.user("admin")
    round_ = s.confirm_round(s.run_round(ready.world.term, actor=admin), actor=admin)
    mail.outbox.clear()  # the application e-mails of the `ready` fixture
    in_window.move_to(NOTIFY_AT)
    done, failures = run_together(
        [lambda: call_command("run_periodic", "--quiet") for _ in range(THREADS)]
    )
    assert failures == []
    assert len(done) == THREADS
    round_.refresh_from_db()
    assert round_.announced_at == NOTIFY_AT
    assert AuditEvent.objects.filter(action="selection.round.announced").count() == 1
    offers_and_notices = [
        m for m in mail.outbox if "offered a place" in m.subject or "not selected" in m.subject
    ]
    assert sorted(m.to[0] for m in offers_and_notices) == [
        f"mentee{i}@example.org" for i in range(1, 5)
    ]

    # Nobody answers: at the deadline, each offer lapses once, whoever runs first.
    deadline = NOTIFY_AT + timedelta(days=7)
    lapsed, failures = run_together([lambda: s.lapse_due_offers(deadline)] * THREADS)
    assert failures == []
    # mentee1's cilium goes to mentee3 (an upgrade), mentee2's antrea to mentee4, and
    # mentee3's replaced falco offer is not lapsed.
    assert sum(lapsed) == 2
    assert Offer.objects.filter(status=Offer.Status.LAPSED).count() == 2
    live = dict(Offer.objects.live().values_list("mentee__username", "project__slug"))
    assert live == {"mentee3": "cilium-project", "mentee4": "antrea-project"}
    check_offers(ready.world.term.pk)
    check_stable(round_)


# --- the database's own guarantees (any database) ------------------------------------------


def raw_offer(sel: Selection, mentee: str, slug: str, **fields: Any) -> Offer:
    application = sel.application(mentee, slug)
    return Offer.objects.create(
        round=Round.objects.get(term=sel.world.term),
        application=application,
        term=sel.world.term,
        mentee=application.mentee,
        project=application.project,
        reason="Inserted by hand",
        **fields,
    )


@pytest.fixture
def offers_made(ready: Selection) -> Selection:
    """The stable assignment confirmed: mentee1 cilium, mentee2 antrea, mentee3 falco."""
    admin = ready.world.user("admin")
    s.confirm_round(s.run_round(ready.world.term, actor=admin), actor=admin)
    return ready


def test_a_mentee_cannot_hold_two_placements_in_a_term(offers_made: Selection) -> None:
    Offer.objects.filter(mentee=offers_made.world.user("mentee1")).update(
        status=Offer.Status.ACCEPTED
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        raw_offer(offers_made, "mentee1", "antrea", seat=2, status=Offer.Status.ACCEPTED)


def test_a_mentee_cannot_hold_two_live_offers_in_a_term(offers_made: Selection) -> None:
    Project.objects.filter(pk=offers_made.project("antrea").pk).update(slots=2)
    with pytest.raises(IntegrityError), transaction.atomic():
        raw_offer(offers_made, "mentee1", "antrea", seat=2, status=Offer.Status.PENDING)
    # A finished offer next to a live one is fine.
    raw_offer(offers_made, "mentee1", "antrea", seat=None, status=Offer.Status.SUPERSEDED)


def test_two_live_offers_cannot_share_a_seat(offers_made: Selection) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        raw_offer(offers_made, "mentee4", "antrea", seat=1, status=Offer.Status.PENDING)
    raw_offer(offers_made, "mentee4", "antrea", seat=2, status=Offer.Status.PENDING)


@pytest.mark.parametrize(
    ("status", "seat"),
    [
        (Offer.Status.PENDING, None),
        (Offer.Status.ACCEPTED, None),
        (Offer.Status.PENDING, 0),
        (Offer.Status.DECLINED, 3),
        (Offer.Status.SUPERSEDED, 3),
    ],
)
def test_a_live_offer_holds_a_seat_and_a_finished_one_none(
    offers_made: Selection, status: str, seat: int | None
) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        raw_offer(offers_made, "mentee4", "antrea", seat=seat, status=status)


def test_an_announced_offer_has_a_deadline(offers_made: Selection) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Offer.objects.filter(mentee=offers_made.world.user("mentee1")).update(
            announced_at=NOTIFY_AT
        )


def test_a_term_has_one_draft_and_one_confirmed_round(offers_made: Selection) -> None:
    term = offers_made.world.term
    with pytest.raises(IntegrityError), transaction.atomic():
        Round.objects.create(term=term, number=2, status=Round.Status.CONFIRMED)
    Round.objects.create(term=term, number=2, status=Round.Status.DRAFT)
    with pytest.raises(IntegrityError), transaction.atomic():
        Round.objects.create(term=term, number=3, status=Round.Status.DRAFT)
    with pytest.raises(IntegrityError), transaction.atomic():
        Round.objects.create(term=term, number=2, status=Round.Status.DISCARDED)
