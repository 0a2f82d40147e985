"""E-mail about applications: the mentee on each step (once), the mentors once a day."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail

from cohort.applications import services as s
from cohort.applications.models import Application, ApplicationEvent
from cohort.applications.notifications import notify_application_event, send_review_digests
from cohort.applications.tests.conftest import WINDOW_OPEN, World, complete_application, pdf
from cohort.core.models import Person, User
from cohort.notifications.models import Notification
from cohort.projects.models import Mentorship

pytestmark = pytest.mark.usefixtures("in_window")

AUG_2 = datetime(2024, 8, 2, 0, 30, tzinfo=UTC)  # Aug 1 (UTC) has ended
AUG_3 = datetime(2024, 8, 3, 0, 30, tzinfo=UTC)


def to(address: str) -> list[mail.EmailMessage]:
    return [m for m in mail.outbox if m.to == [address]]


def test_submitted_mails_the_mentee_once(world: World, django_capture_on_commit_callbacks) -> None:
    user = world.user("mentee1")
    with django_capture_on_commit_callbacks(execute=True):
        application = s.apply_to_project(user, world.antrea)
        s.hand_in_task(application, "cover_letter", actor=user, text="Hello")
        s.hand_in_task(application, "coding_challenge", actor=user, url="https://x.org/pr/1")
    assert mail.outbox == []  # a draft: nothing to say yet
    with django_capture_on_commit_callbacks(execute=True):
        s.hand_in_task(application, "resume", actor=user, file=pdf())
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["mentee1@example.org"]
    assert message.subject == 'Your application to "Antrea project" is submitted'
    assert f"/applications/{application.pk}/" in message.body
    assert "2024 Term 3" in message.body


def test_shortlisted_and_declined_mail_the_mentee(
    world: World, django_capture_on_commit_callbacks
) -> None:
    alice = world.user("alice")
    one = complete_application(world, "mentee1", world.antrea)
    two = complete_application(world, "mentee2", world.antrea)
    with django_capture_on_commit_callbacks(execute=True):
        s.shortlist_application(one, actor=alice)
    (shortlisted,) = mail.outbox
    assert shortlisted.to == ["mentee1@example.org"]
    assert shortlisted.subject == 'You are on the shortlist for "Antrea project"'

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        s.unshortlist_application(one, actor=alice)  # back to submitted: nothing new
        s.withdraw_application(one, actor=world.user("mentee1"))
    assert mail.outbox == []

    with django_capture_on_commit_callbacks(execute=True):
        s.decline_applications(
            [two], actor=alice, message="We chose someone with more Go experience."
        )
    (declined,) = mail.outbox
    assert declined.to == ["mentee2@example.org"]
    assert declined.subject == 'Your application to "Antrea project" was not selected'
    assert "Their message:\nWe chose someone with more Go experience." in declined.body


def test_running_the_notification_twice_sends_once(world: World) -> None:
    application = complete_application(world, "mentee1", world.antrea)
    event = application.events.get(kind=ApplicationEvent.Kind.STATUS, status="submitted")
    assert notify_application_event(event.pk) == 1
    assert notify_application_event(event.pk) == 0
    assert len(mail.outbox) == 1
    assert Notification.objects.filter(object_id=str(event.pk)).count() == 1
    draft = application.events.get(kind=ApplicationEvent.Kind.STATUS, status="draft")
    assert notify_application_event(draft.pk) == 0
    assert notify_application_event(event.pk + 10_000) == 0
    assert len(mail.outbox) == 1


def test_a_mentee_without_email_gets_nothing(world: World) -> None:
    User.objects.filter(username="mentee1").update(email="")
    application = complete_application(world, "mentee1", world.antrea)
    event = application.events.get(status="submitted")
    assert notify_application_event(event.pk) == 0
    assert mail.outbox == []


def test_daily_digests_one_per_mentor_per_day(world: World) -> None:
    # A mentor listed without a login, and one whose account has no address: no digest.
    eve = Person.objects.create(name="Eve", github="eve", email="eve@example.org")
    Mentorship.objects.create(
        project=world.antrea, person=eve, position=7, name="Eve", email="eve@example.org"
    )
    User.objects.filter(username="carol").update(email="")

    complete_application(world, "mentee1", world.antrea)  # Aug 1, 12:00 UTC
    complete_application(world, "mentee2", world.antrea)
    complete_application(world, "mentee3", world.cilium)
    complete_application(world, "mentee4", world.falco)
    s.apply_to_project(world.user("mentee1"), world.cilium)  # a draft: not in a digest
    with time_machine.travel(WINDOW_OPEN + timedelta(hours=13), tick=False):  # Aug 2, 01:00
        complete_application(world, "mentee4", world.antrea)
    mail.outbox.clear()

    assert send_review_digests(now=AUG_2) == 2
    alice, bob = to("alice@example.org"), to("bob@example.org")
    assert len(alice) == len(bob) == 1
    assert len(mail.outbox) == 2
    assert alice[0].subject == "2 new complete applications (Aug 1)"
    assert "became complete on Thursday, August 1, 2024 (UTC)" in alice[0].body
    assert "- Antrea project: 2" in alice[0].body
    assert "Cilium" not in alice[0].body
    assert bob[0].subject == "3 new complete applications (Aug 1)"
    assert "- Antrea project: 2" in bob[0].body
    assert "- Cilium project: 1" in bob[0].body
    for message in mail.outbox:  # names stay in Cohort
        assert "Mentee" not in message.body
        assert "mentee" not in message.body.lower()

    assert send_review_digests(now=AUG_2 + timedelta(hours=5)) == 0  # the same day, again
    assert len(mail.outbox) == 2

    assert send_review_digests(now=AUG_3) == 2  # Aug 2: one application to antrea
    assert [m.subject for m in mail.outbox[2:]] == ["1 new complete application (Aug 2)"] * 2
    assert {m.to[0] for m in mail.outbox[2:]} == {"alice@example.org", "bob@example.org"}
    assert to("eve@example.org") == []
    assert to("") == []
    assert send_review_digests(now=AUG_3) == 0


def test_no_digest_for_a_day_without_complete_applications(world: World) -> None:
    s.apply_to_project(world.user("mentee1"), world.antrea)
    assert send_review_digests(now=AUG_2) == 0
    assert mail.outbox == []


def test_an_application_declined_before_the_digest_is_left_out(world: World) -> None:
    application = complete_application(world, "mentee1", world.antrea)
    complete_application(world, "mentee2", world.antrea)
    s.decline_applications([application], actor=world.user("alice"), message="No")
    mail.outbox.clear()
    assert send_review_digests(now=AUG_2) == 2
    assert all(m.subject == "1 new complete application (Aug 1)" for m in mail.outbox)


def test_with_the_database_backend_the_task_commits_with_the_change(
    world: World, settings, in_window
) -> None:
    """Production queues the e-mail task in the same transaction as the status change: a
    rolled-back change leaves no task, a committed one always has its task (no crash window
    between commit and enqueue)."""
    from django.db import transaction
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    inside = []

    def apply_then_fail() -> None:
        with transaction.atomic():
            complete_application(world, "mentee1", world.antrea)
            inside.append(DBTaskResult.objects.count())  # written inside the transaction
            raise RuntimeError("roll back")

    with pytest.raises(RuntimeError):
        apply_then_fail()
    assert inside == [1]
    assert DBTaskResult.objects.count() == 0
    assert not Application.objects.exists()

    application = complete_application(world, "mentee1", world.antrea)
    task = DBTaskResult.objects.get()
    assert task.args_kwargs["args"] == [application.events.get(status="submitted").pk]
