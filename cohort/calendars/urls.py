"""Pages of cohort.calendars (issue 17): the signed-in person's calendar page, and the feed
itself at its secret address."""

from __future__ import annotations

from django.urls import path

from cohort.calendars import views

app_name = "calendars"

urlpatterns = [
    path("calendar/", views.mine, name="mine"),
    path("calendar/rotate/", views.rotate, name="rotate"),
    path("calendar/<str:token>.ics", views.feed, name="feed"),
]
