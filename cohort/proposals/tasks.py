"""Background tasks for proposals: they take ids and call a service (spec/style.md B8)."""

from __future__ import annotations

from django.tasks import task

from cohort.core.tasks import enqueue_with_transaction
from cohort.proposals.models import ProposalEvent
from cohort.proposals.notifications import notify_proposal_event


@task
def notify_proposal_event_task(event_id: int) -> int:
    """E-mail the people a proposal event concerns; idempotent, so safe to run again."""
    return notify_proposal_event(event_id)


def enqueue_proposal_notification(event: ProposalEvent) -> None:
    """Queue the notifications for `event`, so they go out exactly when the event commits."""
    enqueue_with_transaction(notify_proposal_event_task, event.pk)
