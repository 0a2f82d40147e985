from __future__ import annotations

from django.apps import AppConfig


class SelectionConfig(AppConfig):
    name = "cohort.selection"
    label = "selection"
