from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.apps import AppConfig


class GitHubConfig(AppConfig):
    name = "cohort.github"
    label = "cohort_github"  # allauth's GitHub provider holds "github"
    verbose_name = "GitHub"

    def ready(self) -> None:
        from cohort.core.periodic import register_periodic_job

        # Retries of what GitHub refused or rate-limited, after the e-mail retries.
        register_periodic_job("github.writes", _send_due_writes, order=95)


def _send_due_writes(now: datetime) -> Sequence[str]:
    # Imported when the job runs, not at start-up: sending brings the client and the proposal
    # review, about 130 ms of imports in every process (`cohort --help` included).
    from cohort.github.sending import send_due_writes

    return send_due_writes(now)
