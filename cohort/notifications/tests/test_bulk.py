"""Planning and sending many e-mails at once (issue 18): `create_outbox_rows` plans a batch in
a fixed number of queries, with the subject `outbox_row` would store, and `deliver_many`
sends each owed row in its own transaction of three queries, reading the recipients' choices
once for the whole batch."""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cohort.core.emails import render_email, send_email
from cohort.core.models import User
from cohort.notifications import services as outbox
from cohort.notifications.models import Notification

pytestmark = pytest.mark.django_db

DIGEST = "applications_digest"  # optional
OFFER = "selection_offer"  # essential
PER_EMAIL = 3  # SAVEPOINT (BEGIN), the UPDATE that marks and locks the row, RELEASE (COMMIT)


def people(n: int, prefix: str) -> list[User]:
    User.objects.bulk_create(
        User(username=f"{prefix}{i}", email=f"{prefix}{i}@example.org") for i in range(n)
    )
    return list(User.objects.filter(username__startswith=prefix).order_by("pk"))


def context(user: User) -> dict[str, object]:
    return {"name": user.username, "project": f"Project of {user.username}", "count": 2}


def plan(kind: str, users: list[User]) -> dict[outbox.Key, Notification]:
    have = outbox.outbox_rows(kind, "test.thing", [("7", u.pk) for u in users])
    wanted = [(7, u, context(u)) for u in users]
    return have | outbox.create_outbox_rows(kind, "test.thing", wanted, have)


def send_all(kind: str, users: list[User]) -> tuple[int, int]:
    """(queries, sent) of planning and sending `kind` to each of `users`."""
    with CaptureQueriesContext(connection) as queries:
        rows = plan(kind, users)
        sent = outbox.deliver_many((rows[("7", u.pk)], u, context(u)) for u in users)
    return len(queries), sent


def test_rows_planned_in_bulk_are_the_rows_outbox_row_plans() -> None:
    (one,), many = people(1, "solo"), people(3, "bulk")
    single, created = outbox.outbox_row(OFFER, "test.thing", 7, one, context(one))
    assert created
    rows = plan(OFFER, many)
    assert sorted(rows) == [("7", u.pk) for u in many]
    for user in many:
        row = rows[("7", user.pk)]
        assert (row.kind, row.object_type, row.email, row.status) == (
            OFFER,
            "test.thing",
            user.email,
            "queued",
        )
        assert row.subject == render_email(OFFER, context(user)).subject
    assert single.subject == render_email(OFFER, context(one)).subject
    # Planned again, nothing new: the rows found are handed back, none is created twice.
    assert plan(OFFER, many) == rows
    assert Notification.objects.count() == 4


def test_a_row_another_run_planned_meanwhile_is_kept_not_duplicated() -> None:
    users = people(3, "race")
    theirs, _ = outbox.outbox_row(OFFER, "test.thing", 7, users[1], context(users[1]))
    # Our run read the outbox before theirs inserted: it believes no row exists.
    wanted = [(7, u, context(u)) for u in users]
    rows = outbox.create_outbox_rows(OFFER, "test.thing", wanted, {})
    assert rows[("7", users[1].pk)].pk == theirs.pk
    assert Notification.objects.count() == 3


def test_sending_a_batch_costs_one_transaction_per_email_and_a_fixed_number_of_reads() -> None:
    small, large = people(3, "s"), people(30, "l")
    # An optional kind, so the choices are read (once per batch); two turned it off.
    for user in (small[0], large[0], large[1]):
        outbox.set_email_preference(user, DIGEST, False, actor=user)
    small_queries, small_sent = send_all(DIGEST, small)
    large_queries, large_sent = send_all(DIGEST, large)
    assert (small_sent, large_sent) == (2, 28)
    assert len(mail.outbox) == 30
    # A skipped row costs one UPDATE; a sent one its transaction.
    small_reads = small_queries - PER_EMAIL * small_sent - 1
    large_reads = large_queries - PER_EMAIL * large_sent - 2
    assert small_reads == large_reads, (small_queries, large_queries)
    assert large_reads <= 5
    statuses = list(Notification.objects.values_list("status", flat=True))
    assert sorted(set(statuses)) == ["sent", "skipped"]
    assert statuses.count("skipped") == 3
    # Everything sent or skipped: a second run plans nothing, sends nothing, writes nothing.
    again, sent = send_all(DIGEST, large)
    assert sent == 0
    assert again == 1  # the one read of the rows
    assert len(mail.outbox) == 30


def test_a_failed_send_in_a_batch_is_recorded_and_the_rest_go_out(monkeypatch) -> None:
    users = people(4, "f")
    real = send_email

    def down_for_f2(name: str, to: str, context: dict[str, object]) -> None:
        if to == "f2@example.org":
            raise ConnectionRefusedError("SMTP server unreachable")
        real(name, to, context)

    monkeypatch.setattr(outbox, "send_email", down_for_f2)
    _queries, sent = send_all(OFFER, users)
    assert sent == 3
    assert sorted(m.to[0] for m in mail.outbox) == [f"f{i}@example.org" for i in (0, 1, 3)]
    failed = Notification.objects.get(recipient__username="f2")
    assert (failed.status, failed.attempts, failed.sent_at, failed.error) == (
        "failed",
        1,
        None,
        "ConnectionRefusedError: SMTP server unreachable",
    )
    monkeypatch.setattr(outbox, "send_email", real)
    _queries, sent = send_all(OFFER, users)  # the next run sends only what failed
    assert sent == 1
    assert len(mail.outbox) == 4
    failed.refresh_from_db()
    assert (failed.status, failed.attempts, failed.error) == ("sent", 2, "")
