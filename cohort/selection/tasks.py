"""Background tasks for selection: they take ids and call a service (spec/style.md B8)."""

from __future__ import annotations

from django.tasks import task

from cohort.core.tasks import enqueue_with_transaction
from cohort.selection.models import Offer, Round
from cohort.selection.notifications import notify_offer, notify_round


@task
def notify_offer_task(offer_id: int) -> int:
    """E-mail the mentee their offer; idempotent."""
    return notify_offer(offer_id)


@task
def notify_round_task(round_id: int) -> int:
    """Send an announced selection round's offers and notices; idempotent."""
    return notify_round(round_id)


def enqueue_offer_notification(offer: Offer) -> None:
    enqueue_with_transaction(notify_offer_task, offer.pk)


def enqueue_round_notifications(round_: Round) -> None:
    enqueue_with_transaction(notify_round_task, round_.pk)
