from __future__ import annotations

from django.apps import AppConfig


class ApplicationsConfig(AppConfig):
    name = "cohort.applications"
    label = "applications"

    def ready(self) -> None:
        from cohort.applications.notifications import (
            EVENT_OBJECT,
            replan_unsent,
            review_digests_job,
        )
        from cohort.core.periodic import register_periodic_job
        from cohort.notifications.services import register_replanner

        register_replanner(EVENT_OBJECT, replan_unsent)  # failed e-mails, retried periodically
        # After selection, before the retries; its line comes first in the report.
        register_periodic_job(
            "applications.review_digests", review_digests_job, order=20, report_order=10
        )
