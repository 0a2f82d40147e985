"""Stipend e-mail through the outbox: the mentee hears when a payment of theirs is sent to the
payer (with the date to expect it by), paid, or failed (with the payer's reason), each exactly
once; a failed send is planned again by the periodic retry."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.core import mail
from django.core.mail import EmailMultiAlternatives

from cohort.mentorship.tests.conftest import Placed
from cohort.notifications.models import Notification
from cohort.notifications.services import retry_unsent
from cohort.stipends import notifications as n
from cohort.stipends import services
from cohort.stipends.models import Payment
from cohort.stipends.tests.conftest import payment_of

S = Payment.Status
# mentee1 is placed on the cilium project of the test world.
SUBJECT = "Your stipend for “Cilium project” (1 of 2, $2,282.00)"


def sent(w: Placed, captured, *, result: str = "") -> Payment:
    admin = w.world.user("admin")
    payment = payment_of(w.placement)
    services.approve_payment(payment, actor=admin)
    with captured(execute=True):
        services.export_payments(w.world.term, actor=admin)
    if result:
        with captured(execute=True):
            services.import_results(w.world.term, result, actor=admin)
    payment.refresh_from_db()
    return payment


@time_machine.travel("2024-10-21 16:00:00Z", tick=False)
def test_sending_tells_the_mentee_the_amount_and_when_to_expect_it(
    midterm_paid: Placed, django_capture_on_commit_callbacks
) -> None:
    payment = sent(midterm_paid, django_capture_on_commit_callbacks)
    assert payment.status == S.SENT
    (message,) = mail.outbox
    assert message.to == ["mentee1@example.org"]
    assert message.subject == SUBJECT + ": sent to the payer"
    body = " ".join(message.body.split())
    # 30 US business days after Mon, Oct 21, 2024 (the term's zone): Mon, Dec 2, 2024.
    assert payment.expected_on == date(2024, 12, 2)
    assert "after your midterm evaluation. Expected: By Dec 2, 2024." in body
    assert payment.reference in body
    assert isinstance(message, EmailMultiAlternatives)
    html = str(message.alternatives[0][0])
    assert "$2,282.00" in html
    assert "/stipends/me/" in html
    # The same change is told once: planning it again sends nothing.
    assert n.notify_payment(payment.pk) == 0
    assert len(mail.outbox) == 1


def test_a_paid_payment_is_told_once(midterm_paid: Placed, django_capture_on_commit_callbacks):
    ref = payment_of(midterm_paid.placement).reference
    payment = sent(
        midterm_paid, django_capture_on_commit_callbacks, result=f"reference,status\n{ref},paid\n"
    )
    assert payment.status == S.PAID
    assert [m.subject for m in mail.outbox] == [
        SUBJECT + ": sent to the payer",
        SUBJECT + ": paid",
    ]
    assert Notification.objects.filter(kind=n.PAYMENT, sent_at__isnull=False).count() == 2


def test_a_failure_gives_the_payers_reason_and_a_retried_failure_is_told_again(
    midterm_paid: Placed, django_capture_on_commit_callbacks
) -> None:
    w = midterm_paid
    admin = w.world.user("admin")
    ref = payment_of(w.placement).reference
    failed = f"reference,status,reason\n{ref},failed,IBAN rejected by the bank\n"
    payment = sent(w, django_capture_on_commit_callbacks, result=failed)
    assert payment.status == S.FAILED
    told = mail.outbox[-1]
    assert told.subject == SUBJECT + ": the payer could not pay it"
    assert "The payer said: IBAN rejected by the bank" in told.body
    # Retried, sent again and failing again: a new change, so a new e-mail.
    services.retry_payment(payment, actor=admin)
    with django_capture_on_commit_callbacks(execute=True):
        services.export_payments(w.world.term, actor=admin)
    with django_capture_on_commit_callbacks(execute=True):
        services.import_results(w.world.term, failed, actor=admin)
    subjects = [m.subject for m in mail.outbox]
    assert subjects.count(SUBJECT + ": the payer could not pay it") == 2
    assert subjects.count(SUBJECT + ": sent to the payer") == 2


def test_a_send_that_failed_is_sent_by_the_retry(
    midterm_paid: Placed, django_capture_on_commit_callbacks, monkeypatch: pytest.MonkeyPatch
) -> None:
    def down(*args: object, **kwargs: object) -> None:
        raise OSError("connection refused")

    monkeypatch.setattr("cohort.notifications.services.send_email", down)
    payment = sent(midterm_paid, django_capture_on_commit_callbacks)
    row = Notification.objects.get(kind=n.PAYMENT)
    assert row.sent_at is None
    assert "connection refused" in row.error
    assert row.object_id.startswith(f"{payment.pk}:sent:")
    monkeypatch.undo()
    result = retry_unsent()
    assert (result.sent, result.left) == (1, 0)
    assert mail.outbox[-1].subject == SUBJECT + ": sent to the payer"


def test_a_pending_or_approved_payment_tells_nobody(midterm_paid: Placed) -> None:
    payment = payment_of(midterm_paid.placement)
    assert n.notify_payment(payment.pk) == 0
    services.approve_payment(payment, actor=midterm_paid.world.user("admin"))
    assert n.notify_payment(payment.pk) == 0
    assert mail.outbox == []
