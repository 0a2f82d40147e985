from __future__ import annotations

from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "cohort.notifications"
    label = "notifications"
    verbose_name = "Notifications"

    def ready(self) -> None:
        from cohort.core.periodic import register_periodic_job
        from cohort.notifications.services import retry_job

        # Last, so it also retries what the jobs before it failed to send.
        register_periodic_job("notifications.retry", retry_job, order=30, report_order=20)
