from __future__ import annotations

from django.apps import AppConfig


class StipendsConfig(AppConfig):
    name = "cohort.stipends"
    label = "stipends"

    def ready(self) -> None:
        from cohort.mentorship.hooks import on_evaluation_settled
        from cohort.notifications.services import register_replanner
        from cohort.stipends import notifications
        from cohort.stipends.services import record_passed_evaluation

        # A passed evaluation makes its installment's payment, in the settling transaction.
        on_evaluation_settled(record_passed_evaluation)
        # Failed e-mails about payments, retried periodically.
        register_replanner(notifications.PAYMENT_OBJECT, notifications.replan_unsent)
