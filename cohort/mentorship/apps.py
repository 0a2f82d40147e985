from __future__ import annotations

from django.apps import AppConfig


class MentorshipConfig(AppConfig):
    name = "cohort.mentorship"
    label = "mentorship"

    def ready(self) -> None:
        from cohort.applications.access import register_apply_bar
        from cohort.core.periodic import register_periodic_job
        from cohort.mentorship import notifications
        from cohort.mentorship.bars import placed_in_an_overlapping_term
        from cohort.mentorship.periodic import mentorship_job
        from cohort.mentorship.services import on_offer_accepted
        from cohort.notifications.services import register_replanner
        from cohort.selection.hooks import on_offer_accepted as register_offer_accepted

        # An accepted offer becomes a placement, inside accept_offer's transaction.
        register_offer_accepted(on_offer_accepted)
        # One mentorship at a time: no applying in a term that overlaps a live placement.
        register_apply_bar(placed_in_an_overlapping_term)
        # Failed e-mails about rounds and evaluations, retried periodically.
        register_replanner(notifications.ROUND_OBJECT, notifications.replan_unsent)
        register_replanner(notifications.EVALUATION_OBJECT, notifications.replan_unsent)
        # After selection and the digests, before the retries; its line comes last.
        register_periodic_job("mentorship", mentorship_job, order=25, report_order=40)
