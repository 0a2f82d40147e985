"""URL map: public pages, the API and the admin. No domain code here."""

from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

from config.api import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("api/v1/", api.urls),
    path("proposals/", include("cohort.proposals.urls")),
    path("", include("cohort.applications.urls")),  # applications/… and review/…
    path("", include("cohort.selection.urls")),
    path("console/", include("cohort.console.urls")),
    path("", include("cohort.mentorship.urls")),  # mentorship/…
    path("stipends/", include("cohort.stipends.urls", namespace="stipends")),
    path("", include("cohort.stats.urls", namespace="stats")),  # before web's term pages
    path("", include("cohort.retention.urls", namespace="retention")),
    path("", include("cohort.notifications.urls", namespace="notifications")),
    path("", include("cohort.calendars.urls", namespace="calendars")),  # calendar/…
    path("", include("cohort.reminders.urls", namespace="reminders")),  # reminders/…
    path("", include("cohort.github.urls", namespace="github")),  # webhooks/github/…, github/…
    path("", include("cohort.web.urls")),
]
