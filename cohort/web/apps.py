from __future__ import annotations

from typing import Any

from django.apps import AppConfig, apps
from django.db import connections
from django.db.models.signals import post_migrate


class WebConfig(AppConfig):
    name = "cohort.web"
    label = "web"

    def ready(self) -> None:
        # Sent once per app with models after the whole migrate; web has none, so it listens
        # for the app whose table the index covers.
        post_migrate.connect(_ensure_search_index, sender=apps.get_app_config("projects"))


def _ensure_search_index(sender: AppConfig, using: str = "default", **kwargs: Any) -> None:
    """SQLite's full-text table is made (or repaired) after every migrate: a migration that
    rebuilds `projects_project` on SQLite drops its triggers."""
    from cohort.web.search import ensure_index

    ensure_index(connections[using])
