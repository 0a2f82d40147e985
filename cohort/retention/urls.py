"""Pages of cohort.retention (issue 16)."""

from __future__ import annotations

from django.urls import path

from cohort.retention import views

app_name = "retention"

urlpatterns = [
    path("console/terms/<id:pk>/retention/", views.term_retention, name="term"),
    path("my-data/", views.mine, name="mine"),
    path("my-data/download/", views.download, name="download"),
    path("my-data/delete/", views.delete, name="delete"),
    path("my-data/what-we-keep/", views.kept, name="kept"),
]
