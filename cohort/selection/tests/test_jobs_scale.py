"""The selection jobs cost the same number of queries on a small and a large term (issue 18).

A term is built in bulk (`build_term`): `projects` projects of one seat each, and mentees
who each applied to `per_mentee` of them, shortlisted and ranked by both sides, so about
`projects` of them are placed and the rest are not. Then:

- `confirm_round` makes every offer, status change, event and audit row in a fixed number
  of queries;
- `notify_round` reads and plans in a fixed number of queries per batch, and each e-mail
  costs only its send: one transaction of three queries (`deliver`: a compare-and-swap
  UPDATE that marks and locks the outbox row, then its COMMIT);
- a `run-periodic` with nothing left to send costs the same on both terms.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cohort.applications.models import Application, ApplicationEvent, MenteeProfile
from cohort.applications.notifications import notify_application_event
from cohort.core.models import AuditEvent, User
from cohort.core.periodic import run_periodic_jobs
from cohort.notifications.models import Notification
from cohort.projects.models import Organization, Project
from cohort.selection import notifications, services
from cohort.selection.models import Offer, Round
from cohort.terms.models import Milestone, Program, ProgramMembership, Term

CLOSED_AT = datetime(2024, 8, 14, 0, 0, tzinfo=UTC)
NOW = datetime(2024, 8, 20, 12, 0, tzinfo=UTC)
NOTIFY_AT = datetime(2024, 9, 3, 17, 0, tzinfo=UTC)

# What one e-mail costs: SAVEPOINT (BEGIN outside a test), the UPDATE that marks the row
# sent and locks it, RELEASE SAVEPOINT (COMMIT) (`cohort.notifications.services.deliver`).
# It was 4 (the row read with SELECT ... FOR UPDATE, then saved) and, at 2a8a103, about 9.
PER_EMAIL = 3


@dataclass
class Built:
    term: Term
    admin: User
    mentees: int


def build_term(size: int, *, per_mentee: int = 2, slug: str = "t") -> Built:
    """`size` projects (one seat each) and 3 × `size` mentees, each applying to
    `per_mentee` projects, all shortlisted and ranked; a draft round computed."""
    program = Program.objects.create(name=f"Program {slug}", slug=f"p-{slug}")
    term = Term.objects.create(program=program, year=2024, number=3, title=f"Term {slug}")
    Milestone.objects.create(
        term=term,
        key="applications_open",
        label="Mentee applications open",
        raw="Jul 31 - Aug 13",
        start=CLOSED_AT - timedelta(days=14),
        end=CLOSED_AT,
        has_time=True,
    )
    Milestone.objects.create(
        term=term,
        key="selection_notify",
        label="Selection notifications",
        raw="Sep 3",
        start=NOTIFY_AT,
        end=NOTIFY_AT,
        has_time=True,
    )
    admin = User.objects.create_user(f"admin-{slug}", email=f"admin-{slug}@example.org")
    ProgramMembership.objects.create(program=program, user=admin)
    org = Organization.objects.create(program=program, name=f"Org {slug}", slug=f"org-{slug}")
    Project.objects.bulk_create(
        Project(
            term=term,
            organization=org,
            slug=f"{slug}-project-{i}",
            title=f"Project {i}",
            status=Project.Status.PUBLISHED,
            slots=1,
        )
        for i in range(size)
    )
    projects = list(Project.objects.filter(term=term).order_by("pk"))
    count = 3 * size
    User.objects.bulk_create(
        User(username=f"{slug}-mentee-{i}", email=f"{slug}-mentee-{i}@example.org")
        for i in range(count)
    )
    mentees = list(User.objects.filter(username__startswith=f"{slug}-mentee-").order_by("pk"))
    MenteeProfile.objects.bulk_create(
        MenteeProfile(
            user=m, name=m.username, country="DE", time_zone=("Europe/Berlin", "UTC")[i % 2]
        )
        for i, m in enumerate(mentees)
    )
    submitted = CLOSED_AT - timedelta(days=1)
    rows = []
    for i, mentee in enumerate(mentees):
        for k in range(per_mentee):
            project = projects[(i + k * 7) % size]
            rows.append(
                Application(
                    mentee=mentee,
                    term=term,
                    project=project,
                    status=Application.Status.SHORTLISTED,
                    submitted_at=submitted,
                    active_slot=k + 1,
                    mentee_rank=k + 1,
                )
            )
    Application.objects.bulk_create(rows)
    # The mentors rank their shortlist by mentee, first come first.
    by_project: dict[int, list[Application]] = {}
    for application in Application.objects.filter(term=term).order_by("mentee_id"):
        by_project.setdefault(application.project_id, []).append(application)
    ranked = []
    for applications in by_project.values():
        for rank, application in enumerate(applications, start=1):
            application.mentor_rank = rank
            ranked.append(application)
    Application.objects.bulk_update(ranked, ["mentor_rank"])
    services.run_round(term, actor=admin, now=NOW)
    return Built(term, admin, count)


def confirm(built: Built, now: datetime = NOW) -> Round:
    round_ = Round.objects.get(term=built.term, status=Round.Status.DRAFT)
    return services.confirm_round(round_, actor=built.admin, now=now)


def count[T](run: Callable[[], T]) -> tuple[int, T]:
    with CaptureQueriesContext(connection) as queries:
        result = run()
    return len(queries), result


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.mark.django_db
def test_confirm_round_is_constant_in_queries(clock) -> None:
    small = build_term(4, slug="s")
    large = build_term(40, slug="l")
    small_queries, _ = count(lambda: confirm(small))
    large_queries, round_ = count(lambda: confirm(large))
    offers = Offer.objects.filter(round=round_)
    assert offers.count() == 40  # every project's one seat is offered
    assert small_queries == large_queries, (small_queries, large_queries)
    assert large_queries < 100


@pytest.mark.django_db
def test_confirm_round_writes_the_same_rows_as_one_offer_at_a_time(clock) -> None:
    built = build_term(12, slug="r")
    round_ = confirm(built)
    offers = list(Offer.objects.filter(round=round_).select_related("application"))
    assert len(offers) == 12
    seats = {(o.project_id, o.seat) for o in offers}
    assert seats == {(o.project_id, 1) for o in offers}
    for offer in offers:
        assert offer.status == Offer.Status.PENDING
        assert offer.application.status == Application.Status.OFFERED
        assert offer.application.status_changed_at is not None
        assert offer.reason == f"Selection round {round_.number}: the stable assignment."
        assert offer.announced_at is None  # not announced yet
        assert offer.deadline is None
        # The application's history, and the audit trail: one status change, one offer.
        events = ApplicationEvent.objects.filter(application=offer.application)
        assert [(e.kind, e.status, e.actor_id) for e in events] == [
            ("status", Application.Status.OFFERED, built.admin.pk)
        ]
        # Nothing to mail the mentee about an offered application: the offer's own e-mail
        # (cohort.selection.notifications) says it, so the bulk path queues nothing.
        assert notify_application_event(events[0].pk) == 0
        made = AuditEvent.objects.get(action="selection.offer.made", object_id=str(offer.pk))
        assert (made.actor_id, made.data, made.object_type) == (
            built.admin.pk,
            {"seat": 1},
            "selection.offer",
        )
        offered = AuditEvent.objects.get(
            action="applications.application.offered", object_id=str(offer.application_id)
        )
        assert offered.data == {"before": "shortlisted", "after": "offered"}
        assert offered.actor_id == built.admin.pk
    assert Notification.objects.count() == 0


def announce(built: Built) -> Round:
    round_ = confirm(built)
    assert services.announce_round(round_, now=NOTIFY_AT)
    return Round.objects.get(pk=round_.pk)


@pytest.mark.django_db
def test_notify_round_reads_a_fixed_number_of_queries(clock) -> None:
    small = announce(build_term(4, slug="s"))
    large = announce(build_term(40, slug="l"))
    clock.move_to(NOTIFY_AT)
    small_queries, small_sent = count(lambda: notifications.notify_round(small.pk))
    large_queries, large_sent = count(lambda: notifications.notify_round(large.pk))
    assert (small_sent, large_sent) == (12, 120)  # every offer, and every notice
    assert len(mail.outbox) == 132
    small_reads = small_queries - PER_EMAIL * small_sent
    large_reads = large_queries - PER_EMAIL * large_sent
    assert small_reads == large_reads, (small_queries, large_queries)
    assert large_reads < 30
    # Exactly once: a second run sends nothing, and reads no more than the first.
    again, sent = count(lambda: notifications.notify_round(large.pk))
    assert sent == 0
    assert again <= large_reads
    assert Notification.objects.filter(status=Notification.Status.SENT).count() == 132


@pytest.mark.django_db
def test_notify_round_says_what_each_mentee_is_owed(clock) -> None:
    built = build_term(3, slug="n")
    round_ = announce(built)
    clock.move_to(NOTIFY_AT)
    assert notifications.notify_round(round_.pk) == 9
    offer = Offer.objects.select_related("mentee", "project").filter(round=round_).first()
    assert offer is not None
    sent = [m for m in mail.outbox if m.to == [offer.mentee.email]]
    assert len(sent) == 1
    assert offer.project.title in sent[0].body
    zone = MenteeProfile.objects.get(user=offer.mentee).time_zone
    if zone != "UTC":
        assert zone in sent[0].body
    placed = set(Offer.objects.filter(round=round_).values_list("mentee_id", flat=True))
    for mentee in User.objects.filter(username__startswith="n-mentee-").exclude(pk__in=placed):
        (notice,) = [m for m in mail.outbox if m.to == [mentee.email]]
        for application in Application.objects.filter(mentee=mentee).select_related("project"):
            assert application.project.title in notice.body


@pytest.mark.django_db
def test_an_idle_run_periodic_costs_the_same_on_a_small_and_a_large_term(clock, settings) -> None:
    small = build_term(4, slug="s")
    large = build_term(40, slug="l")
    clock.move_to(NOTIFY_AT + timedelta(hours=1))
    # Confirmed after the notification date: announced at once, and its e-mail sent.
    for built in (small,):
        round_ = confirm(built, now=NOTIFY_AT + timedelta(hours=1))
        notifications.notify_round(round_.pk)
    now = NOTIFY_AT + timedelta(hours=2)
    first = run_periodic_jobs(now)  # nothing owed on the small term: an idle run
    assert "Selection e-mails sent: 0" in first
    small_queries, _ = count(lambda: run_periodic_jobs(now))
    round_ = confirm(large, now=NOTIFY_AT + timedelta(hours=1))
    notifications.notify_round(round_.pk)
    sent = len(mail.outbox)
    large_queries, lines = count(lambda: run_periodic_jobs(now))
    assert "Selection e-mails sent: 0" in lines
    assert len(mail.outbox) == sent
    assert small_queries == large_queries, (small_queries, large_queries)
    assert large_queries < 50


@pytest.mark.django_db
def test_run_periodic_finds_what_a_crash_left_unsent(clock) -> None:
    built = build_term(5, slug="u")
    clock.move_to(NOTIFY_AT + timedelta(hours=1))
    round_ = confirm(built, now=NOTIFY_AT + timedelta(hours=1))
    notifications.notify_round(round_.pk)
    assert len(mail.outbox) == 15
    # A crash: two e-mails planned but never sent, and one never planned.
    offer = Offer.objects.filter(round=round_).first()
    assert offer is not None
    rows = Notification.objects.filter(kind=notifications.NOT_SELECTED)[:2]
    Notification.objects.filter(pk__in=[r.pk for r in rows]).update(
        status=Notification.Status.QUEUED, sent_at=None
    )
    Notification.objects.filter(object_id=str(offer.pk), kind=notifications.OFFER).delete()
    mail.outbox.clear()
    lines = run_periodic_jobs(NOTIFY_AT + timedelta(hours=2))
    assert "Selection e-mails sent: 3" in lines
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [offer.mentee.email, *(r.recipient.email for r in rows)]
    )
    mail.outbox.clear()
    assert "Selection e-mails sent: 0" in run_periodic_jobs(NOTIFY_AT + timedelta(hours=3))
    assert mail.outbox == []
