"""cohort run-periodic: digests once, failed e-mails retried once, --quiet, idempotent."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command

from cohort.applications import notifications as application_mail
from cohort.applications.models import ApplicationEvent
from cohort.applications.tests.conftest import (  # noqa: F401  (the fixtures)
    World,
    complete_application,
    in_window,
    world,
)
from cohort.core.emails import send_email
from cohort.core.management.commands.run_periodic import CRON_LINE, Command
from cohort.core.models import Person, User
from cohort.notifications.models import Notification
from cohort.notifications.services import RETRY_DAYS
from cohort.projects.models import Organization, OrganizationMaintainer, Project
from cohort.proposals import gates
from cohort.proposals import notifications as proposal_mail
from cohort.proposals import services as proposals
from cohort.proposals.models import ProposalEvent
from cohort.proposals.tests.conftest import DEADLINE, make_form
from cohort.terms.models import Milestone, Program, ProgramMembership, Term

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command("run_periodic", *args, stdout=out)
    return out.getvalue()


def fail_for(monkeypatch, *addresses: str) -> None:
    """Make sending to `addresses` fail as an unreachable SMTP server would."""

    def flaky(name, to, context):
        if to in addresses:
            raise ConnectionRefusedError("SMTP server unreachable")
        send_email(name, to, context)

    monkeypatch.setattr("cohort.notifications.services.send_email", flaky)


def heal(monkeypatch) -> None:
    monkeypatch.setattr("cohort.notifications.services.send_email", send_email)


def recipients(subject_part: str = "") -> list[str]:
    return sorted(m.to[0] for m in mail.outbox if subject_part in m.subject)


# --- review digests ------------------------------------------------------------------------


def test_a_day_s_digest_is_sent_once_across_runs(world: World, in_window):  # noqa: F811
    complete_application(world, "mentee1", world.antrea)  # Aug 1, 12:00 UTC
    complete_application(world, "mentee2", world.falco)
    assert run() == (  # the day has not ended yet
        "Review digests sent: 0\n"
        "Failed e-mails retried: 0 of 0 unsent e-mails sent now, 0 still unsent\n"
        "Offers lapsed: 0\n"
        "Selection rounds announced: 0\n"
        "Selection e-mails sent: 0\n"
        "Placements activated: 0\n"
        "Evaluation rounds opened: 0\n"
        "Evaluations locked: 0\n"
        "Overdue lists sent: 0\n"
        "Reminders: 0 of 0 due sent now, 0 not sent\n"
    )
    assert mail.outbox == []

    in_window.move_to(datetime(2024, 8, 2, 0, 5, tzinfo=UTC))
    assert run().startswith("Review digests sent: 3\n")  # alice, bob (antrea), carol (falco)
    assert recipients() == ["alice@example.org", "bob@example.org", "carol@example.org"]

    in_window.move_to(datetime(2024, 8, 2, 0, 10, tzinfo=UTC))
    assert run().startswith("Review digests sent: 0\n")
    assert len(mail.outbox) == 3
    assert Notification.objects.filter(kind=application_mail.DIGEST).count() == 3


def test_quiet_prints_nothing_but_does_the_work(world: World, in_window):  # noqa: F811
    complete_application(world, "mentee1", world.cilium)
    in_window.move_to(datetime(2024, 8, 2, 0, 5, tzinfo=UTC))
    assert run("--quiet") == ""
    assert recipients() == ["bob@example.org"]
    assert run("--verbosity", "0") == ""
    assert len(mail.outbox) == 1


def test_the_help_documents_the_cron_line_unwrapped():
    help_text = Command().create_parser("cohort", "run_periodic").format_help()
    assert f"\n    {CRON_LINE}\n" in help_text  # on a line of its own, to copy
    assert CRON_LINE.startswith("*/5 * * * *")
    assert "run-periodic --quiet" in CRON_LINE


# --- failed application e-mails ------------------------------------------------------------


def test_a_failed_application_email_is_sent_once_by_the_next_runs(
    world: World,  # noqa: F811
    in_window,  # noqa: F811
    monkeypatch,
    django_capture_on_commit_callbacks,
):
    fail_for(monkeypatch, "mentee1@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        application = complete_application(world, "mentee1", world.antrea)
    row = Notification.objects.get(kind=application_mail.SUBMITTED)
    assert row.sent_at is None
    assert row.error == "ConnectionRefusedError: SMTP server unreachable"
    assert mail.outbox == []

    assert "0 of 1 unsent e-mails sent now, 1 still unsent" in run()  # still failing
    heal(monkeypatch)
    assert "1 of 1 unsent e-mails sent now, 0 still unsent" in run()
    assert "0 of 0 unsent" in run()
    assert recipients("is submitted") == ["mentee1@example.org"]
    assert len(mail.outbox) == 1
    row.refresh_from_db()
    assert row.sent_at is not None
    assert row.error == ""
    event = ApplicationEvent.objects.get(application=application, status="submitted")
    assert row.object_id == str(event.pk)


def test_a_failed_email_older_than_the_retry_window_is_left_alone(
    world: World,  # noqa: F811
    in_window,  # noqa: F811
    monkeypatch,
    django_capture_on_commit_callbacks,
):
    fail_for(monkeypatch, "mentee1@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        complete_application(world, "mentee1", world.antrea)
    heal(monkeypatch)
    in_window.shift(timedelta(days=RETRY_DAYS, minutes=1))
    assert "0 of 0 unsent" in run()
    assert recipients("is submitted") == []
    assert Notification.objects.get(kind=application_mail.SUBMITTED).sent_at is None


# --- failed proposal e-mails ---------------------------------------------------------------


@pytest.fixture
def jaeger(db) -> dict[str, User]:
    """A 2026 term open for proposals, the Jaeger maintainer, mentors alice and bob, the
    proposer carol and a program admin, each with an e-mail address."""
    program = Program.objects.create(name="CNCF LFX Mentorship", slug="cncf")
    term = Term.objects.create(
        program=program, year=2026, number=3, title="Term 03 - 2026 September - November"
    )
    Milestone.objects.create(
        term=term,
        key="proposals_open",
        label="Project Proposals Open",
        raw="Wed, Jul 1 – Tue, Jul 28, 18:00 UTC",
        start=datetime(2026, 7, 1, tzinfo=UTC),
        end=DEADLINE,
        has_time=True,
    )
    organization = Organization.objects.create(program=program, name="Jaeger", slug="jaeger")
    users = {
        name: User.objects.create_user(name, email=f"{name}@example.org", password="x")
        for name in ("admin", "maintainer", "alice", "bob", "carol")
    }
    ProgramMembership.objects.create(program=program, user=users["admin"])
    OrganizationMaintainer.objects.create(organization=organization, user=users["maintainer"])
    for handle in ("alice", "bob"):
        Person.objects.create(name=handle.title(), github=handle, user=users[handle])
    return users


def submit(users: dict[str, User], capture) -> Project:
    term = Term.objects.get(year=2026)
    project = proposals.create_proposal(
        term, make_form(), actor=users["carol"], now=DEADLINE - timedelta(days=3)
    )
    with capture(execute=True):
        proposals.submit_proposal(project, actor=users["carol"], now=DEADLINE - timedelta(days=3))
    return project


def test_a_failed_proposal_email_is_sent_once_by_the_next_runs(
    jaeger, monkeypatch, django_capture_on_commit_callbacks
):
    fail_for(monkeypatch, "alice@example.org")
    submit(jaeger, django_capture_on_commit_callbacks)
    assert recipients() == ["bob@example.org", "carol@example.org", "maintainer@example.org"]
    row = Notification.objects.get(recipient=jaeger["alice"])
    assert (row.kind, row.sent_at) == (proposal_mail.NEEDS_CONFIRMATION, None)

    heal(monkeypatch)
    assert "1 of 1 unsent e-mails sent now, 0 still unsent" in run()
    assert "0 of 0 unsent" in run()
    assert recipients("needs your confirmation") == ["alice@example.org", "bob@example.org"]
    assert len(mail.outbox) == 4  # nobody else got a second copy
    row.refresh_from_db()
    assert row.sent_at is not None


def test_the_admins_failed_final_approval_notice_is_retried_from_the_round(
    jaeger, monkeypatch, django_capture_on_commit_callbacks
):
    project = submit(jaeger, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    fail_for(monkeypatch, "admin@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        proposals.approve_proposal(project, actor=jaeger["maintainer"])
        proposals.confirm_mentorship(project, actor=jaeger["alice"])
        proposals.confirm_mentorship(project, actor=jaeger["bob"])
    row = Notification.objects.get(kind=proposal_mail.READY_FOR_ADMIN)
    assert row.sent_at is None
    # The row is keyed on the submission that opened the round, not on an approval.
    opener = ProposalEvent.objects.get(project=project, kind=gates.SUBMITTED)
    assert row.object_id == str(opener.pk)

    heal(monkeypatch)
    assert "1 of 1 unsent e-mails sent now" in run()
    assert "0 of 0 unsent" in run()
    assert recipients("awaiting your final approval") == ["admin@example.org"]
    assert len(mail.outbox) == 1


def test_a_failed_email_that_is_no_longer_due_is_not_sent(
    jaeger, monkeypatch, django_capture_on_commit_callbacks
):
    fail_for(monkeypatch, "maintainer@example.org")
    project = submit(jaeger, django_capture_on_commit_callbacks)
    heal(monkeypatch)
    with django_capture_on_commit_callbacks(execute=True):
        proposals.approve_proposal(project, actor=jaeger["maintainer"])  # approved meanwhile
    mail.outbox.clear()
    assert "0 of 1 unsent e-mails sent now, 1 still unsent" in run()
    assert recipients() == []  # "needs your approval" is stale: never sent
