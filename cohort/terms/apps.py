from __future__ import annotations

from django.apps import AppConfig


class TermsConfig(AppConfig):
    name = "cohort.terms"
    label = "terms"
