from __future__ import annotations

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "cohort.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from cohort.core import accounts  # noqa: F401  (connects the allauth login receiver)
