from __future__ import annotations

from django.apps import AppConfig


class RetentionConfig(AppConfig):
    name = "cohort.retention"
    label = "retention"

    def ready(self) -> None:
        from cohort.core.periodic import register_periodic_job
        from cohort.retention.services import purge_job

        # Before the e-mail retries (which stay last); it sends no mail and reports last.
        register_periodic_job("retention.purge", purge_job, order=27, report_order=90)
