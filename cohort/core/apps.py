from __future__ import annotations

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "cohort.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from django.urls import register_converter

        from cohort.core import accounts  # noqa: F401  (connects the allauth login receiver)
        from cohort.core.converters import IdConverter

        register_converter(IdConverter, "id")  # <id:pk>: a bounded <int:pk> for the pages
