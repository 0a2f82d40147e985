"""Mentorship's periodic job, registered in `MentorshipConfig.ready()` (cohort.core.periodic)."""

from __future__ import annotations

from datetime import datetime

from cohort.mentorship import notifications, services


def mentorship_job(now: datetime) -> list[str]:
    """Make active the placements whose start has come, announce the rounds that opened, lock
    the evaluations whose round closed (settling their results), and send the admins the day's
    list of overdue evaluations."""
    activated = services.activate_due_placements(now)
    announced = services.announce_open_rounds(now)
    locked = services.lock_due_evaluations(now)
    overdue = notifications.send_overdue_digests(now)
    return [
        f"Placements activated: {activated}",
        f"Evaluation rounds opened: {announced}",
        f"Evaluations locked: {locked}",
        f"Overdue lists sent: {overdue}",
    ]
