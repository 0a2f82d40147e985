"""Pages of cohort.stats (issue 16)."""

from __future__ import annotations

from django.urls import URLPattern, path

from cohort.stats import views_close

app_name = "stats"

urlpatterns: list[URLPattern] = [
    # Closing a term (cohort/stats/views_close.py).
    path("console/terms/<id:pk>/close/", views_close.close_term, name="close_term"),
]
