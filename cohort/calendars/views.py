"""The calendar pages: the signed-in person's page (the address, how to subscribe, a button
that rotates it) and the feed at its secret address (public, no login, 404 unless the token
is a current one)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from cohort.calendars import services
from cohort.calendars.feed import calendar
from cohort.calendars.models import CalendarFeed
from cohort.core.actors import signed_in


def feed_url(request: HttpRequest, feed: CalendarFeed) -> str:
    return request.build_absolute_uri(reverse("calendars:feed", args=[feed.token]))


@require_safe
@login_required
def mine(request: HttpRequest) -> HttpResponse:
    feed = services.feed_of(signed_in(request))
    url = feed_url(request, feed)
    context = {"feed": feed, "url": url, "webcal": "webcal://" + url.split("://", 1)[1]}
    response = render(request, "calendars/mine.html", context)
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@login_required
def rotate(request: HttpRequest) -> HttpResponse:
    user = signed_in(request)
    services.rotate_feed(user, actor=user)
    messages.success(request, "Your calendar has a new address. The old one no longer works.")
    return redirect("calendars:mine")


@require_safe
def feed(request: HttpRequest, token: str) -> HttpResponse:
    """The feed whose token is `token` (one lookup through its unique index); 404 otherwise."""
    found = (
        CalendarFeed.objects.select_related("user")
        .filter(token=token, user__is_active=True)
        .first()
    )
    if found is None:
        raise Http404("No such calendar.")
    base_url = request.build_absolute_uri("/").rstrip("/")
    response = HttpResponse(calendar(found, base_url), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="cohort.ics"'
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "no-referrer"
    return response
