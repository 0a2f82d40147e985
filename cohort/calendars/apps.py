from __future__ import annotations

from django.apps import AppConfig


class CalendarsConfig(AppConfig):
    name = "cohort.calendars"
    label = "calendars"
