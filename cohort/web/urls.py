from __future__ import annotations

from django.urls import path

from cohort.web import calendar, feeds, views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    # Browsers ask for /favicon.ico whatever the page says; answer with the site's icon.
    path("favicon.ico", views.favicon, name="favicon"),
    path("search/", views.search, name="search"),
    # Open data (issue 15): Atom feeds and each term's timeline as iCalendar.
    path("feeds/terms.atom", feeds.TermsFeed(), name="terms_feed"),
    path("feeds/projects.atom", feeds.ProjectsFeed(), name="projects_feed"),
    path("<slug:program>/", views.program_detail, name="program"),
    path("<slug:program>/<str:term>/", views.term_detail, name="term"),
    path("<slug:program>/<str:term>/calendar.ics", calendar.term_ics, name="term_calendar"),
    path(
        "<slug:program>/<str:term>/projects.atom",
        feeds.TermProjectsFeed(),
        name="term_projects_feed",
    ),
    path("<slug:program>/<str:term>/<slug:project>/", views.project_detail, name="project"),
]
