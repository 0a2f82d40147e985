from __future__ import annotations

from django.apps import AppConfig


class SelectionConfig(AppConfig):
    name = "cohort.selection"
    label = "selection"

    def ready(self) -> None:
        # Selection's boxes on the applications pages (cohort.applications.panels).
        from cohort.selection.panels import register as register_panels

        register_panels()
