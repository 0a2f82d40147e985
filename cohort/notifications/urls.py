"""Pages of cohort.notifications: a person's e-mail settings and the one-click unsubscribe."""

from __future__ import annotations

from django.urls import path

from cohort.notifications import views

app_name = "notifications"

urlpatterns = [
    path("settings/email/", views.email_settings, name="settings"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
