from __future__ import annotations

from django.apps import AppConfig


class ProposalsConfig(AppConfig):
    name = "cohort.proposals"
    label = "proposals"
