from __future__ import annotations

from django.apps import AppConfig


class GitHubConfig(AppConfig):
    name = "cohort.github"
    label = "cohort_github"
    verbose_name = "GitHub"
