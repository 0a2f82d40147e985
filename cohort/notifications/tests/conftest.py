"""The applications' world (a term in its application window), for the SMTP round trip."""

from __future__ import annotations

from cohort.applications.tests.conftest import in_window, world

__all__ = ["in_window", "world"]
