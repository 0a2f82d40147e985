"""The program admin's console, under /console/."""

from __future__ import annotations

from django.urls import URLPattern, path

from cohort.console import views

app_name = "console"
urlpatterns: list[URLPattern] = [
    path("terms/<id:pk>/", views.dashboard, name="term"),
]
