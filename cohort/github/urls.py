"""The webhook receiver and the program admin's GitHub pages."""

from __future__ import annotations

from django.urls import path

from cohort.github import views

app_name = "github"

urlpatterns = [
    path("webhooks/github/<slug:slug>/", views.webhook, name="webhook"),
    path("github/<slug:slug>/", views.program_settings, name="settings"),
    path("github/<slug:slug>/deliveries/", views.deliveries, name="deliveries"),
]
