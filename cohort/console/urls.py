"""The program admin's console, under /console/."""

from __future__ import annotations

from django.urls import URLPattern, path

from cohort.console import setup_views, views

app_name = "console"
urlpatterns: list[URLPattern] = [
    path("terms/<id:pk>/", views.dashboard, name="term"),
    # Setting up a term (cohort/console/setup_views.py).
    path("", setup_views.home, name="home"),
    path("programs/<slug:slug>/", setup_views.program, name="program"),
    path("terms/<id:pk>/timeline/", setup_views.timeline, name="timeline"),
    path("terms/<id:pk>/settings/", setup_views.settings, name="settings"),
]
