"""Background tasks for stipends: they take ids and call a service (spec/style.md B8)."""

from __future__ import annotations

from django.tasks import task

from cohort.core.tasks import enqueue_with_transaction
from cohort.stipends.models import Payment
from cohort.stipends.notifications import notify_payment


@task
def notify_payment_task(payment_id: int) -> int:
    """E-mail the mentee where their payment stands; idempotent."""
    return notify_payment(payment_id)


def enqueue_payment_notification(payment: Payment) -> None:
    enqueue_with_transaction(notify_payment_task, payment.pk)
