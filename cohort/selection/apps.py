from __future__ import annotations

from django.apps import AppConfig


class SelectionConfig(AppConfig):
    name = "cohort.selection"
    label = "selection"

    def ready(self) -> None:
        from cohort.core.periodic import register_periodic_job
        from cohort.selection.periodic import selection_job

        # First, so the e-mails its lapses and announcements queue are retried in the same
        # run if they fail; its lines come last in the report.
        register_periodic_job("selection", selection_job, order=10, report_order=30)

        # Selection's boxes on the applications pages (cohort.applications.panels).
        from cohort.selection.panels import register as register_panels

        register_panels()
