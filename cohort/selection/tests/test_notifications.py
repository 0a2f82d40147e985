"""Selection e-mail: each offer and each kind notice is mailed once, on the notification date
or later, whatever runs twice or crashes halfway (cohort.selection.notifications)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import IntegrityError, transaction

from cohort.core.emails import send_email
from cohort.core.models import User
from cohort.notifications import services as outbox
from cohort.notifications.models import Notification
from cohort.selection import notifications as selection_mail
from cohort.selection import services as s
from cohort.selection.models import Offer, Round
from cohort.selection.tests.conftest import BEFORE_NOTIFY, NOTIFY_AT, Selection

MENTEES = ("mentee1", "mentee2", "mentee3", "mentee4")
OFFER_SUBJECT = "You are offered a place on"
NOT_SELECTED_SUBJECT = "not selected this time"


def to(name: str) -> list[mail.EmailMessage]:
    return [m for m in mail.outbox if m.to == [f"{name}@example.org"]]


def selection_mails(name: str) -> list[mail.EmailMessage]:
    return [m for m in to(name) if OFFER_SUBJECT in m.subject or NOT_SELECTED_SUBJECT in m.subject]


def per_mentee() -> dict[str, int]:
    return {name: len(selection_mails(name)) for name in MENTEES}


def offer(sel: Selection, mentee: str, slug: str) -> Offer:
    return Offer.objects.get(
        mentee=sel.world.user(mentee), project=sel.project(slug), status=Offer.Status.PENDING
    )


def run_periodic() -> None:
    call_command("run_periodic", "--quiet")


@pytest.fixture
def confirmed(ready: Selection, django_capture_on_commit_callbacks) -> Round:
    """The stable assignment confirmed before the notification date: nothing is mailed."""
    admin = ready.world.user("admin")
    with django_capture_on_commit_callbacks(execute=True):
        round_ = s.run_round(ready.world.term, actor=admin)
        round_ = s.confirm_round(round_, actor=admin)
    assert round_.announced_at is None
    assert mail.outbox == []
    return round_


def announce(capture) -> None:
    with capture(execute=True):
        s.announce_due_rounds(NOTIFY_AT)


def test_announcement_mails_each_offer_and_a_kind_notice_once(
    ready: Selection, confirmed: Round, django_capture_on_commit_callbacks
) -> None:
    announce(django_capture_on_commit_callbacks)
    assert per_mentee() == {"mentee1": 1, "mentee2": 1, "mentee3": 1, "mentee4": 1}
    assert len(mail.outbox) == 4

    for mentee, title in (
        ("mentee1", "Cilium project"),
        ("mentee2", "Antrea project"),
        ("mentee3", "Falco project"),
    ):
        (message,) = to(mentee)
        assert message.subject == f'You are offered a place on "{title}" (2024 Term 3)'
        assert f'offered a place as a mentee on "{title}" in 2024 Term 3' in message.body
        # The deadline, in UTC and in the mentee's own zone (Europe/Berlin, CEST in September).
        assert "before 2024-09-10 17:00 UTC (2024-09-10 19:00 CEST, Europe/Berlin)" in (
            message.body
        )
        assert "Why this offer: Selection round 1: the stable assignment." in message.body
        assert "replaces" not in message.body
        assert "/applications/" in message.body
        html = message.alternatives[0][0]  # type: ignore[attr-defined]
        assert f"<strong>{title}</strong>" in html

    (notice,) = to("mentee4")
    assert notice.subject == "Your applications for 2024 Term 3: not selected this time"
    assert "This is not a judgement of your worth or your work." in notice.body
    assert 'You are on the waitlist of "Antrea project".' in notice.body
    assert "If a place opens there, you will get an offer by e-mail" in notice.body
    assert "congratulations" not in notice.body.lower()

    rows = Notification.objects.filter(kind__in=selection_mail.KINDS)
    assert rows.count() == 4
    assert all(row.sent_at is not None and row.error == "" for row in rows)
    assert rows.get(kind=selection_mail.NOT_SELECTED).object_id == str(confirmed.pk)
    assert set(rows.filter(kind=selection_mail.OFFER).values_list("object_id", flat=True)) == {
        str(pk) for pk in Offer.objects.values_list("pk", flat=True)
    }


def test_running_the_notifications_again_sends_nothing_twice(
    ready: Selection, confirmed: Round, django_capture_on_commit_callbacks
) -> None:
    announce(django_capture_on_commit_callbacks)
    assert selection_mail.notify_round(confirmed.pk) == 0
    for pk in Offer.objects.values_list("pk", flat=True):
        assert selection_mail.notify_offer(pk) == 0
    assert selection_mail.resend_recent(NOTIFY_AT + timedelta(hours=1)) == 0
    assert per_mentee() == {"mentee1": 1, "mentee2": 1, "mentee3": 1, "mentee4": 1}


def test_notification_rows_are_unique_per_kind_object_and_recipient(
    ready: Selection, confirmed: Round, django_capture_on_commit_callbacks
) -> None:
    announce(django_capture_on_commit_callbacks)
    keys = list(
        Notification.objects.filter(kind__in=selection_mail.KINDS).values_list(
            "kind", "object_type", "object_id", "recipient"
        )
    )
    assert len(keys) == len(set(keys)) == 4
    row = Notification.objects.get(kind=selection_mail.NOT_SELECTED)
    with pytest.raises(IntegrityError), transaction.atomic():
        Notification.objects.create(
            kind=row.kind,
            object_type=row.object_type,
            object_id=row.object_id,
            recipient=row.recipient,
            email=row.email,
            subject="again",
        )


def test_run_periodic_mails_nothing_before_the_date_and_everything_once_on_it(
    ready: Selection, confirmed: Round, in_window, django_capture_on_commit_callbacks
) -> None:
    in_window.move_to(BEFORE_NOTIFY)
    with django_capture_on_commit_callbacks(execute=True):
        run_periodic()
    assert per_mentee() == dict.fromkeys(MENTEES, 0)
    assert not Notification.objects.filter(kind__in=selection_mail.KINDS).exists()
    assert set(Offer.objects.values_list("announced_at", flat=True)) == {None}

    in_window.move_to(NOTIFY_AT)
    with django_capture_on_commit_callbacks(execute=True):
        run_periodic()
    in_window.move_to(NOTIFY_AT + timedelta(minutes=5))
    with django_capture_on_commit_callbacks(execute=True):
        run_periodic()
    assert per_mentee() == dict.fromkeys(MENTEES, 1)
    confirmed.refresh_from_db()
    assert confirmed.announced_at == NOTIFY_AT


class Crash(BaseException):
    """The process dying halfway (not an error that the code would catch)."""


def test_a_run_that_crashed_halfway_is_finished_by_the_next_without_repeats(
    ready: Selection, confirmed: Round, in_window, monkeypatch
) -> None:
    real = outbox.deliver  # what the outbox's deliver_many calls per e-mail, patched below
    calls: list[str] = []

    def crash_on_the_second(row, user, context, **options):
        calls.append(user.username)
        if len(calls) == 2:
            raise Crash
        return real(row, user, context, **options)

    monkeypatch.setattr("cohort.notifications.services.deliver", crash_on_the_second)
    in_window.move_to(NOTIFY_AT)
    with pytest.raises(Crash):
        run_periodic()
    assert sum(per_mentee().values()) == 1
    confirmed.refresh_from_db()
    assert confirmed.announced_at == NOTIFY_AT

    monkeypatch.setattr("cohort.notifications.services.deliver", real)
    in_window.move_to(NOTIFY_AT + timedelta(minutes=5))
    run_periodic()
    run_periodic()
    assert per_mentee() == dict.fromkeys(MENTEES, 1)
    assert not Notification.objects.filter(
        kind__in=selection_mail.KINDS, sent_at__isnull=True
    ).exists()


def test_a_failed_send_is_retried_once_by_the_next_run(
    ready: Selection, confirmed: Round, in_window, monkeypatch
) -> None:
    failed: list[str] = []

    def down_for_mentee3(name, address, context):
        if address == "mentee3@example.org":
            failed.append(address)
            raise ConnectionRefusedError("SMTP server unreachable")
        send_email(name, address, context)

    monkeypatch.setattr("cohort.notifications.services.send_email", down_for_mentee3)
    in_window.move_to(NOTIFY_AT)
    run_periodic()
    assert failed  # tried (the run itself tries the unsent offers once more)
    assert per_mentee() == {"mentee1": 1, "mentee2": 1, "mentee3": 0, "mentee4": 1}
    row = Notification.objects.get(kind=selection_mail.OFFER, recipient__username="mentee3")
    assert (row.sent_at, row.error) == (None, "ConnectionRefusedError: SMTP server unreachable")

    monkeypatch.setattr("cohort.notifications.services.send_email", send_email)  # back up
    in_window.move_to(NOTIFY_AT + timedelta(minutes=5))
    run_periodic()
    run_periodic()
    assert per_mentee() == dict.fromkeys(MENTEES, 1)
    row.refresh_from_db()
    assert row.sent_at is not None
    assert row.error == ""


def test_a_waitlist_upgrade_mails_each_new_holder_once_naming_what_it_replaces(
    ready: Selection, confirmed: Round, django_capture_on_commit_callbacks
) -> None:
    announce(django_capture_on_commit_callbacks)
    mail.outbox.clear()
    at = NOTIFY_AT + timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        s.decline_offer(
            offer(ready, "mentee2", "antrea"), actor=ready.world.user("mentee2"), now=at
        )
    one, three = selection_mails("mentee1"), selection_mails("mentee3")
    assert [m.subject for m in one] == ['You are offered a place on "Antrea project" (2024 Term 3)']
    assert [m.subject for m in three] == [
        'You are offered a place on "Cilium project" (2024 Term 3)'
    ]
    assert (
        'You ranked this project above "Cilium project", so this offer replaces the one you '
        "had there." in one[0].body
    )
    assert 'You ranked this project above "Falco project"' in three[0].body
    assert "Why this offer: A place on Antrea project opened: the mentee offered it declined." in (
        one[0].body
    )
    # A week from the new offer, not from the announcement.
    assert "before 2024-09-11 17:00 UTC (2024-09-11 19:00 CEST, Europe/Berlin)" in one[0].body
    assert selection_mails("mentee2") == selection_mails("mentee4") == []

    for pk in Offer.objects.values_list("pk", flat=True):
        assert selection_mail.notify_offer(pk) == 0
    assert per_mentee() == {"mentee1": 1, "mentee2": 0, "mentee3": 1, "mentee4": 0}


def test_a_waitlist_offer_that_is_no_upgrade_says_nothing_replaced(
    ready: Selection, confirmed: Round, django_capture_on_commit_callbacks
) -> None:
    announce(django_capture_on_commit_callbacks)
    at = NOTIFY_AT + timedelta(days=1)
    s.accept_offer(offer(ready, "mentee1", "cilium"), actor=ready.world.user("mentee1"), now=at)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        s.decline_offer(
            offer(ready, "mentee2", "antrea"), actor=ready.world.user("mentee2"), now=at
        )
    (message,) = selection_mails("mentee4")
    assert message.subject == 'You are offered a place on "Antrea project" (2024 Term 3)'
    assert "replaces" not in message.body
    assert selection_mails("mentee1") == selection_mails("mentee3") == []


def test_an_upgraded_mentee_gets_only_their_new_offer(
    ready: Selection, confirmed: Round, django_capture_on_commit_callbacks
) -> None:
    announce(django_capture_on_commit_callbacks)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        s.decline_offer(
            offer(ready, "mentee2", "antrea"),
            actor=ready.world.user("mentee2"),
            now=NOTIFY_AT + timedelta(days=1),
        )
    assert [m.subject for m in to("mentee1")] == [
        'You are offered a place on "Antrea project" (2024 Term 3)'
    ]


def test_a_mentee_who_declined_is_not_told_they_were_not_selected(
    ready: Selection, confirmed: Round, in_window, django_capture_on_commit_callbacks
) -> None:
    announce(django_capture_on_commit_callbacks)
    at = NOTIFY_AT + timedelta(days=1)
    s.decline_offer(offer(ready, "mentee2", "antrea"), actor=ready.world.user("mentee2"), now=at)
    in_window.move_to(at + timedelta(minutes=5))
    run_periodic()
    assert [m.subject for m in selection_mails("mentee2")] == [
        'You are offered a place on "Antrea project" (2024 Term 3)'
    ]


def test_a_mentee_without_an_address_gets_no_mail(
    ready: Selection, confirmed: Round, django_capture_on_commit_callbacks
) -> None:
    User.objects.filter(username__in=["mentee1", "mentee4"]).update(email="")
    announce(django_capture_on_commit_callbacks)
    assert per_mentee() == {"mentee1": 0, "mentee2": 1, "mentee3": 1, "mentee4": 0}
    assert not Notification.objects.filter(recipient__username__in=["mentee1", "mentee4"]).exists()


def test_an_unannounced_or_answered_offer_is_not_mailed(
    ready: Selection, confirmed: Round, django_capture_on_commit_callbacks
) -> None:
    pending = offer(ready, "mentee1", "cilium")
    assert selection_mail.notify_offer(pending.pk) == 0  # not announced yet
    assert selection_mail.notify_round(confirmed.pk) == 0
    s.announce_round(confirmed, now=NOTIFY_AT)  # its on-commit task does not run here
    s.accept_offer(pending, actor=ready.world.user("mentee1"), now=NOTIFY_AT)
    assert selection_mail.notify_offer(pending.pk) == 0  # accepted before it was mailed
    assert selection_mail.notify_round(confirmed.pk) == 3  # mentee2, mentee3, mentee4
    assert per_mentee() == {"mentee1": 0, "mentee2": 1, "mentee3": 1, "mentee4": 1}
