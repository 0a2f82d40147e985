"""Pages of cohort.retention (issue 16)."""

from __future__ import annotations

from django.urls import URLPattern, path  # noqa: F401  # the helper filling this in uses path

app_name = "retention"

urlpatterns: list[URLPattern] = []
