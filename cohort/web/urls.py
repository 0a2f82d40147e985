from __future__ import annotations

from django.urls import path

from cohort.web import views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    # Browsers ask for /favicon.ico whatever the page says; answer with the site's icon.
    path("favicon.ico", views.favicon, name="favicon"),
    path("search/", views.search, name="search"),
    path("<slug:program>/", views.program_detail, name="program"),
    path("<slug:program>/<str:term>/", views.term_detail, name="term"),
    path("<slug:program>/<str:term>/<slug:project>/", views.project_detail, name="project"),
]
