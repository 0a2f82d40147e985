from __future__ import annotations

from django.apps import AppConfig


class ConsoleConfig(AppConfig):
    """The program admin's console: setting up a term and the term dashboard."""

    name = "cohort.console"
    label = "console"
