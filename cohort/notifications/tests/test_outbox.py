"""The generic outbox: retrying hands each app only the unsent rows keyed on its objects."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from cohort.core.models import User
from cohort.notifications import services as outbox
from cohort.notifications.models import Notification

pytestmark = pytest.mark.django_db


def row(user: User, object_type: str, object_id: str, *, sent: bool = False) -> Notification:
    return Notification.objects.create(
        kind="k",
        object_type=object_type,
        object_id=object_id,
        recipient=user,
        email=user.email,
        subject="s",
        sent_at=timezone.now() if sent else None,
        status=Notification.Status.SENT if sent else Notification.Status.QUEUED,
    )


def test_retry_hands_each_replanner_its_own_unsent_rows_and_counts_what_is_left(monkeypatch):
    monkeypatch.setattr(outbox, "_replanners", {})
    user = User.objects.create_user("carol", email="carol@example.org")
    mine, theirs = row(user, "a.thing", "1"), row(user, "b.thing", "2")
    row(user, "a.thing", "3", sent=True)
    row(user, "nobody.s", "4")  # no replanner: left alone, not counted
    seen: dict[str, list[tuple[str, str]]] = {}

    def send_the_a_rows(rows):
        seen["a"] = list(rows)
        Notification.objects.filter(pk=mine.pk).update(
            sent_at=timezone.now(), status=Notification.Status.SENT
        )
        return 1

    def fail_the_b_rows(rows):
        seen["b"] = list(rows)
        return 0

    outbox.register_replanner("a.thing", send_the_a_rows)
    outbox.register_replanner("b.thing", fail_the_b_rows)

    result = outbox.retry_unsent()
    assert seen == {"a": [("k", "1")], "b": [("k", "2")]}
    assert (result.unsent, result.sent, result.left) == (2, 1, 1)
    assert outbox.retry_job(timezone.now()) == [
        "Failed e-mails retried: 0 of 1 unsent e-mails sent now, 1 still unsent"
    ]
    theirs.refresh_from_db()
    assert theirs.sent_at is None


def test_rows_older_than_the_retry_window_are_not_replanned(monkeypatch):
    monkeypatch.setattr(outbox, "_replanners", {})
    user = User.objects.create_user("carol", email="carol@example.org")
    row(user, "a.thing", "1")
    outbox.register_replanner("a.thing", lambda rows: pytest.fail("replanned"))
    later = timezone.now() + timedelta(days=outbox.RETRY_DAYS, minutes=1)
    assert outbox.retry_unsent(later) == outbox.RetryResult(unsent=0, sent=0, left=0)
