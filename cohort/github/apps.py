from __future__ import annotations

from django.apps import AppConfig


class GitHubConfig(AppConfig):
    name = "cohort.github"
    label = "cohort_github"  # allauth's GitHub provider holds "github"
    verbose_name = "GitHub"

    def ready(self) -> None:
        from cohort.core.periodic import register_periodic_job
        from cohort.github.sending import send_due_writes

        # Retries of what GitHub refused or rate-limited, after the e-mail retries.
        register_periodic_job("github.writes", send_due_writes, order=95)
