"""Background tasks for applications: they take ids and call a service (spec/style.md B8)."""

from __future__ import annotations

from django.tasks import task

from cohort.applications.models import ApplicationEvent
from cohort.applications.notifications import notify_application_event
from cohort.core.tasks import enqueue_with_transaction


@task
def notify_application_event_task(event_id: int) -> int:
    """E-mail the mentee about a change to their application; idempotent."""
    return notify_application_event(event_id)


def enqueue_application_notification(event: ApplicationEvent) -> None:
    """Queue the mentee's notification for `event`, so it goes out exactly when it commits."""
    enqueue_with_transaction(notify_application_event_task, event.pk)
