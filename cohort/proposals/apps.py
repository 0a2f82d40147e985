from __future__ import annotations

from django.apps import AppConfig


class ProposalsConfig(AppConfig):
    name = "cohort.proposals"
    label = "proposals"

    def ready(self) -> None:
        from cohort.notifications.services import register_replanner
        from cohort.proposals.notifications import EVENT_OBJECT, replan_unsent

        register_replanner(EVENT_OBJECT, replan_unsent)  # failed e-mails, retried periodically
