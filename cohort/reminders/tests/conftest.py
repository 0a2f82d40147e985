"""The worlds of the applications, selection, mentorship and stipends tests (one CNCF term
in America/Los_Angeles whose applications close at DEADLINE), reused for the reminders."""

from __future__ import annotations

from cohort.applications.tests.conftest import World, in_window, world  # noqa: F401
from cohort.mentorship.tests.conftest import Placed, active, placed  # noqa: F401
from cohort.selection.tests.conftest import ready  # noqa: F401

__all__ = ["Placed", "World"]
