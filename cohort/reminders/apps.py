from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_save


class RemindersConfig(AppConfig):
    name = "cohort.reminders"
    label = "reminders"

    def ready(self) -> None:
        from cohort.core.periodic import register_periodic_job
        from cohort.reminders import notifications
        from cohort.reminders.services import reminders_job
        from cohort.terms.models import Program

        notifications.register_kinds()
        # A new program starts with the default rules (terms cannot import this app).
        post_save.connect(_install_defaults, sender=Program, dispatch_uid="reminders.defaults")
        # After selection, the digests and the mentorship job, before the retries.
        register_periodic_job("reminders", reminders_job, order=26, report_order=45)


def _install_defaults(sender: Any, instance: Any, created: bool, raw: bool, **kwargs: Any) -> None:
    from cohort.reminders.services import install_default_rules

    if created and not raw:  # not while loading fixtures
        install_default_rules(instance)
