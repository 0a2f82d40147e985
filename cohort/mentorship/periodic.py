"""Mentorship's periodic job, registered in `MentorshipConfig.ready()` (cohort.core.periodic)."""

from __future__ import annotations

from datetime import datetime

from cohort.mentorship import services


def mentorship_job(now: datetime) -> list[str]:
    """Make active the upcoming placements whose start (`starts_at`) has come."""
    return [f"Placements activated: {services.activate_due_placements(now)}"]
