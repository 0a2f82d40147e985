"""Background tasks for GitHub: they take ids and call a service (spec/style.md B8)."""

from __future__ import annotations

from django.tasks import task

from cohort.github.sending import send_write


@task
def send_write_task(write_id: int) -> int:
    """Send a write Cohort owes GitHub if it is still pending and due; 1 if it was sent."""
    return int(send_write(write_id) == "sent")
