"""Background tasks for notifications: they take ids and call a service (spec/style.md B8)."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.tasks import Task, task

if TYPE_CHECKING:
    from cohort.applications.models import ApplicationEvent
    from cohort.proposals.models import ProposalEvent
    from cohort.selection.models import Offer, Round


@task
def notify_proposal_event_task(event_id: int) -> int:
    """E-mail the people a proposal event concerns; idempotent, so safe to run again."""
    # Imported here, not at the top: cohort.proposals.services imports this module to
    # enqueue, and the notification service imports cohort.proposals.services.
    from cohort.notifications.services import notify_proposal_event

    return notify_proposal_event(event_id)


def enqueue_proposal_notification(event: ProposalEvent) -> None:
    """Queue the notifications for `event`, so they go out exactly when the event commits."""
    _enqueue_with_transaction(notify_proposal_event_task, event.pk)


def _enqueue_with_transaction(task: Task[[int], int], object_id: int) -> None:
    """Queue `task(object_id)` so it exists if and only if the current transaction commits.

    With the database backend (production) the task row is written inside the transaction:
    it commits with the change, or not at all, so a crash between the two cannot lose it.
    Other backends (the immediate one in development and tests) are queued on commit;
    `robust` keeps a failure to enqueue from turning the committed request into an error.
    """
    if settings.TASKS["default"]["BACKEND"] == "django_tasks_db.DatabaseBackend":
        task.enqueue(object_id)
    else:
        transaction.on_commit(partial(task.enqueue, object_id), robust=True)


@task
def notify_application_event_task(event_id: int) -> int:
    """E-mail the mentee about a change to their application; idempotent."""
    from cohort.notifications.applications import notify_application_event

    return notify_application_event(event_id)


def enqueue_application_notification(event: ApplicationEvent) -> None:
    """Queue the mentee's notification for `event`, so it goes out exactly when it commits."""
    _enqueue_with_transaction(notify_application_event_task, event.pk)


@task
def notify_offer_task(offer_id: int) -> int:
    """E-mail the mentee their offer; idempotent."""
    from cohort.notifications.selection import notify_offer

    return notify_offer(offer_id)


@task
def notify_round_task(round_id: int) -> int:
    """Send an announced selection round's offers and notices; idempotent."""
    from cohort.notifications.selection import notify_round

    return notify_round(round_id)


def enqueue_offer_notification(offer: Offer) -> None:
    _enqueue_with_transaction(notify_offer_task, offer.pk)


def enqueue_round_notifications(round_: Round) -> None:
    _enqueue_with_transaction(notify_round_task, round_.pk)
