"""Pages of cohort.reminders (issue 17): a program's reminder rules, preview and history."""

from __future__ import annotations

from django.urls import path

from cohort.reminders import views

app_name = "reminders"

urlpatterns = [
    path("reminders/<slug:slug>/", views.program_reminders, name="program"),
    path("reminders/<slug:slug>/rules/<id:pk>/", views.change_rule, name="change"),
]
