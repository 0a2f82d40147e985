"""The signed-in person's calendar through the API (issue 17): `GET /me/calendar` gives the
feed's secret address, `POST /me/calendar/rotate` replaces it (the old one answers 404 at
once). Errors: 401 without a user; 400 from the guard on control characters; 422 for a
request that does not match its schema."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Final

from django.http import HttpRequest
from ninja import Router, Schema

from cohort.calendars import services
from cohort.calendars.models import CalendarFeed
from cohort.calendars.views import feed_url
from cohort.core.api_auth import api_auth, request_user
from cohort.core.api_errors import errors

router = Router(tags=["calendars"], auth=api_auth)

CALENDAR_ERRORS: Final = errors(400, 401, 422)


class CalendarOut(Schema):
    url: str  # the feed's secret address: anyone who has it reads your deadlines
    rotated_at: datetime


def _out(request: HttpRequest, feed: CalendarFeed) -> dict[str, Any]:
    return {"url": feed_url(request, feed), "rotated_at": feed.rotated_at}


@router.get("/me/calendar", response={200: CalendarOut, **CALENDAR_ERRORS})
def my_calendar(request: HttpRequest) -> dict[str, Any]:
    """Your calendar feed's secret address (made the first time you ask)."""
    return _out(request, services.feed_of(request_user(request)))


@router.post("/me/calendar/rotate", response={200: CalendarOut, **CALENDAR_ERRORS})
def rotate_calendar(request: HttpRequest) -> dict[str, Any]:
    """A new secret address for your calendar feed; the old one stops working at once."""
    user = request_user(request)
    return _out(request, services.rotate_feed(user, actor=user))
