"""Background tasks for notifications: they take ids and call a service (spec/style.md B8)."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from django.db import transaction
from django.tasks import task

if TYPE_CHECKING:
    from cohort.applications.models import ApplicationEvent
    from cohort.proposals.models import ProposalEvent


@task
def notify_proposal_event_task(event_id: int) -> int:
    """E-mail the people a proposal event concerns; idempotent, so safe to run again."""
    # Imported here, not at the top: cohort.proposals.services imports this module to
    # enqueue, and the notification service imports cohort.proposals.services.
    from cohort.notifications.services import notify_proposal_event

    return notify_proposal_event(event_id)


def enqueue_proposal_notification(event: ProposalEvent) -> None:
    """Queue the notifications for `event` once the current transaction commits.

    Nothing is queued if the transaction rolls back; `robust` keeps a failure to enqueue
    (a backend outage) from turning the already-committed request into an error.
    """
    transaction.on_commit(partial(notify_proposal_event_task.enqueue, event.pk), robust=True)


@task
def notify_application_event_task(event_id: int) -> int:
    """E-mail the mentee about a change to their application; idempotent."""
    from cohort.notifications.applications import notify_application_event

    return notify_application_event(event_id)


def enqueue_application_notification(event: ApplicationEvent) -> None:
    """Queue the mentee's notification for `event` once the transaction commits."""
    transaction.on_commit(partial(notify_application_event_task.enqueue, event.pk), robust=True)
